package io.appconnector.operator.bench;

import static io.appconnector.operator.bench.BenchmarkMain.fmt;
import static io.appconnector.operator.bench.BenchmarkMain.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.values.GoDuration;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@code compare} scenario: the Java operator, the Go controller-runtime peer ({@link PeerBuild})
 * and the plain Fabric8 client ({@link Baseline}) doing the same work, {@code bench.reps} repetitions
 * with the order rotated each time (Java, Go, plain; then Go, plain, Java; ...). Each contender's
 * run has a fresh kube-apiserver and etcd (the same binaries), so none sees another's objects and
 * every run starts from an empty store.
 *
 * <p>For each operator: launch on the empty cluster; a burst of N activations (time until all
 * Active, process CPU per activation from /proc, writes and reconciles per activation, peak RSS);
 * a restart with the N issued (launch → first reconcile, launch → all reconciled); an expiry wave of
 * {@code bench.expiry.n} activations with {@code bench.compare.expiry.lifetime}, with a second
 * burst of N issuing activations ({@code bench.compare.overlap.n} when set) started just before the
 * first deadlines, so the wave expires while the operator is issuing (lateness = recorded
 * {@code expiredAt − expiresAt}).
 *
 * <p>The plain client runs in the harness: it first issues N activations unmeasured (a warm-up, then
 * cleaned up), then the measured N, on the same API server.
 */
final class SideBySide {
  /** {@code java-alt}: the Java operator with {@code bench.compare.alt.jvm} added, to measure a lever in the same run. */
  static final List<String> ALL = List.of("java", "go", "plain", "java-alt");

  private final BenchmarkMain bench;
  private final BenchmarkMain.Options options;
  private final int reps;
  private final String lifetime;
  private final String overlapN;
  private final List<String> contenders;
  private Path peer;

  SideBySide(BenchmarkMain bench, BenchmarkMain.Options options) {
    this.bench = bench;
    this.options = options;
    this.reps = Integer.parseInt(BenchmarkMain.Options.get("bench.reps"));
    this.lifetime = BenchmarkMain.Options.get("bench.compare.expiry.lifetime");
    this.overlapN = BenchmarkMain.Options.get("bench.compare.overlap.n");
    this.contenders = BenchmarkMain.Options.list("bench.compare.contenders").stream().filter(ALL::contains).toList();
  }

