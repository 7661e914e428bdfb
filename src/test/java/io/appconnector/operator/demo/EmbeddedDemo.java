package io.appconnector.operator.demo;

import io.appconnector.operator.support.Operators;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.support.Crds;
import io.appconnector.operator.token.TokenServer;
import io.appconnector.operator.token.TokenSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The embedded demo: an in-process Kubernetes API (the Fabric8 mock server in CRUD mode), the CRDs
 * from crds/, the production operator, and examples/ applied; prints what happened to each
 * activation and waits for the short-lived credentials to expire. Exits non-zero when an
 * activation does not reach the phase its example expects.
 */
public final class EmbeddedDemo {
  static final String EXPECTED = "examples.appconnector.io/expected-phase";
  static final String EXPECTED_LATER = "examples.appconnector.io/expected-later";
  static final Terminal terminal = new Terminal(new PrintStream(
      new java.io.FileOutputStream(java.io.FileDescriptor.out), true, java.nio.charset.StandardCharsets.UTF_8));
  static final PrintStream out = terminal.out;
  /** Held so the logger, and its level, is not garbage-collected: the mock server logs every request. */
  static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private EmbeddedDemo() {
  }

  public static void main(String[] args) throws Exception {
    Path project = Crds.PROJECT;
    QUIET.setLevel(java.util.logging.Level.WARNING);
    Path log = project.resolve("target/demo-operator.log");
    Files.createDirectories(log.getParent());
    Terminal.logTo(log);
    KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
        new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
        new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
    server.init();
    int failures;
    try (KubernetesClient client = server.createClient()) {
      out.println("== Embedded Kubernetes API (Fabric8 mock server, CRUD mode) on " + client.getMasterUrl());
      Crds.install(client, false);
      out.println("== Installed CRDs: " + Crds.files().stream().map(p -> p.getFileName().toString()).toList());
      // The token endpoint first, on a free loopback port, so delivered Secrets name its URL.
      TokenServer tokens = TokenServer.start(client, TokenSettings.embedded("default"),
          Clock.systemUTC());
      out.println("== Token endpoint on " + tokens.settings().tokenEndpoint());
      OperatorSettings settings = new OperatorSettings(tokens.settings().tokenEndpoint(), java.util.Set.of(),
          "default", false, "embedded-demo");
      Operator operator = Operators.create(client, settings, Clock.systemUTC());
      operator.start();
      out.println("== Operator started; its log: " + project.relativize(log));
      apply(client, project.resolve("examples"));
      failures = report(client);
      failures += showFences(client);
      TokenExchangeDemo exchange = new TokenExchangeDemo(client, tokens, out);
      failures += exchange.exchange("tenant-acme", "paywise-payroll");
      failures += exchange.rotateWithoutAFailedExchange("tenant-acme", "paywise-payroll");
      failures += exchange.refusedFromUntrustedAddress("tenant-acme", "ledgerly");
      failures += exchange.exchangeWithOwnKey("tenant-acme", "signwise", demoVendorKey());
      out.println();
      failures += watchExpiry(client);
      operator.stop();
      tokens.close();
    } finally {
      server.destroy();
    }
    out.println(failures == 0 ? "\u2713 Every example did what it expects."
        : "\u2717 " + failures + " example check(s) failed: see the \u2717 lines above.");
    System.exit(failures == 0 ? 0 : 1);
  }

