package io.appconnector.operator.bench;

import static io.appconnector.operator.bench.BenchmarkMain.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.appconnector.operator.bench.BenchmarkMain.Measured;
import io.appconnector.operator.bench.BenchmarkMain.Options;
import io.appconnector.operator.bench.BenchmarkMain.Row;

/** A steady arrival rate: create → Ready latency, and the heap's slope between two warmed-up points. */
final class Steady {
  private final BenchmarkMain bench;
  private final Options options;

  Steady(BenchmarkMain bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void steady(OperatorUnderTest operator, KubernetesClient admin, Map<String, Object> run, List<Row> rows,
      PhaseWatch watch) throws Exception {
    int count = (int) Math.round(options.steadyRate() * options.steadySeconds());
    log("steady: %.1f activations/s for %d s (%d)", options.steadyRate(), options.steadySeconds(), count);
    List<Activation> acts = bench.activations(admin, "steady-app", count, null);
    JsonNode memBefore = operator.memory();
    JsonNode before = operator.stats();
    ExecutorService creators = Executors.newFixedThreadPool(options.createThreads());
    AtomicLong failures = new AtomicLong();
    long t0 = System.nanoTime();
    long interval = (long) (1e9 / options.steadyRate());
    try {
      for (int i = 0; i < acts.size(); i++) {
        long due = t0 + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        Activation a = acts.get(i);
        creators.submit(() -> createOne(admin, a, watch, failures));
      }
    } finally {
      creators.shutdown();
    }
    creators.awaitTermination(60, TimeUnit.SECONDS);
    double arrivalSeconds = seconds(System.nanoTime() - t0);
    List<String> keys = acts.stream().map(PhaseWatch::key).toList();
    boolean all = PhaseWatch.awaitAll(watch.active, keys, timeoutFor(count));
    Measured m = measured(keys, watch, t0, arrivalSeconds, all, failures.get());
    JsonNode after = awaitQuiet(operator, Duration.ofSeconds(3), Duration.ofSeconds(60));
    Map<String, Object> s = m.toMap();
    s.put("targetRate", options.steadyRate());
    s.put("arrivalRate", count / arrivalSeconds);
    usage(s, before, after, count);
    JsonNode memAfter = operator.memory();
    // The slope between two warmed-up points: what one more activation (and its Secret) costs.
    double marginal = (double) (memAfter.get("heapUsed").asLong() - memBefore.get("heapUsed").asLong()) / (2.0 * count);
    s.put("heapBeforeBytes", memBefore.get("heapUsed").asLong());
    s.put("heapAfterBytes", memAfter.get("heapUsed").asLong());
    s.put("marginalBytesPerCachedObject", marginal);
    s.put("rssAfterBytes", memAfter.get("rssBytes").asLong());
    run.put("steady", s);
    rows.add(new Row(String.format(Locale.ROOT, "Steady %.0f/s for %ds: create->Ready p50 / p99 / max", options.steadyRate(),
        options.steadySeconds()), fmt(m.p50(), "ms") + " / " + fmt(m.p99(), "ms") + " / " + fmt(m.max(), "ms"),
        "", "", "", ""));
    rows.add(new Row("Heap per cached object, marginal (" + mib(memBefore.get("heapUsed").asLong()) + " -> "
        + mib(memAfter.get("heapUsed").asLong()) + " for " + 2 * count + " more)", fmt(marginal / 1024, "KiB"), "", "",
        "<= 3 KiB", met(marginal <= 3 * 1024)));
    bench.target(run.get("n"), "<= 3 KB heap per cached object (marginal, while steady)", marginal, marginal <= 3 * 1024,
        "heap slope between two warmed-up points");
    rows.add(new Row("Steady: writes / reconciles per activation", fmt((double) s.get("writesPerActivation"), "")
        + " / " + fmt((double) s.get("reconcilesPerActivation"), ""), "", "", "", ""));
    log("steady: %s", m.summary());
  }
}
