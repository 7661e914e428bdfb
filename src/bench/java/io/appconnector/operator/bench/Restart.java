package io.appconnector.operator.bench;

import static io.appconnector.operator.bench.BenchmarkMain.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.appconnector.operator.bench.BenchmarkMain.Options;
import io.appconnector.operator.bench.BenchmarkMain.Row;

/** The restart: a new operator process with every activation issued; writes, start-up, time to all reconciled. */
final class Restart {
  private final BenchmarkMain bench;
  private final Options options;

  Restart(BenchmarkMain bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  OperatorUnderTest restart(OperatorUnderTest operator, Path kubeconfig, KubernetesClient admin, int n,
      Map<String, Object> run, List<Row> rows) throws Exception {
    int total = admin.resources(Activation.class).inAnyNamespace().list().getItems().size();
    log("N=%d: restart with %d activations issued", n, total);
    long stopStart = System.nanoTime();
    if (operator != null) {
      operator.stop(Duration.ofSeconds(60));
    }
    Double stopSeconds = operator == null ? null : seconds(System.nanoTime() - stopStart);
    OperatorUnderTest restarted = bench.launch(kubeconfig, n);
    long[] allAt = {0};
    boolean all = PhaseWatch.await(() -> {
      JsonNode s = restarted.stats();
      if (s.get("observed").asDouble() >= total) {
        allAt[0] = s.get("at").asLong();
        return true;
      }
      return false;
    }, timeoutFor(total));
    JsonNode after = awaitQuiet(restarted, Duration.ofSeconds(5), Duration.ofSeconds(60));
    JsonNode mem = restarted.memory();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("activations", total);
    r.put("stopSeconds", stopSeconds);
    r.putAll(startup(restarted));
    long firstReconcile = after.get("firstReconcileAt").asLong();
    r.put("launchToFirstReconcileMs", firstReconcile == 0 ? null : firstReconcile - restarted.launchedAt);
    r.put("startCallToFirstReconcileMs", firstReconcile == 0 ? null
        : firstReconcile - restarted.started.get("startCallAt").asLong());
    r.put("allReconciled", all);
    r.put("launchToAllReconciledMs", all ? allAt[0] - restarted.launchedAt : null);
    long writes = sum(after.get("writes"));
    r.put("writes", writes);
    r.put("writesByKind", after.get("writes"));
    r.put("reads", sum(after.get("reads")));
    double reconciles = after.get("sdk").path("operator.sdk.reconciliations.started").asDouble();
    r.put("reconcilesPerActivation", reconciles / total);
    r.put("heapBytes", mem.get("heapUsed").asLong());
    r.put("rssBytes", mem.get("rssBytes").asLong());
    r.put("peakRssBytes", mem.get("peakRssBytes").asLong());
    @SuppressWarnings("unchecked")
    Map<String, Object> burst = (Map<String, Object>) run.get("burst");
    if (burst != null) {
      @SuppressWarnings("unchecked")
      long empty = (long) ((Map<String, Object>) burst.get("memory")).get("heapEmptyBytes");
      r.put("bytesPerCachedObjectVsEmpty", (double) (mem.get("heapUsed").asLong() - empty) / (2.0 * total));
    }
    run.put("restart", r);
    rows.add(new Row("Restart: writes (" + total + " issued)", String.valueOf(writes), "", "", "0", met(writes == 0)));
    bench.target(n, "0 writes on restart", writes, writes == 0, String.valueOf(after.get("writes")));
    Object first = r.get("launchToFirstReconcileMs");
    Object firstFromStart = r.get("startCallToFirstReconcileMs");
    boolean startupMet = first != null && ((Long) first) <= 2000;
    rows.add(new Row("Start-up to first reconcile: JVM launch / operator.start()",
        (first == null ? "none" : fmt((Long) first, "ms")) + " / "
            + (firstFromStart == null ? "none" : fmt((Long) firstFromStart, "ms")), "", "", "<= 2 s", met(startupMet)));
    bench.target(n, "start-up to first reconcile <= 2 s (JVM launch to first reconcile, " + total + " activations)",
        first, startupMet, "operator.start() to first reconcile: " + firstFromStart + " ms");
    rows.add(new Row("  breakdown: JVM boot to main / main to start() / start() to caches synced",
        fmt(restarted.started.get("mainAt").asLong() - restarted.launchedAt, "ms") + " / "
            + fmt((Long) r.get("mainToStartCallMs"), "ms") + " / " + fmt((Long) r.get("startCallToStartedMs"), "ms"),
        "", "", "", ""));
    rows.add(new Row("Restart: launch -> all reconciled", all ? fmt((allAt[0] - restarted.launchedAt) / 1000.0, "s")
        : "timed out", "", "", "", ""));
    rows.add(new Row("Restart: reconciles per activation", fmt(reconciles / total, ""), "", "", "", ""));
    rows.add(new Row("Restart: heap after GC / RSS after GC / peak RSS", mib(mem.get("heapUsed").asLong()) + " / "
        + mib(mem.get("rssBytes").asLong()) + " / " + mib(mem.get("peakRssBytes").asLong()), "", "", "", ""));
    log("N=%d: restart: %d writes, all reconciled %s", n, writes, all ? (allAt[0] - restarted.launchedAt) + " ms after launch" : "NOT within the timeout");
    return restarted;
  }
}
