package io.appconnector.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.observability.ProductMetrics;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts are valid Prometheus rules (Prometheus's own parser, as `promtool check rules`)
 * and query metrics the operator exports: every metric name in the PrometheusRule is in a scrape of
 * the registry the operator registers its own and JOSDK's metrics in, once each has seen the event
 * it counts.
 */
class PrometheusRuleMetricsTest {
  static final Pattern METRIC = Pattern.compile("\\b((?:appconnector|operator_sdk)_[a-z_]+)\\b");

  /** .ci/rules-check, built by .ci/helm-binary.sh: Prometheus's rule-file parser, as `promtool check rules`. */
  static Path rulesCheck() {
    String dir = System.getenv().getOrDefault("KUBE_API_TEST_DIR", System.getProperty("user.home") + "/.kubeapitest");
    Path binary = Path.of(dir, "helm", "rules-check");
    if (!Files.isExecutable(binary)) {
      String message = binary + " not found; run .ci/helm-binary.sh";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (required under CI)");
      }
      Assumptions.abort(message);
    }
    return binary;
  }

  /** What rules-check prints for this rule file, and whether it accepted it. */
  static Map.Entry<Boolean, String> check(String rulesYaml) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(rulesCheck().toString()).redirectErrorStream(true).start();
    try (var stdin = process.getOutputStream()) {
      stdin.write(rulesYaml.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "rules-check finished");
    return Map.entry(process.exitValue() == 0, output);
  }

  @Test
  void theAlertsAreValidPrometheusRules() throws IOException, InterruptedException {
    JsonNode spec = Serialization.jsonMapper().valueToTree(Chart.ofKind(
        Chart.render(HelmChartTest.NS, "prometheusRule: {enabled: true}"), "PrometheusRule").orElseThrow()).path("spec");
    var accepted = check(Serialization.asYaml(spec));
    assertTrue(accepted.getKey(), accepted.getValue());
    assertEquals("SUCCESS: 3 rules found", accepted.getValue().strip());

    // The checker does refuse what Prometheus would: an expression that does not parse.
    var refused = check("groups: [{name: g, rules: [{alert: A, expr: 'sum(rate(x[5m]) > 1'}]}]");
    assertFalse(refused.getKey(), refused.getValue());
    assertTrue(refused.getValue().contains("could not parse expression"), refused.getValue());
  }

  @Test
  void everyMetricTheAlertsQueryIsExported() {
    Instant now = Instant.parse("2026-03-02T10:00:00Z");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProductMetrics product = new ProductMetrics(registry, Clock.fixed(now, ZoneOffset.UTC));
    // An unused credential ten minutes past its deadline, a refused and an issued exchange, a failed reconcile.
    product.observed(new ResourceID("ledgerly", "tenant-acme"), Phase.Active, now.minus(Duration.ofMinutes(10)));
    product.tokenExchange("issued");
    product.tokenExchange("invalid_client");
    MicrometerMetrics.withoutPerResourceMetrics(registry)
        .failedReconciliation(Fixtures.activation("tenant-acme", "ledgerly", "ledgerly"), new IllegalStateException(), Map.of());
    String scrape = registry.scrape();
    Set<String> exported = scrape.lines().filter(l -> l.startsWith("# TYPE "))
        .map(l -> l.split(" ")[2]).collect(Collectors.toCollection(TreeSet::new));
    Set<String> sampled = scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("[{ ]")[0]).collect(Collectors.toCollection(TreeSet::new));

    JsonNode rules = Serialization.jsonMapper().valueToTree(Chart.ofKind(
        Chart.render(HelmChartTest.NS, "prometheusRule: {enabled: true}"), "PrometheusRule").orElseThrow())
        .path("spec").path("groups").get(0).path("rules");
    List<String> queried = new ArrayList<>();
    rules.forEach(r -> {
      Matcher m = METRIC.matcher(r.path("expr").asText());
      while (m.find()) {
        queried.add(m.group(1));
      }
    });
    assertEquals(Set.of("appconnector_next_expiry_seconds", "operator_sdk_reconciliations_failed_total",
        "appconnector_token_exchanges_total"), Set.copyOf(queried));
    for (String metric : queried) {
      assertTrue(sampled.contains(metric), metric + " is exported; the scrape has " + sampled + " (types " + exported + ")");
    }
    assertTrue(scrape.contains("appconnector_next_expiry_seconds -600.0"),
        "ten minutes overdue reads -600, which AppConnectorExpiriesFailing (-min(...) > 300) fires on");
    assertTrue(scrape.contains("appconnector_token_exchanges_total{outcome=\"invalid_client\"} 1.0"), scrape);
  }
}
