package io.appconnector.operator.observability;

import io.appconnector.operator.dependent.VendorNotifications;
import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.token.TokenServer;
import io.appconnector.operator.token.UsageLedger;
import io.appconnector.operator.token.TokenSettings;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.Tools;
import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Scrapes /metrics of a running operator and finds the product's metrics with plausible values. */
@EnableKubernetesMockClient(crud = true)
class MetricsMockServerTest {
  static KubernetesClient client;
  static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");

  static Map<String, Double> scrape(HttpClient http, int port) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body().lines().map(SAMPLE::matcher).filter(Matcher::matches)
        .collect(Collectors.toMap(m -> m.group(1), m -> Double.parseDouble(m.group(3)), (a, b) -> b));
  }

  static String body(HttpClient http, int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  static int status(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void theMetricsEndpointShowsActivationsByPhaseIssuedCredentialsAndTheNextExpiry() throws Exception {
    Crds.install(client, false);
    for (String ns : new String[] {"m-tenant", "m-other", "m-vendor"}) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    PrometheusMeterRegistry registry = MetricsRegistry.create();
    ProductMetrics metrics = new ProductMetrics(registry, Clock.systemUTC());
    Operator operator = AppConnectorOperator.create(client, new OperatorSettings("https://tokens.example.test/oauth2/token",
        Set.of(), "default", false, "metrics-test"), Clock.systemUTC(), metrics,
        VendorNotifications.Settings.DEFAULT);
    HttpClient http = HttpClient.newHttpClient();
    TokenServer tokens = TokenServer.start(client, TokenSettings.embedded("default"), Clock.systemUTC(), registry,
        metrics::tokenExchange, UsageLedger.DEFAULT_INTERVAL, metrics::exchangeForListing);
    try (HealthServer health = new HealthServer(0, registry, operator::getRuntimeInfo)) {
      assertEquals(503, status(http, health.port(), "/readyz"), "not ready before the operator starts");
      assertEquals(200, status(http, health.port(), "/healthz"));
      operator.start();
      Await.until("ready", () -> {
        try {
          return status(http, health.port(), "/readyz");
        } catch (Exception e) {
          return -1;
        }
      }, s -> s == 200);

      client.resource(vendorListing("m-ledger", "m-vendor", "invoices.read")).create();
      client.resource(activation("m-tenant", "ledger", "m-ledger", "invoices.read")).create();
      Activation waiting = activation("m-other", "ledger", "m-ledger");
      client.resource(waiting).create();
      // The listing was created a moment ago: an activation reconciled before the listing reached the
      // cache is Rejected (ListingNotFound) until the listing's own event, so wait for the final phases.
      for (Map.Entry<String, Phase> expected : Map.of("m-tenant", Phase.Active, "m-other", Phase.AwaitingConsent)
          .entrySet()) {
        Await.until(expected.getKey() + " " + expected.getValue(),
            () -> client.resources(Activation.class).inNamespace(expected.getKey()).withName("ledger").get(),
            a -> a.getStatus() != null && a.getStatus().phase == expected.getValue());
      }
      Map<String, Double> samples = Await.until("metrics of both activations", () -> {
        try {
          return scrape(http, health.port());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, m -> m.getOrDefault("appconnector_activations{phase=\"AwaitingConsent\"}", 0.0) == 1.0
          && m.getOrDefault("appconnector_activations{phase=\"Active\"}", 0.0) == 1.0);
      assertEquals(0.0, samples.get("appconnector_activations{phase=\"Expired\"}"));
      assertEquals(1.0, samples.get("appconnector_credentials_issued_total"));
      assertEquals(0.0, samples.get("appconnector_credentials_expired_total"));
      double nextExpiry = samples.get("appconnector_next_expiry_seconds");
      assertTrue(nextExpiry > 47 * 3600 && nextExpiry <= 48 * 3600, "about 48 hours: " + nextExpiry);

      // The vendor uses its credentials: exchanges are counted by outcome and the expiry stops.
      Activation active = client.resources(Activation.class).inNamespace("m-tenant").withName("ledger").get();
      DeliveredCredentials d = DeliveredCredentials.read(client.secrets().inNamespace("m-vendor")
          .withName(DeliveryNames.secretName(active)).get());
      assertEquals(200, exchange(http, tokens, d.clientId(), d.clientSecret()));
      assertEquals(401, exchange(http, tokens, d.clientId(), "not-the-secret"));
      Map<String, Double> used = Await.until("the exchanges counted and the expiry stopped", () -> {
        try {
          return scrape(http, health.port());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, m -> Double.isNaN(m.getOrDefault("appconnector_next_expiry_seconds", 0.0))
          && m.containsKey("appconnector_token_exchanges_total{outcome=\"invalid_client\"}"));
      assertEquals(1.0, used.get("appconnector_token_exchanges_total{outcome=\"issued\"}"));
      assertEquals(1.0, used.get("appconnector_token_exchanges_total{outcome=\"invalid_client\"}"));
      assertEquals(1.0, used.get("appconnector_credentials_first_uses_total{listing=\"m-ledger\"}"),
          "the first use recorded, by listing only");
      assertEquals(1.0, used.get("appconnector_token_guessing_buckets{kind=\"client\"}"),
          "the failed exchange holds one client bucket");
      assertEquals(1.0, used.get("appconnector_token_guessing_buckets{kind=\"source\"}"), "and one source bucket");
      assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("operator_sdk_reconciliations_")),
          "JOSDK's reconcile metrics: " + samples.keySet());
      assertEquals(0.0, samples.get("appconnector_token_exchanges_total{outcome=\"invalid_scope\"}"),
          "counters are exported from 0, before their first event");
      for (String jvmOrProcess : List.of("jvm_memory_used_bytes", "jvm_gc_pause_seconds_count", "jvm_threads_live_threads",
          "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds", "process_files_open_files")) {
        assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith(jvmOrProcess)), jvmOrProcess);
      }

      // promtool check metrics: its linter finds nothing (help text on every metric, names, units).
      Tools.Result lint = Tools.checker("promlint", body(http, health.port()));
      assertEquals("", lint.out(), "promtool check metrics problems:\n" + lint.out());
      assertEquals(0, lint.exitCode(), lint.err());
    } finally {
      tokens.close();
      operator.stop();
    }
  }

  static int exchange(HttpClient http, TokenServer tokens, String id, String secret) throws Exception {
    String basic = java.util.Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return http.send(HttpRequest.newBuilder(URI.create(tokens.settings().tokenEndpoint()))
        .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
