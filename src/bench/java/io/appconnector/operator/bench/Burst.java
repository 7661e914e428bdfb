package io.appconnector.operator.bench;

import static io.appconnector.operator.bench.BenchmarkMain.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.appconnector.operator.bench.BenchmarkMain.Measured;
import io.appconnector.operator.bench.BenchmarkMain.Options;
import io.appconnector.operator.bench.BenchmarkMain.Row;

/**
 * The burst: N activations created at once, the operator against the plain-client baseline run
 * before and after it on the same API server; heap per cached object and the class-histogram growth.
 */
final class Burst {
  private final BenchmarkMain bench;
  private final Options options;

  Burst(BenchmarkMain bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  Map<String, Object> baseline(RealApiServer api, int n, String prefix, PhaseWatch watch) throws Exception {
    int threads = ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER;
    log("N=%d: baseline, a plain Fabric8 client with %d threads", n, threads);
    ApiCalls calls = new ApiCalls();
    try (KubernetesClient client = instrumented(api.kubeConfigYaml(), calls)) {
      List<Activation> acts = new ArrayList<>();
      for (Activation a : bench.activations(null, "burst-app", n, null)) {
        a.getMetadata().setName(prefix + a.getMetadata().getName());
        a.getMetadata().setLabels(Map.of(Baseline.LABEL, "true"));
        acts.add(a);
      }
      Baseline baseline = new Baseline(client, threads, BASELINE_VENDOR_NS);
      try {
        baseline.start();
        ApiCalls.Snapshot before = calls.snapshot();
        Map<String, Double> cpu0 = cpu(null);
        Measured m = bench.create(api.client(), acts, watch, timeoutFor(n));
        Map<String, Double> cpuUsed = perActivationMs(cpu(null), cpu0, n);
        ApiCalls.Snapshot used = calls.snapshot().minus(before);
        Map<String, Object> b = m.toMap();
        b.put("cpuMsPerActivation", cpuUsed);
        b.put("threads", threads);
        b.put("writesPerActivation", (double) used.totalWrites() / n);
        b.put("writes", used.writes());
        b.put("readsPerActivation", (double) used.totalReads() / n);
        b.put("failures", baseline.failures.get());
        b.put("statusBytes", statusBytes(api.client(), acts.get(0)));
        log("N=%d: baseline %s; cleaning up", n, m.summary());
        baseline.cleanUp(acts, timeoutFor(n));
        return b;
      } finally {
        baseline.close();
      }
    }
  }

  void burst(OperatorUnderTest operator, KubernetesClient admin, List<Activation> acts, int n,
      Map<String, Object> run, PhaseWatch watch) throws Exception {
    log("N=%d: burst of %d activations across %d tenants", n, n, options.tenants());
    JsonNode memEmpty = operator.memory();
    Path histogramEmpty = options.out().resolve("histogram-n" + n + "-empty.txt");
    Path histogramBurst = options.out().resolve("histogram-n" + n + "-burst.txt");
    operator.command("histogram " + histogramEmpty, Duration.ofSeconds(60));
    JsonNode before = operator.stats();
    Map<String, Double> cpu0 = cpu(operator);
    Map<String, Double> threads0 = threadCpu(operator.pid());
    java.time.Instant from = java.time.Instant.now();
    Measured m = bench.create(admin, acts, watch, timeoutFor(n));
    java.time.Instant to = java.time.Instant.now();
    Map<String, Double> threads1 = threadCpu(operator.pid());
    Map<String, Double> cpuUsed = perActivationMs(cpu(operator), cpu0, n);
    bench.burstWindows.put(n, new java.time.Instant[] {from, to});
    Map<String, Object> byThread = new LinkedHashMap<>();
    bench.profiles.add(threadCpuDelta(threads0, threads1, cpuUsed.get("operator") * n / 1000,
        "Operator CPU by thread during the burst of " + n + " (/proc)", byThread));
    JsonNode after = awaitQuiet(operator, Duration.ofSeconds(3), Duration.ofSeconds(60));
    JsonNode mem = operator.memory();
    operator.command("histogram " + histogramBurst, Duration.ofSeconds(60));
    bench.profiles.add(histogramGrowth(histogramEmpty, histogramBurst, 2L * n, "n" + n + "-burst"));
    if (options.jfr() || options.operatorJvm().stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking"))) {
      operator.command("nmt " + options.out().resolve("nmt-n" + n + "-burst.txt"), Duration.ofSeconds(60));
    }
    Map<String, Object> b = m.toMap();
    b.put("cpuMsPerActivation", cpuUsed);
    b.put("operatorCpuSecondsByThread", byThread);
    b.put("reconcileThreads", operator.started.get("reconcileThreads").asInt());
    usage(b, before, after, n);
    b.put("statusBytes", statusBytes(admin, acts.get(0)));
    b.put("objectSizes", objectSizes(admin, acts.get(0)));
    long objects = 2L * n; // each activation and its delivered Secret are cached
    Map<String, Object> memory = new LinkedHashMap<>();
    memory.put("heapEmptyBytes", memEmpty.get("heapUsed").asLong());
    memory.put("heapBytes", mem.get("heapUsed").asLong());
    memory.put("heapCommittedBytes", mem.get("heapCommitted").asLong());
    memory.put("rssBytes", mem.get("rssBytes").asLong());
    memory.put("peakRssBytes", mem.get("peakRssBytes").asLong());
    memory.put("rssEmptyBytes", memEmpty.get("rssBytes").asLong());
    memory.put("rssAnonBytes", mem.path("rssAnonBytes").asLong());
    memory.put("rssFileBytes", mem.path("rssFileBytes").asLong());
    memory.put("objectsCached", objects);
    memory.put("bytesPerCachedObject", (double) (mem.get("heapUsed").asLong() - memEmpty.get("heapUsed").asLong()) / objects);
    memory.put("bytesPerActivation", (double) (mem.get("heapUsed").asLong() - memEmpty.get("heapUsed").asLong()) / n);
    memory.put("maxHeapBytes", operator.started.get("maxHeap").asLong());
    memory.put("gc", operator.started.get("gc"));
    b.put("memory", memory);
    run.put("burst", b);
    log("N=%d: operator %s", n, m.summary());
  }

  /** The burst's rows and targets, against the mean of the baselines before and after it. */
  @SuppressWarnings("unchecked")
  void burstRows(int n, Map<String, Object> run, List<Row> rows) {
    Map<String, Object> b = (Map<String, Object>) run.get("burst");
    Map<String, Object> memory = (Map<String, Object>) b.get("memory");
    Map<String, Object> before = (Map<String, Object>) run.get("baselineBefore");
    Map<String, Object> after = (Map<String, Object>) run.get("baselineAfter");
    Map<String, Object> base = new LinkedHashMap<>();
    for (String k : List.of("seconds", "rate", "p50Ms", "p99Ms", "writesPerActivation", "readsPerActivation")) {
      base.put(k, ((double) before.get(k) + (double) after.get(k)) / 2);
    }
    Map<String, Double> cpuBefore = (Map<String, Double>) before.get("cpuMsPerActivation");
    Map<String, Double> cpuAfter = (Map<String, Double>) after.get("cpuMsPerActivation");
    Map<String, Double> baseCpu = new LinkedHashMap<>();
    cpuBefore.forEach((k, v) -> baseCpu.put(k, (v + cpuAfter.getOrDefault(k, v)) / 2));
    base.put("cpuMsPerActivation", baseCpu);
    run.put("baseline", base);
    Measured m = new Measured(n, ((Number) b.get("completed")).intValue(), 0, (double) b.get("seconds"), 0,
        (double) b.get("p50Ms"), (double) b.get("p99Ms"), (double) b.get("maxMs"));
    Map<String, Double> cpuUsed = (Map<String, Double>) b.get("cpuMsPerActivation");
    long objects = (long) memory.get("objectsCached");
    long heapEmpty = (long) memory.get("heapEmptyBytes");
    long heap = (long) memory.get("heapBytes");
    rows.add(new Row("Baseline before / after the operator's burst", "",
        fmt((double) before.get("rate"), "/s") + " / " + fmt((double) after.get("rate"), "/s"), "", "", ""));
    double opRate = m.rate();
    double blRate = base == null ? Double.NaN : (double) base.get("rate");
    rows.add(new Row("Burst: time until all Ready", fmt(m.seconds(), "s"),
        base == null ? "" : fmt((double) base.get("seconds"), "s"),
        base == null ? "" : ratio((double) base.get("seconds"), m.seconds()), "", ""));
    rows.add(new Row("Burst: activations/s", fmt(opRate, "/s"), base == null ? "" : fmt(blRate, "/s"),
        ratio(opRate, blRate), ">= 0.8 x baseline", met(opRate >= 0.8 * blRate)));
    bench.target(n, "activations/s >= 0.8 x baseline", opRate / blRate, opRate >= 0.8 * blRate,
        String.format(Locale.ROOT, "%.1f/s vs %.1f/s", opRate, blRate));
    rows.add(new Row("Burst: create->Ready p50", fmt(m.p50(), "ms"), base == null ? "" : fmt((double) base.get("p50Ms"), "ms"),
        "", "", ""));
    rows.add(new Row("Burst: create->Ready p99", fmt(m.p99(), "ms"), base == null ? "" : fmt((double) base.get("p99Ms"), "ms"),
        "", "", ""));
    double writes = (double) b.get("writesPerActivation");
    double reconciles = (double) b.get("reconcilesPerActivation");
    rows.add(new Row("Burst: API writes per activation", fmt(writes, ""),
        base == null ? "" : fmt((double) base.get("writesPerActivation"), ""), "", "<= 4", met(writes <= 4)));
    bench.target(n, "<= 4 API writes per activation", writes, writes <= 4, String.valueOf(b.get("writes")));
    rows.add(new Row("Burst: reconciles per activation", fmt(reconciles, ""), "", "", "<= 2", met(reconciles <= 2)));
    bench.target(n, "<= 2 reconciles per activation", reconciles, reconciles <= 2, "");
    rows.add(new Row("Burst: CPU ms per activation: kube-apiserver / etcd / operator / harness",
        cpuCells(cpuUsed), cpuCells(baseCpu), "", "", ""));
    rows.add(new Row("Burst: API reads (GET) per activation", fmt((double) b.get("readsPerActivation"), ""),
        base == null ? "" : fmt((double) base.get("readsPerActivation"), ""), "", "", ""));
    double perObject = (double) memory.get("bytesPerCachedObject");
    rows.add(new Row("Heap after GC, empty -> " + n + " activations", mib(heapEmpty) + " -> " + mib(heap), "", "", "",
        ""));
    rows.add(new Row("Heap per cached object (" + objects + " objects)", fmt(perObject / 1024, "KiB"), "", "",
        "<= 3 KiB", met(perObject <= 3 * 1024)));
    bench.target(n, "<= 3 KB heap per cached object", perObject, perObject <= 3 * 1024, "heap delta / (activations + delivered Secrets)");
    long rss = (long) memory.get("rssBytes");
    long peak = (long) memory.get("peakRssBytes");
    // Judged on the peak: the highest the pod's working set went while the burst was issued.
    rows.add(new Row("RSS after GC / peak RSS", mib(rss) + " / " + mib(peak), "", "",
        n >= 10_000 ? "<= 256 MiB at 10,000" : "(judged at N=10,000)", n >= 10_000 ? met(peak <= 256L << 20) : ""));
    rows.add(new Row("  RSS after GC: anonymous / file-backed (jars, JDK modules, libjvm)",
        mib((long) memory.get("rssAnonBytes")) + " / " + mib((long) memory.get("rssFileBytes")), "", "", "", ""));
    if (n >= 10_000) {
      bench.target(n, "RSS <= 256 MiB with 10,000 activations", peak, peak <= 256L << 20,
          "peak RSS " + mib(peak) + ", after GC " + mib(rss));
    }
  }
}
