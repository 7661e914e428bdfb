package io.appconnector.operator.reconciler;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.config.OperatorSettings.LeaseTimings;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.Operators;
import io.appconnector.operator.support.ReconcileLog;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two replicas with leader election against a real API server: one reconciles; stopping it hands over. */
class LeaderElectionIT {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();
  static final LeaseTimings FAST = new LeaseTimings(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500));


  static Operator replica(KubernetesClient client, String identity, ReconcileLog reconciles) {
    // Production exits the process when it loses the lease; these replicas share one test JVM.
    OperatorSettings settings = new OperatorSettings("https://tokens.example.test/oauth2/token", Set.of(),
        "default", false, identity).withLeaderElection(identity, FAST, false);
    Operator operator = Operators.create(client, settings, Clock.systemUTC(), reconciles.install());
    operator.start();
    return operator;
  }

  static String holder(KubernetesClient client) {
    Lease lease = client.leases().inNamespace("default").withName(AppConnectorOperator.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void onlyTheLeaderReconcilesAndStoppingItHandsOver() {
    KubernetesClient client = api.client();
    for (String ns : new String[] {"le-tenant", "le-tenant-2", "le-vendor"}) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    client.resource(vendorListing("le-ledger", "le-vendor", "invoices.read")).create();

    ReconcileLog first = new ReconcileLog(Clock.systemUTC());
    ReconcileLog second = new ReconcileLog(Clock.systemUTC());
    Operator a = replica(client, "replica-a", first);
    Await.until("replica-a holds the lease", () -> holder(client), "replica-a"::equals);
    Operator b = replica(client, "replica-b", second);
    try {
      Activation one = client.resource(activation("le-tenant", "one", "le-ledger", "invoices.read")).create();
      Await.until("one Active", () -> client.resource(one).get(), x -> x.getStatus() != null && x.getStatus().phase == Phase.Active);
      Await.until("the leader reconciled", () -> first.finished(one), n -> n > 0);
      assertEquals(0, second.finished(one), "the follower did not");
      assertEquals("replica-a", holder(client));

      a.stop();
      Await.until("replica-b takes over the lease", () -> holder(client), "replica-b"::equals, Duration.ofSeconds(30));
      Activation two = client.resource(activation("le-tenant-2", "two", "le-ledger", "invoices.read")).create();
      Await.until("two Active under the new leader", () -> client.resource(two).get(),
          x -> x.getStatus() != null && x.getStatus().phase == Phase.Active);
      Await.until("the new leader reconciled", () -> second.finished(two), n -> n > 0);
      assertEquals(0, first.finished(two), "the stopped replica does not");
      assertTrue(second.finished(one) > 0, "the new leader took over existing activations");
    } finally {
      a.stop();
      b.stop();
    }
  }
}
