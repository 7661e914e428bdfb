package io.appconnector.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.config.OperatorSettings.LeaseTimings;
import io.appconnector.operator.helm.AuditedApiServer;
import io.appconnector.operator.helm.AuditedApiServer.Request;
import io.appconnector.operator.helm.ChartRbac;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.TestClock;
import io.appconnector.operator.token.TokenServer;
import io.appconnector.operator.token.TokenSettings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The operator with exactly the Helm chart's RBAC rules: its ServiceAccount, ClusterRole, Role and
 * bindings are created in a real API server (RBAC authorization on), and the operator and its token
 * endpoint run with that ServiceAccount's token, as a replica in the release namespace does. The
 * lifecycle and trusted-network scenarios run unchanged, two replicas hand the leader-election Lease
 * over, and the token endpoint rotates its signing keys, so a missing permission fails a test.
 * Afterwards the API server's audit log must show no refused request and every verb the chart grants
 * in use, so a permission nothing needs fails too (run the whole class: the audit covers all of it).
 */
class RbacLifecycleIT {
  /** The release namespace: where the scenarios' operator keeps its Lease and the token endpoint its keys. */
  static final String RELEASE_NAMESPACE = "default";
  static final LeaseTimings FAST = new LeaseTimings(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500));

  /**
   * Granted verbs the scenarios do not reach, each with the path that needs it. Anything else granted
   * and unused fails the class.
   */
  static final Map<String, String> NOT_REACHED = Map.of(
      "coordination.k8s.io leases update",
      "leader election starts only if a SelfSubjectRulesReview shows get, create and update; renewals are patches",
      "networking.k8s.io networkpolicies get",
      "read only when creating a policy meets an existing one (HTTP 409): a stale cache, or after a crash");

  static AuditedApiServer api;
  static ChartRbac rbac;
  static KubernetesClient restricted;

  @BeforeAll
  static void installTheChartsRbac() {
    api = AuditedApiServer.start();
    rbac = ChartRbac.render(RELEASE_NAMESPACE);
    rbac.install(api.client());
    restricted = rbac.clientFor(api.client());
    assertEquals(rbac.user(), restricted.authentication().v1().selfSubjectReviews()
        .create(new io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview()).getStatus()
        .getUserInfo().getUsername(), "the operator's client is the chart's ServiceAccount");
  }

  @AfterAll
  static void everyGrantWasUsedAndNoRequestRefused() {
    if (restricted == null) {
      if (api != null) {
        api.close();
      }
      return; // skipped (no API server binaries) or failed to start: nothing ran to audit
    }
    try {
      List<Request> requests = api.requests(rbac.user());
      assertTrue(requests.size() > 100, "the audit log holds the operator's requests");
      assertEquals(List.of(), requests.stream().filter(r -> r.code() == 401 || r.code() == 403).toList(),
          "requests the chart's rules refused");
      Set<String> used = requests.stream().map(r -> r.apiGroup() + " " + r.rbacResource() + " " + r.verb())
          .collect(Collectors.toCollection(TreeSet::new));
      Set<String> granted = Stream.concat(rbac.clusterRules().stream(), rbac.namespaceRules().stream())
          .flatMap(RbacLifecycleIT::grants).collect(Collectors.toCollection(TreeSet::new));
      assertTrue(granted.containsAll(NOT_REACHED.keySet()), "the exceptions are grants");
      Set<String> unused = new TreeSet<>(granted);
      unused.removeAll(used);
      unused.removeAll(NOT_REACHED.keySet());
      assertEquals(Set.of(), unused, "granted by the chart but never used by the operator; used: " + used);
    } finally {
      restricted.close();
      api.close();
    }
  }

  static Stream<String> grants(PolicyRule rule) {
    return rule.getApiGroups().stream().flatMap(g -> rule.getResources().stream()
        .flatMap(r -> rule.getVerbs().stream().map(v -> g + " " + r + " " + v)));
  }

  /** The token endpoint as every replica runs it, with the ServiceAccount's client and the scenario's clock. */
  static TokenServer tokenServer(TestClock clock) {
    return AppConnectorOperator.startTokenServer(restricted, TokenSettings.embedded(RELEASE_NAMESPACE), clock);
  }

  static Operator replica(String pod, Deadlines deadlines) {
    // Production exits the process when it loses the lease; these replicas share one test JVM.
    OperatorSettings settings = new OperatorSettings("https://tokens.example.test/oauth2/token", Set.of(),
        RELEASE_NAMESPACE, false, pod).withLeaderElection(pod, FAST, false);
    Operator operator = AppConnectorOperator.create(restricted, settings, Clock.systemUTC(), deadlines);
    operator.start();
    return operator;
  }

  static String leaseHolder() {
    Lease lease = api.client().leases().inNamespace(RELEASE_NAMESPACE).withName(AppConnectorOperator.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Nested
  class Lifecycle extends ActivationLifecycleScenarios {
    TokenServer tokens;

    @Override
    protected KubernetesClient client() {
      return api.client();
    }

    @Override
    protected KubernetesClient operatorClient() {
      return restricted;
    }

    @Override
    void startOperator() {
      tokens = tokenServer(clock);
      super.startOperator();
    }

    @Override
    @AfterEach
    void stopOperator() {
      super.stopOperator();
      if (tokens != null) {
        tokens.close();
        tokens = null;
      }
    }
  }

  @Nested
  class TrustedNetworks extends TrustedNetworkScenarios {
    TokenServer tokens;

    @Override
    protected KubernetesClient client() {
      return api.client();
    }

    @Override
    protected KubernetesClient operatorClient() {
      return restricted;
    }

    @Override
    void startOperator() {
      tokens = tokenServer(clock);
      super.startOperator();
    }

    @Override
    @AfterEach
    void stopOperator() {
      super.stopOperator();
      if (tokens != null) {
        tokens.close();
        tokens = null;
      }
    }
  }

  @Nested
  class LeaderElection {
    @Test
    void replicasElectALeaderThroughTheLeaseInTheReleaseNamespaceAndHandOver() {
      KubernetesClient admin = api.client();
      for (String ns : List.of("le-tenant", "le-vendor")) {
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      }
      admin.resource(Fixtures.vendorListing("le-ledger", "le-vendor", "invoices.read")).create();
      Operator a = replica("replica-a", new Deadlines());
      Operator b = null;
      try {
        Await.until("replica-a holds the lease", RbacLifecycleIT::leaseHolder, "replica-a"::equals);
        b = replica("replica-b", new Deadlines());
        a.stop();
        Await.until("replica-b takes over the lease", RbacLifecycleIT::leaseHolder, "replica-b"::equals,
            Duration.ofSeconds(30));
        Activation created = admin.resource(Fixtures.activation("le-tenant", "one", "le-ledger", "invoices.read")).create();
        Await.until("the new leader reconciles", () -> admin.resource(created).get(),
            x -> x.getStatus() != null && x.getStatus().phase == Phase.Active);
      } finally {
        a.stop();
        if (b != null) {
          b.stop();
        }
      }
    }
  }

  @Nested
  class SigningKeys {
    @Test
    void theTokenEndpointCreatesAndRotatesItsSigningKeysWithTheChartsRules() {
      TestClock clock = new TestClock();
      TokenServer tokens = AppConnectorOperator.startTokenServer(restricted, TokenSettings.embedded(RELEASE_NAMESPACE),
          clock);
      try {
        String before = tokens.keys().current().current().getKeyID();
        clock.jumpTo(clock.instant().plus(tokens.settings().keyRotation()).plusSeconds(60));
        assertTrue(tokens.keys().rotateIfDue(), "rotated: the signing-key Secret was replaced");
        assertNotEquals(before, tokens.keys().current().current().getKeyID());
      } finally {
        tokens.close();
      }
    }
  }
}