  /** The private half of the demo key in examples/12-listings-secretless.yaml (signwise); a demo key only. */
  static com.nimbusds.jose.jwk.ECKey demoVendorKey() throws IOException, java.text.ParseException {
    try (InputStream in = EmbeddedDemo.class.getResourceAsStream("/demo/signwise-vendor-key.jwk.json")) {
      return com.nimbusds.jose.jwk.ECKey.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  static void apply(KubernetesClient client, Path examples) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(examples)) {
      files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        List<HasMetadata> items = client.load(in).items();
        for (HasMetadata item : items) {
          client.resource(item).create();
        }
        out.println("== Applied " + file.getFileName() + " (" + items.size() + " objects)");
      }
    }
  }

  static List<Activation> activations(KubernetesClient client) {
    return client.resources(Activation.class).inAnyNamespace().list().getItems().stream()
        .sorted(Comparator.comparing((Activation a) -> a.getMetadata().getNamespace())
            .thenComparing(a -> a.getMetadata().getName())).toList();
  }

  static boolean settled(Activation a) {
    ActivationStatus s = a.getStatus();
    return s != null && s.phase != null && a.getMetadata().getGeneration().equals(s.observedGeneration)
        && String.valueOf(s.phase).equals(expected(a, EXPECTED, String.valueOf(s.phase)));
  }

  static String expected(Activation a, String key, String otherwise) {
    Map<String, String> annotations = a.getMetadata().getAnnotations();
    return annotations == null ? otherwise : annotations.getOrDefault(key, otherwise);
  }

  static int report(KubernetesClient client) throws InterruptedException {
    terminal.waitFor("waiting for every activation to settle", Instant.now().plusSeconds(30),
        () -> activations(client).stream().allMatch(EmbeddedDemo::settled));
    int failures = 0;
    out.println();
    out.printf("  %-30s %-26s %s%n", "TENANT/ACTIVATION", "PHASE", "CLIENT ID");
    for (Activation a : activations(client)) {
      ActivationStatus s = a.getStatus();
      String phase = s == null || s.phase == null ? "-" : s.phase.name();
      String expected = expected(a, EXPECTED, phase);
      boolean ok = phase.equals(expected);
      failures += ok ? 0 : 1;
      String clientId = s != null && s.credential != null ? s.credential.clientId : "-";
      out.printf("%s %-30s %-26s %s%n", ok ? "\u2713" : "\u2717",
          a.getMetadata().getNamespace() + "/" + a.getMetadata().getName(),
          phase + (ok ? "" : " (expected " + expected + ")"), clientId);
      if (s != null && s.message != null) {
        out.println("    " + s.message);
      }
      if (s != null && s.credential != null && s.credential.deliveredTo != null) {
        out.println("    delivered to Secret " + s.credential.deliveredTo + ", scopes " + s.credential.grantedScopes
            + (s.credential.clientAuthentication == null ? ""
                : "; no secret: the vendor authenticates by " + s.credential.clientAuthentication));
      }
      if (s != null && s.billing != null && s.billing.state == ActivationStatus.BillingState.FeeChangePending) {
        out.println("    fee change pending from " + s.billing.effectiveFrom + " (record ConfigMap " + s.billing.record + ")");
      }
    }
    out.println();
    out.println(failures == 0 ? "\u2713 every activation reached the phase its example expects (" + EXPECTED + ")"
        : "\u2717 " + failures + " activation(s) did not reach the phase their example expects (" + EXPECTED + ")");
    out.println();
    return failures;
  }

  /** Shows the NetworkPolicy of each TrustedOnly activation: who may reach the tenant's API pods. */
  static int showFences(KubernetesClient client) {
    int failures = 0;
    for (Activation a : activations(client)) {
      if (a.getSpec().networkSecurity != io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity.TrustedOnly
          || a.getStatus() == null || a.getStatus().phase != Phase.Active) {
        continue;
      }
      String name = "appconnector-" + a.getMetadata().getName() + "-trusted";
      var policy = client.network().v1().networkPolicies().inNamespace(a.getMetadata().getNamespace()).withName(name).get();
      if (policy == null) {
        out.println("== " + a.getMetadata().getNamespace() + "/" + a.getMetadata().getName() + " is TrustedOnly but has no NetworkPolicy");
        failures++;
        continue;
      }
      out.println("== NetworkPolicy " + a.getMetadata().getNamespace() + "/" + name + " (TrustedOnly "
          + a.getMetadata().getName() + "): pods " + policy.getSpec().getPodSelector().getMatchLabels() + " admit only");
      policy.getSpec().getIngress().forEach(rule -> {
        rule.getFrom().forEach(peer -> out.println("     from " + peer.getIpBlock().getCidr()
            + (peer.getIpBlock().getExcept().isEmpty() ? "" : " except " + peer.getIpBlock().getExcept())));
        out.println("     on ports " + rule.getPorts().stream().map(p -> p.getProtocol() + "/" + p.getPort().getIntVal()).toList());
      });
    }
    out.println();
    return failures;
  }

  /** Waits for activations whose example says they expire, and shows the transition. */
  static int watchExpiry(KubernetesClient client) throws InterruptedException {
    int failures = 0;
    for (Activation a : activations(client)) {
      String later = expected(a, EXPECTED_LATER, null);
      if (later == null || a.getStatus() == null || a.getStatus().credential == null) {
        continue;
      }
      Instant expiresAt = Instant.parse(a.getStatus().credential.expiresAt);
      String id = a.getMetadata().getNamespace() + "/" + a.getMetadata().getName();
      out.println("== Waiting for " + id + " to expire at " + expiresAt + " (nobody used its credentials)");
      Instant giveUp = expiresAt.plusSeconds(10);
      java.util.concurrent.atomic.AtomicReference<Activation> seen = new java.util.concurrent.atomic.AtomicReference<>(a);
      terminal.waitFor(id + " expires", giveUp, () -> {
        seen.set(client.resources(Activation.class).inNamespace(a.getMetadata().getNamespace())
            .withName(a.getMetadata().getName()).get());
        return !"Active".equals(String.valueOf(seen.get().getStatus().phase));
      });
      Activation now = seen.get();
      Phase phase = now.getStatus().phase;
      boolean ok = later.equals(String.valueOf(phase));
      failures += ok ? 0 : 1;
      out.println((ok ? "\u2713 " : "\u2717 ") + id + " is now " + phase + (ok ? "" : " (expected " + later + ")") + " (at " + now.getStatus().credential.expiredAt
          + ", deadline " + expiresAt + ", " + Duration.between(expiresAt,
          Instant.parse(now.getStatus().credential.expiredAt == null ? Instant.now().toString()
              : now.getStatus().credential.expiredAt)).toMillis() + " ms after it)");
      out.println("   " + now.getStatus().message);
      boolean secretGone = client.secrets().inAnyNamespace().withLabel("appconnector.io/activation",
          a.getMetadata().getName()).list().getItems().stream()
          .noneMatch(s -> a.getMetadata().getNamespace().equals(s.getMetadata().getLabels().get("appconnector.io/tenant")));
      out.println((secretGone ? "\u2713" : "\u2717") + "  delivered Secret removed: " + secretGone);
      failures += secretGone ? 0 : 1;
    }
    return failures;
  }
}
