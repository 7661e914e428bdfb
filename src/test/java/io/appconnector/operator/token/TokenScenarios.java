package io.appconnector.operator.token;

import io.appconnector.operator.support.Operators;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.Resources;
import io.appconnector.operator.support.TestClock;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The token endpoint and the operator running as production runs them, on one API server: the
 * endpoint starts first, and the operator writes its URL into delivered Secrets, so a test reads
 * the token URL from the Secret like a vendor does. Each test gets its own namespaces, including
 * the one holding the signing keys.
 */
abstract class TokenScenarios {
  private static final AtomicInteger RUN = new AtomicInteger();

  protected abstract KubernetesClient client();

  final TestClock clock = new TestClock();
  final List<TokenServer> servers = new ArrayList<>();
  /** Where every replica's own metrics go, as if scraped from all of them and added up. */
  final MeterRegistry meters = new SimpleMeterRegistry();
  TokenServer server;
  Operator operator;
  Vendor vendor;
  String tenant;
  String otherTenant;
  String vendorNs;
  String operatorNs;
  String suffix;

  @BeforeEach
  void namespacesEndpointAndOperator() {
    suffix = getClass().getSimpleName().toLowerCase().replaceAll("[^a-z]", "").substring(0, 6) + RUN.incrementAndGet();
    tenant = "tenant-" + suffix;
    otherTenant = "other-" + suffix;
    vendorNs = "vendor-" + suffix;
    operatorNs = "keys-" + suffix;
    for (String ns : List.of(tenant, otherTenant, vendorNs, operatorNs)) {
      client().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    server = startReplica();
    vendor = new Vendor(client(), server);
    startOperator();
  }

  @AfterEach
  void stopAll() {
    stopOperator();
    servers.forEach(TokenServer::close);
    servers.clear();
  }

  /** Another token endpoint sharing the API server, as another operator replica runs one. */
  TokenServer startReplica() {
    return startReplica(TokenSettings.embedded(operatorNs));
  }

  TokenServer startReplica(TokenSettings settings) {
    TokenServer started = TokenServer.start(client(), settings, clock, meters, outcome -> {
    }, UsageLedger.DEFAULT_INTERVAL, listing -> {
    });
    servers.add(started);
    return started;
  }

  /** First uses the replicas recorded ({@code appconnector.credentials.first.uses}, every listing). */
  double firstUsesRecorded() {
    return meters.find(TokenEndpoint.FIRST_USES_METRIC).counters().stream().mapToDouble(Counter::count).sum();
  }

  void startOperator() {
    OperatorSettings settings = new OperatorSettings(server.settings().tokenEndpoint(), Set.of(), operatorNs, false,
        "test");
    operator = Operators.create(client(), settings, clock);
    operator.start();
  }

  void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  AppListing listing(AppListing listing) {
    return Resources.createListing(client(), listing, suffix);
  }

  Activation create(Activation activation) {
    return Resources.createActivation(client(), activation);
  }

  Activation get(String ns, String name) {
    return Resources.get(client(), ns, name);
  }

  Activation awaitPhase(String ns, String name, Phase phase) {
    return Resources.awaitPhase(client(), ns, name, phase);
  }

  /** The delivered Secret as the vendor mounts it, once the operator delivered it. */
  Vendor.Mounted mounted(Activation activation) {
    String name = DeliveryNames.secretName(activation);
    return Await.until("the delivered Secret " + vendorNs + "/" + name, () -> vendor.read(vendorNs, name),
        m -> m != null);
  }

  /**
   * The token endpoint's answer once it refuses {@code credentials}. The endpoint answers from its
   * own informer cache, which may lag what a test reads from the API server, so a change the test
   * has seen there (a phase, a delivered Secret) is not yet a change the endpoint acts on. Every
   * answer before the refusal is a success, so waiting costs no guessing allowance.
   */
  Vendor.Reply awaitRefusal(Vendor.Mounted credentials) {
    return Await.until("the token endpoint refuses client " + credentials.clientId(),
        () -> vendor.basic(credentials, null), r -> r.status() == 401);
  }

  /**
   * The token endpoint's answer once it serves {@code credentials} (its cache may lag, as above).
   * Each refusal meanwhile spends one of the client's guessing allowance, so it asks at most every
   * 250 ms: the allowance lasts for seconds of lag.
   */
  Vendor.Reply awaitServed(Vendor.Mounted credentials) {
    return awaitServed(credentials, null);
  }

  /**
   * The credentials, once the token endpoint serves them and one guessing window has passed on the
   * injected clock: refusals met while the endpoint's cache lagged are refilled, so a test that
   * counts the client's or the source's guessing allowance starts from a full one.
   */
  Vendor.Mounted servedWithFullAllowance(Vendor.Mounted credentials) {
    awaitServed(credentials);
    clock.jumpTo(clock.instant().plus(GuessingLimits.Limits.DEFAULT.window()));
    return credentials;
  }

  /** As above, asking for {@code scope}. */
  Vendor.Reply awaitServed(Vendor.Mounted credentials, String scope) {
    return Await.until("the token endpoint serves client " + credentials.clientId(),
        () -> vendor.basic(credentials, scope), r -> r.status() == 200, Await.DEFAULT, Duration.ofMillis(250));
  }

  Activation edit(String ns, String name, Consumer<ActivationSpec> change) {
    return Resources.editSpec(client(), ns, name, change);
  }
}