  /** Runs every repetition; returns the JSON record and adds the table to {@code rows}. */
  Map<String, Object> run(int n, List<BenchmarkMain.Row> rows) throws Exception {
    Path buildLog = options.out().resolve("peer-build.log");
    log("compare: building the Go peer from %s (log %s)", PeerBuild.sourceDir(projectDir()), buildLog);
    long t = System.nanoTime();
    peer = contenders.contains("go") ? PeerBuild.build(projectDir(), options.out(), buildLog) : null;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("peerSource", PeerBuild.sourceDir(projectDir()).toString());
    result.put("peerBuildSeconds", BenchmarkMain.seconds(System.nanoTime() - t));
    result.put("peerNaming", "appconnector.<tenant>.<activation> (patched into the copy in target/bench/peer-src)");
    result.put("reps", reps);
    result.put("expiryLifetime", lifetime);
    result.put("overlappingBurst", overlapSize(n));
    result.put("contenders", contenders);
    result.put("altJvm", BenchmarkMain.Options.list("bench.compare.alt.jvm"));
    result.put("altJava", BenchmarkMain.Options.get("bench.compare.alt.java"));
    result.put("altDrop", BenchmarkMain.Options.list("bench.compare.alt.drop"));
    Map<String, List<Map<String, Object>>> byContender = new LinkedHashMap<>();
    ALL.forEach(c -> byContender.put(c, new ArrayList<>()));
    List<List<String>> orders = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      List<String> order = new ArrayList<>(contenders);
      java.util.Collections.rotate(order, -rep);
      orders.add(order);
      for (String contender : order) {
        log("compare N=%d rep %d/%d: %s (load %s)", n, rep + 1, reps, contender, BenchmarkMain.loadAverage());
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("rep", rep + 1);
        one.put("loadAverageAtStart", BenchmarkMain.loadAverage());
        try {
          one.putAll(contender.equals("plain") ? plain(n) : operator(contender, n, rep));
        } catch (Exception e) {
          one.put("error", e.toString());
          System.err.println("bench: compare " + contender + " rep " + (rep + 1) + " failed: " + e);
          e.printStackTrace();
        }
        byContender.get(contender).add(one);
        // Written after every contender's run, so a run stopped early keeps what it measured.
        Files.writeString(options.out().resolve("compare-partial-n" + n + ".json"),
            BenchmarkMain.JSON.writeValueAsString(Map.of("orders", orders, "runs", byContender)));
      }
    }
    result.put("orders", orders);
    result.put("runs", byContender);
    Map<String, Object> summary = summarize(byContender, rows);
    result.put("summary", summary);
    return result;
  }

  /** The second burst that overlaps the expiry wave: N, or {@code bench.compare.overlap.n} when set. */
  private int overlapSize(int n) {
    return overlapN == null || overlapN.isEmpty() ? n : Integer.parseInt(overlapN);
  }

  private static Path projectDir() {
    return Path.of(System.getProperty("appconnector.projectDir", ".")).toAbsolutePath().normalize();
  }

  // ---------------------------------------------------------------------------------------------

  private record Cluster(RealApiServer api, KubernetesClient admin, Path kubeconfig, PhaseWatch watch, Thread hook)
      implements AutoCloseable {
    @Override
    public void close() {
      watch.close();
      api.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
  }

  private Cluster cluster(String name) throws Exception {
    RealApiServer api = RealApiServer.start();
    Thread hook = new Thread(api::close, "bench-stop-api-server");
    Runtime.getRuntime().addShutdownHook(hook);
    Path kubeconfig = Files.writeString(options.out().resolve("kubeconfig-compare-" + name + ".yaml"),
        api.kubeConfigYaml());
    KubernetesClient admin = api.client();
    for (String ns : List.of(BenchmarkMain.VENDOR_NS, BenchmarkMain.BASELINE_VENDOR_NS)) {
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    for (int i = 0; i < options.tenants(); i++) {
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(BenchmarkMain.tenant(i)).endMetadata().build())
          .create();
    }
    return new Cluster(api, admin, kubeconfig, new PhaseWatch(admin), hook);
  }

  private OperatorUnderTest launch(String contender, Path kubeconfig, int n) throws Exception {
    Path log = options.out().resolve("compare-" + contender + "-n" + n + ".log");
    Duration timeout = Duration.ofSeconds(Math.max(180, n / 100)); // a restart lists all N first
    if (contender.equals("go")) {
      return OperatorUnderTest.launchPeer(peer, kubeconfig, log, List.of(), timeout);
    }
    List<String> jvm = new ArrayList<>(options.operatorJvm());
    if (contender.equals("java-alt")) {
      jvm.addAll(BenchmarkMain.Options.list("bench.compare.alt.jvm"));
      String javaHome = BenchmarkMain.Options.get("bench.compare.alt.java");
      return OperatorUnderTest.launch(javaHome.isEmpty() ? Path.of(System.getProperty("java.home")) : Path.of(javaHome),
          kubeconfig, log, jvm, BenchmarkMain.Options.list("bench.compare.alt.drop"), timeout);
    }
    return OperatorUnderTest.launch(kubeconfig, log, jvm, timeout);
  }

  private Map<String, Object> operator(String contender, int n, int rep) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    try (Cluster c = cluster(contender + "-" + rep)) {
      List<Activation> burst = bench.activations(c.admin(), "burst-app", n, null);
      OperatorUnderTest op = launch(contender, c.kubeconfig(), n);
      try {
        r.put("httpClient", op.started.path("httpClient").asText(""));
        r.put("startupEmptyCluster", BenchmarkMain.startup(op));
        r.put("burst", burst(contender, op, c, burst, n));
        op.stop(Duration.ofSeconds(60));
        op = launch(contender, c.kubeconfig(), n);
        r.put("restart", restart(contender, op, n));
        r.put("expiry", expiry(contender, op, c, n));
      } finally {
        op.stop(Duration.ofSeconds(30));
      }
    }
    return r;
  }

  private Map<String, Object> burst(String contender, OperatorUnderTest op, Cluster c, List<Activation> burst, int n)
      throws Exception {
    JsonNode before = op.stats();
    double cpu0 = BenchmarkMain.cpuSeconds(op.pid());
    double harness0 = BenchmarkMain.ownCpuSeconds();
    BenchmarkMain.Measured m = bench.create(c.admin(), burst, c.watch(), BenchmarkMain.timeoutFor(n));
    double cpu = BenchmarkMain.cpuSeconds(op.pid()) - cpu0;
    double harness = BenchmarkMain.ownCpuSeconds() - harness0;
    JsonNode after = BenchmarkMain.awaitQuiet(op, Duration.ofSeconds(3), Duration.ofSeconds(60));
    double cpuQuiet = BenchmarkMain.cpuSeconds(op.pid()) - cpu0;
    JsonNode mem = op.memory();
    Map<String, Object> b = m.toMap();
    b.put("operatorCpuSeconds", cpu);
    b.put("operatorCpuMsPerActivation", 1000 * cpu / n);
    b.put("operatorCpuUntilQuietSeconds", cpuQuiet);
    b.put("harnessCpuMsPerActivation", 1000 * harness / n);
    BenchmarkMain.usage(b, before, after, n);
    b.put("peakRssBytes", mem.get("peakRssBytes").asLong());
    b.put("rssBytes", mem.get("rssBytes").asLong());
    b.put("threads", mem.path("threads").asInt());
    // the JVM's own figures (absent for the Go peer): collections during the burst, and the heap
    // and resident set after it (after the two collections memory() asks for)
    if (after.has("gcCount")) {
      b.put("gcCount", after.path("gcCount").asLong() - before.path("gcCount").asLong());
      b.put("gcSeconds", (after.path("gcMillis").asLong() - before.path("gcMillis").asLong()) / 1000.0);
      b.put("heapUsedBytes", mem.path("heapUsed").asLong());
      b.put("heapCommittedBytes", mem.path("heapCommitted").asLong());
      b.put("nonHeapUsedBytes", mem.path("nonHeapUsed").asLong());
      b.put("rssAnonBytes", mem.path("rssAnonBytes").asLong());
      b.put("rssFileBytes", mem.path("rssFileBytes").asLong());
    }
    log("compare %s: burst %s, %.2f s CPU, peak RSS %s, %.2f writes and %.2f reconciles per activation", contender,
        m.summary(), cpu, BenchmarkMain.mib(mem.get("peakRssBytes").asLong()), (double) b.get("writesPerActivation"),
        (double) b.get("reconcilesPerActivation"));
    return b;
  }

  private Map<String, Object> restart(String contender, OperatorUnderTest op, int n) throws Exception {
    double cpu0 = BenchmarkMain.cpuSeconds(op.pid());
    long[] allAt = {0};
    boolean all = PhaseWatch.await(() -> {
      JsonNode s = op.stats();
      if (s.get("observed").asDouble() >= n) {
        allAt[0] = s.get("at").asLong();
        return true;
      }
      return false;
    }, BenchmarkMain.timeoutFor(n));
    JsonNode after = BenchmarkMain.awaitQuiet(op, Duration.ofSeconds(3), Duration.ofSeconds(60));
    Map<String, Object> r = new LinkedHashMap<>();
    r.putAll(BenchmarkMain.startup(op));
    long first = after.get("firstReconcileAt").asLong();
    r.put("launchToFirstReconcileMs", first == 0 ? null : first - op.launchedAt);
    r.put("launchToAllReconciledMs", all ? allAt[0] - op.launchedAt : null);
    r.put("writes", BenchmarkMain.sum(after.get("writes")));
    r.put("reconcilesPerActivation", after.get("sdk").path("operator.sdk.reconciliations.started").asDouble() / n);
    r.put("cpuSecondsUntilQuiet", BenchmarkMain.cpuSeconds(op.pid()) - cpu0);
    JsonNode mem = op.memory();
    r.put("peakRssBytes", mem.get("peakRssBytes").asLong());
    log("compare %s: restart first reconcile %s ms, all %s ms after launch", contender,
        r.get("launchToFirstReconcileMs"), r.get("launchToAllReconciledMs"));
    return r;
  }

  /** The restarted operator runs the expiry wave, with a second burst overlapping its deadlines. */
  private Map<String, Object> expiry(String contender, OperatorUnderTest op, Cluster c, int n) throws Exception {
    int count = options.expiryN();
    Duration life = GoDuration.parse(lifetime);
    List<Activation> wave = bench.activations(c.admin(), "expiry-app", count, lifetime);
    int overlapCount = overlapSize(n);
    List<Activation> overlap = bench.activations(c.admin(), "overlap-app", overlapCount, null);
    JsonNode before = op.stats();
    long waveStartWall = System.currentTimeMillis();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    BenchmarkMain.Measured[] overlapMeasured = new BenchmarkMain.Measured[1];
    // The overlapping burst starts a second before the first deadline (first create + lifetime).
    ScheduledFuture<?> second = timer.schedule(() -> {
      overlapMeasured[0] = bench.create(c.admin(), overlap, c.watch(), BenchmarkMain.timeoutFor(overlapCount));
      return null;
    }, Math.max(0, life.toMillis() - 1000), TimeUnit.MILLISECONDS);
    BenchmarkMain.Measured issued = bench.create(c.admin(), wave, c.watch(), BenchmarkMain.timeoutFor(count));
    List<String> keys = wave.stream().map(PhaseWatch::key).toList();
    boolean all = PhaseWatch.awaitAll(c.watch().expired, keys, life.plus(BenchmarkMain.timeoutFor(count)));
    second.get(BenchmarkMain.timeoutFor(overlapCount).toMillis() + life.toMillis(), TimeUnit.MILLISECONDS);
    timer.shutdown();
    JsonNode after = BenchmarkMain.awaitQuiet(op, Duration.ofSeconds(3), Duration.ofSeconds(60));
    Map<String, Activation> current = new HashMap<>();
    for (Activation a : c.admin().resources(Activation.class).inAnyNamespace().list().getItems()) {
      current.put(PhaseWatch.key(a), a);
    }
    List<Long> late = new ArrayList<>();
    int early = 0;
    int notExpired = 0;
    int duringOverlap = 0;
    long overlapStartWall = waveStartWall + Math.max(0, life.toMillis() - 1000);
    long overlapEndWall = overlapMeasured[0] == null ? overlapStartWall
        : overlapStartWall + (long) (overlapMeasured[0].seconds() * 1000);
    for (String key : keys) {
      Expiry.Recorded r = Expiry.Recorded.of(current.get(key));
      if (r == null) {
        notExpired++;
        continue;
      }
      long expiresAt = r.expiresAt();
      long l = r.lateMillis();
      late.add(l);
      if (l < 0) {
        early++;
      }
      if (expiresAt >= overlapStartWall && expiresAt <= overlapEndWall) {
        duringOverlap++;
      }
    }
    long[] sorted = late.stream().mapToLong(Long::longValue).sorted().toArray();
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("activations", count);
    e.put("lifetime", lifetime);
    e.put("issue", issued.toMap());
    e.put("overlappingBurst", overlapMeasured[0] == null ? null : overlapMeasured[0].toMap());
    e.put("deadlinesDuringOverlappingBurst", duringOverlap);
    e.put("allExpired", all);
    e.put("notExpired", notExpired);
    e.put("early", early);
    e.put("latenessP50Ms", BenchmarkMain.pct(sorted, 0.50));
    e.put("latenessP99Ms", BenchmarkMain.pct(sorted, 0.99));
    e.put("latenessMaxMs", sorted.length == 0 ? null : sorted[sorted.length - 1]);
    BenchmarkMain.usage(e, before, after, count + overlapCount);
    JsonNode mem = op.memory();
    e.put("peakRssBytes", mem.get("peakRssBytes").asLong());
    log("compare %s: expiry p50 %.0f ms, p99 %.0f ms, early %d, not expired %d, %d deadlines inside the overlapping"
        + " burst", contender, BenchmarkMain.pct(sorted, 0.5), BenchmarkMain.pct(sorted, 0.99), early, notExpired,
        duringOverlap);
    return e;
  }

  private Map<String, Object> plain(int n) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    try (Cluster c = cluster("plain")) {
      bench.activations(c.admin(), "burst-app", n, null); // the listings
      // Warm-up: the same work, unmeasured, then cleaned up (Baseline.cleanUp), so the measured run
      // is of a warm client and not an average of a cold and a warm one.
      Map<String, Object> warm = new Burst(bench).baseline(c.api(), n, "warm-", c.watch());
      r.put("warmUp", Map.of("seconds", warm.get("seconds"), "rate", warm.get("rate")));
      Map<String, Object> b = new Burst(bench).baseline(c.api(), n, "bl-", c.watch());
      @SuppressWarnings("unchecked")
      Map<String, Double> cpu = (Map<String, Double>) b.get("cpuMsPerActivation");
      b.put("harnessCpuMsPerActivation", cpu.get("harness"));
      r.put("burst", b);
      log("compare plain: warm-up %.1f s, measured %.1f s", (double) warm.get("seconds"), (double) b.get("seconds"));
    }
    return r;
  }

  // ---------------------------------------------------------------------------------------------
  // min / median / max and Java ÷ Go.

  private record Figure(String name, String unit, double scale, Function<Map<String, Object>, Double> value) {
  }

  @SuppressWarnings("unchecked")
  private static Double at(Map<String, Object> run, String... path) {
    Object o = run;
    for (String p : path) {
      if (!(o instanceof Map)) {
        return null;
      }
      o = ((Map<String, Object>) o).get(p);
    }
    return o instanceof Number num ? num.doubleValue() : null;
  }

  private Map<String, Object> summarize(Map<String, List<Map<String, Object>>> runs, List<BenchmarkMain.Row> rows) {
    List<Figure> figures = List.of(
        new Figure("time until all N Active", "s", 1, r -> at(r, "burst", "seconds")),
        new Figure("CPU per activation during the burst (process, /proc)", "ms", 1,
            r -> r.containsKey("warmUp") ? null : at(r, "burst", "operatorCpuMsPerActivation")),
        new Figure("harness CPU per activation (load generator; plain: + the client)", "ms", 1,
            r -> at(r, "burst", "harnessCpuMsPerActivation")),
        new Figure("peak RSS after the burst", "MiB", 1.0 / 1048576, r -> at(r, "burst", "peakRssBytes")),
        new Figure("JVM: collections' time during the burst", "s", 1, r -> at(r, "burst", "gcSeconds")),
        new Figure("JVM: heap committed after the burst (after 2 full GCs)", "MiB", 1.0 / 1048576,
            r -> at(r, "burst", "heapCommittedBytes")),
        new Figure("writes per activation", "", 1, r -> at(r, "burst", "writesPerActivation")),
        new Figure("reconciles per activation", "", 1,
            r -> r.containsKey("warmUp") ? null : at(r, "burst", "reconcilesPerActivation")),
        new Figure("restart: launch to first reconcile", "ms", 1, r -> at(r, "restart", "launchToFirstReconcileMs")),
        new Figure("restart: launch to all reconciled", "ms", 1, r -> at(r, "restart", "launchToAllReconciledMs")),
        new Figure("restart: CPU until quiet", "s", 1, r -> at(r, "restart", "cpuSecondsUntilQuiet")),
        new Figure("restart: writes", "", 1, r -> at(r, "restart", "writes")),
        new Figure("expiry overlapping issuing: lateness p50", "ms", 1, r -> at(r, "expiry", "latenessP50Ms")),
        new Figure("expiry overlapping issuing: lateness p99", "ms", 1, r -> at(r, "expiry", "latenessP99Ms")),
        new Figure("expiry: fired early", "", 1, r -> at(r, "expiry", "early")),
        new Figure("expiry + overlap: writes per activation", "", 1, r -> at(r, "expiry", "writesPerActivation")),
        new Figure("expiry + overlap: reconciles per activation", "", 1,
            r -> at(r, "expiry", "reconcilesPerActivation")),
        new Figure("peak RSS, whole run of the restarted process", "MiB", 1.0 / 1048576,
            r -> at(r, "expiry", "peakRssBytes")));
    Map<String, Object> summary = new LinkedHashMap<>();
    rows.add(new BenchmarkMain.Row("Side by side (" + reps + " reps, rotated): min / median / max", "Java operator",
        "Go peer | plain client", "Java / Go (median; per-rep range)", "", ""));
    for (Figure f : figures) {
      Map<String, Object> one = new LinkedHashMap<>();
      Map<String, double[]> values = new LinkedHashMap<>();
      for (String contender : ALL) {
        double[] v = runs.get(contender).stream().map(f.value()).mapToDouble(x -> x == null ? Double.NaN : x * f.scale())
            .toArray();
        values.put(contender, v);
        one.put(contender, stats(v));
      }
      double[] java = values.get("java");
      double[] go = values.get("go");
      double[] perRep = new double[Math.min(java.length, go.length)];
      for (int i = 0; i < perRep.length; i++) {
        perRep[i] = go[i] == 0 ? Double.NaN : java[i] / go[i];
      }
      Map<String, Object> ratio = stats(perRep);
      ratio.put("ofMedians", median(java) / median(go));
      one.put("javaOverGo", ratio);
      summary.put(f.name(), one);
      String others = cell(go, f.unit()) + " | " + cell(values.get("plain"), f.unit());
      String ratios = Double.isNaN(median(perRep)) ? ""
          : String.format(Locale.ROOT, "%.2f (%s)", median(perRep), range(perRep));
      if (contenders.contains("java-alt")) {
        double[] alt = values.get("java-alt");
        double[] altPerRep = new double[Math.min(alt.length, go.length)];
        for (int i = 0; i < altPerRep.length; i++) {
          altPerRep[i] = go[i] == 0 ? Double.NaN : alt[i] / go[i];
        }
        Map<String, Object> altRatio = stats(altPerRep);
        one.put("javaAltOverGo", altRatio);
        others += " | alt " + cell(alt, f.unit());
        ratios += Double.isNaN(median(altPerRep)) ? "" : String.format(Locale.ROOT, " | alt %.2f", median(altPerRep));
      }
      rows.add(new BenchmarkMain.Row(f.name(), cell(java, f.unit()), others, ratios, "", ""));
    }
    return summary;
  }

  private static Map<String, Object> stats(double[] v) {
    double[] s = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("values", v);
    m.put("min", s.length == 0 ? null : s[0]);
    m.put("median", s.length == 0 ? null : median(s));
    m.put("max", s.length == 0 ? null : s[s.length - 1]);
    return m;
  }

  static double median(double[] v) {
    double[] s = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String cell(double[] v, String unit) {
    double[] s = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (s.length == 0) {
      return "—";
    }
    String u = unit.isEmpty() ? "" : " " + unit;
    return fmt(s[0], "") + " / " + fmt(median(s), "") + " / " + fmt(s[s.length - 1], "") + u;
  }

  private static String range(double[] v) {
    double[] s = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
    return s.length == 0 ? "" : fmt(s[0], "") + "–" + fmt(s[s.length - 1], "");
  }
}
