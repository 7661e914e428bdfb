package io.appconnector.operator.reliability;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two operator processes with leader election and no HOSTNAME, as the README runs them outside a
 * cluster: SIGTERM ends the leader within seconds, its lease is released, and the follower leads
 * long before the lease would have expired (15 s).
 */
class ShutdownIT {
  static final Duration LEASE_DURATION = Duration.ofSeconds(15);
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();

  @Test
  void sigtermStopsTheLeaderWithinSecondsAndTheFollowerLeadsAtOnce() throws Exception {
    KubernetesClient client = api.client();
    for (String ns : new String[] {"stop-tenant", "stop-tenant-2", "stop-vendor"}) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    client.resource(vendorListing("stop-ledger", "stop-vendor", "invoices.read")).create();
    Path dir = Files.createDirectories(Path.of("target", "reliability"));
    Path kubeconfig = Files.writeString(dir.resolve("shutdown-kubeconfig.yaml"), api.kubeConfigYaml());
    Path leaderLog = dir.resolve("shutdown-leader.log");
    Path followerLog = dir.resolve("shutdown-follower.log");
    Files.deleteIfExists(leaderLog);
    Files.deleteIfExists(followerLog);
    Map<String, String> env = Map.of("LEADER_ELECTION", "true");

    try (OperatorProcess leader = OperatorProcess.start(kubeconfig, leaderLog, env)) {
      String first = Await.until("the first process leads", () -> holder(client), h -> h != null && !h.isEmpty(),
          Duration.ofSeconds(60));
      try (OperatorProcess follower = OperatorProcess.start(kubeconfig, followerLog, env)) {
        follower.awaitLog("the leader is " + first, 0, Duration.ofSeconds(30));
        Activation one = client.resource(activation("stop-tenant", "one", "stop-ledger", "invoices.read")).create();
        Await.until("one Active", () -> client.resource(one).get(), ShutdownIT::active, Duration.ofSeconds(60));

        long sent = System.nanoTime();
        leader.terminate();
        assertTrue(leader.awaitExit(Duration.ofSeconds(10)), "the leader exits within 10 s of SIGTERM; see " + leaderLog);
        double exitSeconds = (System.nanoTime() - sent) / 1e9;
        // Released, as client-go releases a Lease: no holder, unless the follower has taken it already.
        Lease afterExit = lease(client);
        assertNotEquals(first, afterExit.getSpec().getHolderIdentity(), "the lease is released, not left to expire");
        String second = Await.until("the follower leads", () -> holder(client), h -> h != null && !h.isEmpty()
            && !h.equals(first), LEASE_DURATION);
        double takeoverSeconds = (System.nanoTime() - sent) / 1e9;
        assertTrue(takeoverSeconds < 10,
            "the follower leads well before the old lease would have expired: " + takeoverSeconds + " s");
        assertTrue(leader.logSince(0).contains(first + " released the lease"), "the leader says so in its log");

        Activation two = client.resource(activation("stop-tenant-2", "two", "stop-ledger", "invoices.read")).create();
        Await.until("two Active under the new leader", () -> client.resource(two).get(), ShutdownIT::active,
            Duration.ofSeconds(60));
        assertEquals(Phase.Active, client.resource(one).get().getStatus().phase);
        System.out.printf("RELIABILITY shutdown: leader exited %.1f s after SIGTERM (code %d), follower led after %.1f s%n",
            exitSeconds, leader.exitValue(), takeoverSeconds);
      }
    }
  }

  static boolean active(Activation a) {
    return a != null && a.getStatus() != null && a.getStatus().phase == Phase.Active;
  }

  static Lease lease(KubernetesClient client) {
    return client.leases().inNamespace("default").withName(AppConnectorOperator.LEASE_NAME).get();
  }

  static String holder(KubernetesClient client) {
    Lease lease = lease(client);
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
