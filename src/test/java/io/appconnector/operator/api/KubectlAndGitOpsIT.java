package io.appconnector.operator.api;

import io.appconnector.operator.support.Operators;
import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.platformListing;
import static io.appconnector.operator.Fixtures.vendorListing;
import static io.appconnector.operator.Fixtures.withLifetime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.appconnector.operator.support.Tools;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a platform engineer sees with kubectl and GitOps tools on a real API server: printer columns,
 * field selectors, the CRD category, kubectl explain and wait, and Flux's kstatus verdict per phase.
 * One catalogue with an activation in every phase is set up once; each test reads it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlAndGitOpsIT {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();
  static Path kubeconfig;
  static Operator operator;
  /** kstatus's verdict on the activation "fresh" before any operator ran. */
  static String freshVerdict;

  @BeforeAll
  static void catalogueWithEveryPhase() throws Exception {
    KubernetesClient client = api.client();
    kubeconfig = Files.writeString(Files.createTempFile("kubectl", ".yaml"), api.kubeConfigYaml());
    for (String ns : List.of("kc-tenant", "kc-vendor", "platform-connectors")) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    AppListing ledger = vendorListing("kc-ledger", "kc-vendor", "invoices.read");
    ledger.getSpec().displayName = "Ledgerly Accounting";
    client.resource(ledger).create();
    AppListing pay = vendorListing("kc-paywise", "kc-vendor", "payments.read");
    pay.getSpec().category = AppListingSpec.Category.Payments;
    pay.getSpec().supportedBy = AppListingSpec.Party.Platform;
    client.resource(pay).create();
    client.resource(withLifetime(vendorListing("kc-short", "kc-vendor", "invoices.read"), "2s")).create();
    client.resource(vendorListing("kc-paused", "kc-vendor", "invoices.read")).create();
    client.resource(vendorListing("kc-consent", "kc-vendor", "contacts.read")).create();
    client.resource(platformListing("kc-shop", AppListingSpec.AuthMethod.ApiKey)).create();

    client.resource(activation("kc-tenant", "fresh", "kc-ledger", "invoices.read")).create();
    freshVerdict = kstatus().get("fresh");

    operator = Operators.create(client, new OperatorSettings("https://tokens.example.test/oauth2/token",
        Set.of(), "default", false, "kubectl-it"), Clock.systemUTC());
    operator.start();
    client.resource(activation("kc-tenant", "pay", "kc-paywise", "payments.read")).create();
    Activation suspended = activation("kc-tenant", "paused", "kc-paused", "invoices.read");
    suspended.getSpec().suspended = true;
    client.resource(suspended).create();
    client.resource(activation("kc-tenant", "no-consent", "kc-consent")).create();
    client.resource(activation("kc-tenant", "unknown", "kc-missing", "invoices.read")).create();
    client.resource(activation("kc-tenant", "shop", "kc-shop")).create();
    TrustedNetwork office = new TrustedNetwork();
    office.setMetadata(new ObjectMetaBuilder().withNamespace("kc-tenant").withName("office").build());
    office.setSpec(new TrustedNetworkSpec());
    office.getSpec().cidrs = List.of("203.0.113.0/24", "2001:db8::/32");
    client.resource(office).create();
    Await.until("every activation in its phase", KubectlAndGitOpsIT::phases, p -> p.equals(Map.of(
        "fresh", "Active", "pay", "Active", "paused", "Suspended", "no-consent", "AwaitingConsent",
        "unknown", "Rejected", "shop", "AwaitingVendorCredentials")), Duration.ofSeconds(60));
    // The unused credentials of kc-short expire after 2 s.
    client.resource(activation("kc-tenant", "short", "kc-short", "invoices.read")).create();
    Await.until("short Expired", () -> phases().get("short"), "Expired"::equals, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.stop();
    }
    if (kubeconfig != null) {
      Files.deleteIfExists(kubeconfig);
    }
  }

  @Test
  @Order(1)
  void activationsShowReadyPhaseListingAReadableExpiryAndAgeLast() {
    List<String> lines = lines(kubectl("get", "activations", "-n", "kc-tenant"));
    assertEquals(List.of("NAME", "READY", "PHASE", "LISTING", "EXPIRES", "AGE"), columns(lines.get(0)));
    String pay = row(lines, "pay");
    assertTrue(pay.matches("pay\\s+True\\s+Active\\s+kc-paywise\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z\\s+\\S+"),
        pay);
    assertFalse(String.join("\n", lines).contains("<invalid>"), String.join("\n", lines));
    assertTrue(row(lines, "no-consent").matches("no-consent\\s+False\\s+AwaitingConsent\\s+kc-consent\\s+\\S+"),
        row(lines, "no-consent"));
  }

  @Test
  @Order(2)
  void wideOutputAddsClientIdDeliveredToAndMessage() {
    List<String> lines = lines(kubectl("get", "act", "-n", "kc-tenant", "-o", "wide"));
    assertEquals(List.of("NAME", "READY", "PHASE", "LISTING", "EXPIRES", "CLIENT ID", "DELIVERED TO", "MESSAGE", "AGE"),
        columns(lines.get(0)));
    Activation pay = api.client().resources(Activation.class).inNamespace("kc-tenant").withName("pay").get();
    String row = row(lines, "pay");
    assertTrue(row.contains(pay.getStatus().credential.clientId) && row.contains(pay.getStatus().credential.deliveredTo),
        row);
  }

  @Test
  @Order(3)
  void listingsShowDisplayNameVendorCategoryLifecycleAndSupport() {
    List<String> lines = lines(kubectl("get", "applistings"));
    assertEquals(List.of("NAME", "DISPLAY NAME", "VENDOR", "CATEGORY", "LIFECYCLE", "SUPPORTED BY", "AGE"),
        columns(lines.get(0)));
    assertTrue(row(lines, "kc-ledger").matches(
        "kc-ledger\\s+Ledgerly Accounting\\s+Vendor of kc-ledger\\s+Accounting\\s+Approved\\s+Vendor\\s+\\S+"),
        row(lines, "kc-ledger"));
  }

  @ParameterizedTest(name = "kubectl get {0} --field-selector {1}")
  @CsvSource(delimiter = '|', value = {
      "applistings|spec.category=Payments|applisting.appconnector.io/kc-paywise",
      "applistings|spec.supportedBy=Platform|applisting.appconnector.io/kc-paywise",
      "applistings|spec.supportedBy=Platform,spec.lifecycle=Approved|applisting.appconnector.io/kc-paywise",
      "activations|status.phase=AwaitingConsent|activation.appconnector.io/no-consent",
      "activations|status.phase=Rejected|activation.appconnector.io/unknown",
      "activations|spec.listing=kc-shop|activation.appconnector.io/shop",
  })
  @Order(4)
  void fieldSelectorsFilterOnTheServer(String resource, String selector, String expected) {
    assertEquals(expected, kubectl("get", resource, "-A", "--field-selector", selector, "-o", "name").strip());
  }

  @Test
  @Order(5)
  void theAppconnectorCategoryListsEveryKind() {
    Set<String> kinds = lines(kubectl("get", "appconnector", "-A", "-o", "name")).stream()
        .map(n -> n.substring(0, n.indexOf('/'))).collect(Collectors.toSet());
    assertEquals(Set.of("applisting.appconnector.io", "activation.appconnector.io", "trustednetwork.appconnector.io"),
        kinds);
  }

  @Test
  @Order(6)
  void explainDescribesTheKindAndItsStatusFields() {
    assertTrue(kubectl("explain", "activation").contains("A tenant (the Activation's namespace) turning on an AppListing"));
    String credential = kubectl("explain", "activation.status.credential");
    assertTrue(credential.contains("expiresAt") && credential.contains("When unused credentials are revoked"), credential);
    String conditions = kubectl("explain", "trustednetwork.status.conditions");
    assertTrue(conditions.contains("A CamelCase reason for the last transition"), conditions);
  }

  @Test
  @Order(7)
  void kubectlWaitsForATrustedNetworkToBeReady() {
    Tools.Result waited = Tools.kubectl(kubeconfig, "wait", "--for=condition=Ready", "trustednetwork/office",
        "-n", "kc-tenant", "--timeout=30s");
    assertEquals(0, waited.exitCode(), waited.err());
    String office = row(lines(kubectl("get", "tn", "-n", "kc-tenant")), "office");
    assertTrue(office.matches("office\\s+True\\s+2\\s+\\S+"), office);
  }

  @Test
  @Order(8)
  void anActivationNoOperatorHasSeenIsInProgressForKstatus() {
    assertTrue(freshVerdict.startsWith("InProgress"), freshVerdict);
  }

  @ParameterizedTest(name = "{0} ({1}) is {2} for kstatus")
  @CsvSource({
      "pay, Active, Current",
      "paused, Suspended, InProgress",
      "shop, AwaitingVendorCredentials, InProgress",
      "no-consent, AwaitingConsent, Failed",
      "unknown, Rejected, Failed",
      "short, Expired, Failed",
  })
  @Order(9)
  void kstatusReadsEachPhase(String name, String phase, String expected) {
    assertEquals(phase, phases().get(name));
    String verdict = kstatus().get(name);
    assertEquals(expected, verdict.split(" ", 2)[0], verdict);
  }

  static Map<String, String> phases() {
    return api.client().resources(Activation.class).inNamespace("kc-tenant").list().getItems().stream()
        .collect(Collectors.toMap(a -> a.getMetadata().getName(),
            a -> a.getStatus() == null || a.getStatus().phase == null ? "" : a.getStatus().phase.name(), (x, y) -> x,
            TreeMap::new));
  }

  /** kstatus's verdict ("Current", "InProgress ...", "Failed ...") per activation of kc-tenant. */
  static Map<String, String> kstatus() {
    Tools.Result result = Tools.checker("kstatus", kubectl("get", "activations", "-n", "kc-tenant", "-o", "json"));
    assertEquals(0, result.exitCode(), result.err());
    return lines(result.out()).stream().collect(Collectors.toMap(
        l -> l.substring(l.indexOf('/') + 1, l.indexOf(' ')), l -> l.substring(l.indexOf(' ') + 1)));
  }

  static String kubectl(String... args) {
    Tools.Result result = Tools.kubectl(kubeconfig, args);
    assertEquals(0, result.exitCode(), String.join(" ", args) + ": " + result.err());
    return result.out();
  }

  static List<String> lines(String text) {
    return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
  }

  /** Column titles of a kubectl table header: separated by two or more spaces. */
  static List<String> columns(String header) {
    return Arrays.asList(header.trim().split("\\s{2,}"));
  }

  static String row(List<String> lines, String name) {
    return lines.stream().filter(l -> l.startsWith(name + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + name + " in\n" + String.join("\n", lines)));
  }
}
