package io.appconnector.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.appconnector.operator.support.Operators;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.TestClock;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.token.ClientAuthentication;
import io.appconnector.operator.token.TokenEndpoint;
import io.appconnector.operator.token.TokenServer;
import io.appconnector.operator.token.UsageLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import java.net.URLEncoder;
import io.appconnector.operator.token.TokenSettings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
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
 * The operator with exactly the Helm chart's RBAC rules: both ServiceAccounts (the controller's and
 * the token server's) with their ClusterRoles, Roles and bindings are created in a real API server
 * (RBAC authorization on); the controller runs with its ServiceAccount's token and the token endpoint
 * with the token server's, as the chart's two Deployments do in the release namespace. The
 * lifecycle and trusted-network scenarios run unchanged, two replicas hand the leader-election Lease
 * over, and the token endpoint rotates its signing keys, so a missing permission fails a test.
 * Afterwards the API server's audit log must show, for each account, no refused request and every
 * verb the chart grants it in use, so a permission nothing needs fails too (run the whole class: the audit covers all of it).
 */
class RbacLifecycleIT {
  /** The release namespace: where the scenarios' operator keeps its Lease and the token endpoint its keys. */
  static final String RELEASE_NAMESPACE = "default";
  static final LeaseTimings FAST = new LeaseTimings(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500));

  /**
   * Granted verbs the scenarios do not reach, each with the path that needs it. Anything else granted
   * and unused fails the class.
   */
  static final Map<String, String> NOT_REACHED_BY_CONTROLLER = Map.of(
      "coordination.k8s.io leases update",
      "leader election starts only if a SelfSubjectRulesReview shows get, create and update; renewals are patches",
      "networking.k8s.io networkpolicies get",
      "read only when creating a policy meets an existing one (HTTP 409): a stale cache, or after a crash");

  /** The token server reaches every verb it is granted. */
  static final Map<String, String> NOT_REACHED_BY_TOKEN_SERVER = Map.of();

  static AuditedApiServer api;
  static ChartRbac rbac;
  static KubernetesClient restricted;
  static ChartRbac tokenRbac;
  static KubernetesClient tokenClient;

  @BeforeAll
  static void installTheChartsRbac() {
    api = AuditedApiServer.start();
    rbac = ChartRbac.render(RELEASE_NAMESPACE);
    rbac.install(api.client());
    restricted = rbac.clientFor(api.client());
    assertEquals(rbac.user(), restricted.authentication().v1().selfSubjectReviews()
        .create(new io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview()).getStatus()
        .getUserInfo().getUsername(), "the controller's client is the chart's ServiceAccount");
    tokenRbac = ChartRbac.tokenServer(RELEASE_NAMESPACE);
    tokenRbac.install(api.client());
    tokenClient = tokenRbac.clientFor(api.client());
    assertEquals(tokenRbac.user(), tokenClient.authentication().v1().selfSubjectReviews()
        .create(new io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview()).getStatus()
        .getUserInfo().getUsername(), "the token server's client is its own ServiceAccount");
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
      exactlyWhatIsUsed(rbac, NOT_REACHED_BY_CONTROLLER, 100);
      exactlyWhatIsUsed(tokenRbac, NOT_REACHED_BY_TOKEN_SERVER, 10);
    } finally {
      restricted.close();
      if (tokenClient != null) {
        tokenClient.close();
      }
      api.close();
    }
  }

  /** The account's requests: none refused, and every grant but the named exceptions in use. */
  static void exactlyWhatIsUsed(ChartRbac account, Map<String, String> notReached, int atLeast) {
    List<Request> requests = api.requests(account.user());
    assertTrue(requests.size() > atLeast, "the audit log holds the requests of " + account.user());
    assertEquals(List.of(), requests.stream().filter(r -> r.code() == 401 || r.code() == 403).toList(),
        "requests the chart's rules refused " + account.user());
    Set<String> used = requests.stream().map(r -> r.apiGroup() + " " + r.rbacResource() + " " + r.verb())
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> granted = Stream.concat(account.clusterRules().stream(), account.namespaceRules().stream())
        .flatMap(RbacLifecycleIT::grants).collect(Collectors.toCollection(TreeSet::new));
    assertTrue(granted.containsAll(notReached.keySet()), "the exceptions are grants");
    Set<String> unused = new TreeSet<>(granted);
    unused.removeAll(used);
    unused.removeAll(notReached.keySet());
    assertEquals(Set.of(), unused, "granted by the chart to " + account.user() + " but never used; used: " + used);
  }

  static Stream<String> grants(PolicyRule rule) {
    return rule.getApiGroups().stream().flatMap(g -> rule.getResources().stream()
        .flatMap(r -> rule.getVerbs().stream().map(v -> g + " " + r + " " + v)));
  }

  /** The token endpoint as the token server's replicas run it, with their ServiceAccount's client and the scenario's clock. */
  static TokenServer tokenServer(TestClock clock) {
    return TokenServer.start(tokenClient, TokenSettings.embedded(RELEASE_NAMESPACE), clock);
  }

  static Operator replica(String pod) {
    // Production exits the process when it loses the lease; these replicas share one test JVM.
    OperatorSettings settings = new OperatorSettings("https://tokens.example.test/oauth2/token", Set.of(),
        RELEASE_NAMESPACE, false, pod).withLeaderElection(pod, FAST, false);
    Operator operator = Operators.create(restricted, settings, Clock.systemUTC());
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
      Operator a = replica("replica-a");
      Operator b = null;
      try {
        Await.until("replica-a holds the lease", RbacLifecycleIT::leaseHolder, "replica-a"::equals);
        b = replica("replica-b");
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
      TokenServer tokens = TokenServer.start(tokenClient, TokenSettings.embedded(RELEASE_NAMESPACE),
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

  @Nested
  class TokenServerIdentity {
    /** Whether the token server's own ServiceAccount may do this (a SelfSubjectAccessReview, as `kubectl auth can-i`). */
    boolean tokenServerCan(String verb, String resource, String namespace, String name) {
      var review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
          .withGroup("").withResource(resource).withVerb(verb).withNamespace(namespace).withName(name)
          .endResourceAttributes().endSpec().build();
      return tokenClient.resource(review).create().getStatus().getAllowed();
    }

    @Test
    void theTokenServersTokenReadsNoSecretButItsOwn() {
      assertFalse(tokenServerCan("get", "secrets", "kube-system", null), "kube-system Secrets");
      assertFalse(tokenServerCan("list", "secrets", "kube-system", null));
      assertFalse(tokenServerCan("list", "secrets", null, null), "Secrets of all namespaces");
      assertFalse(tokenServerCan("get", "secrets", "vendor-ledgerly", "ledgerly-credentials"), "delivered credentials");
      assertFalse(tokenServerCan("get", "secrets", RELEASE_NAMESPACE, "another-secret"), "others in its namespace");
      assertFalse(tokenServerCan("update", "secrets", RELEASE_NAMESPACE, "appconnector-introspection"));
      assertFalse(tokenServerCan("delete", "secrets", RELEASE_NAMESPACE, "appconnector-signing-keys"));
      assertTrue(tokenServerCan("get", "secrets", RELEASE_NAMESPACE, "appconnector-signing-keys"), "its own keys");
      assertTrue(tokenServerCan("update", "secrets", RELEASE_NAMESPACE, "appconnector-signing-keys"), "rotation");
      // The controller's account still may: it delivers credentials into vendors' namespaces.
      var review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
          .withGroup("").withResource("secrets").withVerb("get").withNamespace("vendor-ledgerly")
          .endResourceAttributes().endSpec().build();
      assertTrue(restricted.resource(review).create().getStatus().getAllowed());
    }
  }

  @Nested
  class FirstUse {
    @Test
    void theTokenServerRecordsAVendorsFirstExchangeUnderItsOwnAccount() {
      KubernetesClient admin = api.client();
      for (String ns : List.of("fu-tenant", "fu-vendor")) {
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      }
      admin.resource(Fixtures.vendorListing("fu-ledger", "fu-vendor", "invoices.read")).create();
      Operator controller = replica("fu-controller");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      TokenServer tokens = TokenServer.start(tokenClient, TokenSettings.embedded(RELEASE_NAMESPACE),
          Clock.systemUTC(), registry, outcome -> {
          }, UsageLedger.DEFAULT_INTERVAL, listing -> {
          });
      try {
        Activation created = admin.resource(Fixtures.activation("fu-tenant", "one", "fu-ledger", "invoices.read")).create();
        Activation active = Await.until("the controller issues credentials", () -> admin.resource(created).get(),
            x -> x.getStatus() != null && x.getStatus().phase == Phase.Active, Duration.ofSeconds(30));
        DeliveredCredentials delivered = DeliveredCredentials.read(admin.secrets().inNamespace("fu-vendor")
            .withName(DeliveryNames.secretName(active)).get());
        HttpClient http = HttpClient.newHttpClient();
        Await.until("the token server issues a token", () -> exchange(http, tokens, delivered), code -> code == 200);
        Await.until("the first use is recorded", () -> admin.resource(created).get(),
            x -> x.getStatus().credential != null && x.getStatus().credential.firstUsedAt != null);
        assertEquals(1.0, registry.get(TokenEndpoint.FIRST_USES_METRIC).tag("listing", "fu-ledger").counter().count(),
            "recorded by the token server");
      } finally {
        tokens.close();
        controller.stop();
      }
    }

    int exchange(HttpClient http, TokenServer tokens, DeliveredCredentials credentials) {
      String basic = Base64.getEncoder().encodeToString((credentials.clientId() + ":" + credentials.clientSecret())
          .getBytes(StandardCharsets.UTF_8));
      try {
        return http.send(HttpRequest.newBuilder(URI.create(tokens.settings().tokenEndpoint()))
            .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Nested
  class ServiceAccountTokens {
    String readyReason(KubernetesClient admin, String listing) {
      AppListing read = admin.resources(AppListing.class).withName(listing).get();
      return read.getStatus() == null || read.getStatus().conditions == null ? null
          : read.getStatus().conditions.stream().filter(c -> "Ready".equals(c.getType())).map(c -> c.getReason())
              .findFirst().orElse(null);
    }

    @Test
    void aListingWhoseServiceAccountIsMissingSaysSoUntilTheVendorCreatesIt() {
      KubernetesClient admin = api.client();
      admin.resource(new NamespaceBuilder().withNewMetadata().withName("sm-vendor").endMetadata().build()).create();
      AppListing listing = Fixtures.vendorListing("sm-ledger", "sm-vendor", "invoices.read");
      listing.getSpec().clientAuthentication = new AppListingSpec.ClientAuthentication();
      listing.getSpec().clientAuthentication.method = AppListingSpec.ClientAuthenticationMethod.ServiceAccountToken;
      listing.getSpec().clientAuthentication.serviceAccountName = "connector";
      admin.resource(listing).create();
      Operator controller = replica("sm-controller");
      try {
        Await.until("the listing says its ServiceAccount is missing", () -> readyReason(admin, "sm-ledger"),
            "ServiceAccountMissing"::equals, Duration.ofSeconds(30));
        String message = admin.resources(AppListing.class).withName("sm-ledger").get().getStatus().conditions.stream()
            .filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow().getMessage();
        assertTrue(message.contains("ServiceAccount 'connector' does not exist in namespace 'sm-vendor'"), message);
        admin.resource(new ServiceAccountBuilder().withNewMetadata().withNamespace("sm-vendor").withName("connector")
            .endMetadata().build()).create();
        // Looked at again on its next reconcile: here an edit of the listing, otherwise within five minutes.
        admin.resources(AppListing.class).withName("sm-ledger").edit(x -> {
          x.getMetadata().setAnnotations(Map.of("example.com/reviewed", "yes"));
          return x;
        });
        Await.until("the listing is Ready once the ServiceAccount exists", () -> readyReason(admin, "sm-ledger"),
            "Ready"::equals, Duration.ofSeconds(30));
      } finally {
        controller.stop();
      }
    }

    @Test
    void theTokenServerReviewsAVendorsProjectedTokenUnderItsOwnAccount() {
      KubernetesClient admin = api.client();
      for (String ns : List.of("sa-tenant", "sa-vendor")) {
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      }
      admin.resource(new ServiceAccountBuilder().withNewMetadata().withNamespace("sa-vendor").withName("connector")
          .endMetadata().build()).create();
      Pod pod = admin.resource(new PodBuilder().withNewMetadata().withNamespace("sa-vendor").withName("connector-0")
          .endMetadata().withNewSpec().withServiceAccountName("connector").addNewContainer().withName("connector")
          .withImage("registry.example.com/connector:1").endContainer().endSpec().build()).create();
      AppListing listing = Fixtures.vendorListing("sa-ledger", "sa-vendor", "invoices.read");
      listing.getSpec().clientAuthentication = new AppListingSpec.ClientAuthentication();
      listing.getSpec().clientAuthentication.method = AppListingSpec.ClientAuthenticationMethod.ServiceAccountToken;
      listing.getSpec().clientAuthentication.serviceAccountName = "connector";
      admin.resource(listing).create();
      Operator controller = replica("sa-controller");
      TokenServer tokens = TokenServer.start(tokenClient, TokenSettings.embedded(RELEASE_NAMESPACE),
          Clock.systemUTC());
      try {
        Activation created = admin.resource(Fixtures.activation("sa-tenant", "one", "sa-ledger", "invoices.read")).create();
        Activation active = Await.until("the controller delivers the client ID", () -> admin.resource(created).get(),
            x -> x.getStatus() != null && x.getStatus().phase == Phase.Active, Duration.ofSeconds(30));
        String token = admin.serviceAccounts().inNamespace("sa-vendor").withName("connector")
            .tokenRequest(new TokenRequestBuilder().withNewSpec().withAudiences(tokens.settings().tokenEndpoint())
                .withExpirationSeconds(600L).withNewBoundObjectRef("v1", "Pod", "connector-0",
                    pod.getMetadata().getUid()).endSpec().build()).getStatus().getToken();
        String body = "grant_type=client_credentials&client_id=" + active.getStatus().credential.clientId
            + "&client_assertion_type=" + URLEncoder.encode(ClientAuthentication.JWT_BEARER, StandardCharsets.UTF_8)
            + "&client_assertion=" + token;
        HttpClient http = HttpClient.newHttpClient();
        Await.until("the token server reviews the token and issues an access token", () -> post(http, tokens, body),
            code -> code == 200);
      } finally {
        tokens.close();
        controller.stop();
      }
    }

    int post(HttpClient http, TokenServer tokens, String body) {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(tokens.settings().tokenEndpoint()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
