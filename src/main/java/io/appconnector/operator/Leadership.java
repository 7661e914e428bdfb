package io.appconnector.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a replica does when its leadership changes. Losing the lease while running ends the process
 * (exit code 1, the pod restarts), so two replicas never reconcile at once. Giving the lease up
 * because the process is stopping (SIGTERM) ends nothing: the shutdown is already under way, and
 * {@code System.exit} called from inside it would wait forever for the shutdown hook that called it.
 */
final class Leadership {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private Leadership() {
  }

  static LeaderCallbacks callbacks(String identity, boolean exitOnLostLeadership) {
    return new LeaderCallbacks(
        () -> log.info("{} leads: reconciling", identity),
        () -> {
          if (shuttingDown()) {
            log.info("{} stops leading: shutting down", identity);
          } else if (exitOnLostLeadership) {
            log.error("{} lost the lease; exiting so that no two replicas reconcile at once", identity);
            // From a thread of its own: this callback runs inside the leader elector's lock, which
            // the shutdown hook needs to release the lease.
            Thread exit = new Thread(() -> System.exit(1), "exit-on-lost-lease");
            exit.start();
          } else {
            log.warn("{} lost the lease", identity);
          }
        },
        leader -> log.info("the leader is {}", leader));
  }

  /**
   * Gives the lease up, as client-go does on a clean stop, once this replica no longer reconciles:
   * no holder and a duration of one second, so a follower takes over at its next try instead of
   * waiting for the lease to expire. (JOSDK 5.2.3 starts the leader elector without
   * release-on-cancel.) Written with the resourceVersion read, so a lease another replica took
   * meanwhile is left alone.
   *
   * @return whether this replica held the lease and released it
   */
  static boolean release(KubernetesClient client, String namespace, String identity) {
    Lease lease = client.leases().inNamespace(namespace).withName(AppConnectorOperator.LEASE_NAME).get();
    if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
      return false;
    }
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    lease.getSpec().setHolderIdentity(null);
    lease.getSpec().setLeaseDurationSeconds(1);
    lease.getSpec().setAcquireTime(now);
    lease.getSpec().setRenewTime(now);
    client.resource(lease).update();
    log.info("{} released the lease", identity);
    return true;
  }

  /** Whether the JVM is running its shutdown hooks: it then refuses new ones. */
  static boolean shuttingDown() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
