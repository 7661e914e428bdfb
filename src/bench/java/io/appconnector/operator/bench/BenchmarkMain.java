package io.appconnector.operator.bench;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static io.appconnector.operator.Fixtures.withLifetime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.logic.DeliveryNames;
import io.appconnector.operator.status.Times;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The benchmark harness (issue 10): the operator against the real kube-apiserver and etcd of the
 * test suite, next to a baseline of a plain Fabric8 client making the same writes, in one run.
 *
 * <pre>./mvnw -q -Pbench [-Dbench.n=1000,10000] [-Dbench.scenarios=burst,restart,steady,tokens,slowtokens,expiry]</pre>
 *
 * {@code slowtokens} is {@code tokens} while 1,000 connections ({@code bench.tokens.slow}) hold the
 * token port open, each sending a partial request header and a byte every second.
 *
 * Prints a table and writes target/bench/results-&lt;date&gt;.json. Every wait has a timeout, and the
 * API servers and operator processes it starts are stopped on every way out (shutdown hooks too).
 */
public final class BenchmarkMain {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String VENDOR_NS = "bench-vendor";
  static final String BASELINE_VENDOR_NS = "bench-baseline-vendor";

  /** Options, all system properties (the Maven profile passes them on). */
  record Options(List<Integer> sizes, Set<String> scenarios, int tenants, int createThreads, double steadyRate,
      int steadySeconds, int expiryN, String expiryLifetime, int tokenClients, int tokenCredentials,
      int tokenSeconds, int signSeconds, boolean jfr, List<String> operatorJvm, int maxMinutes, Path out) {

    /** The options and their defaults; a property that is unset or empty takes the default. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
      Map<String, String> d = new LinkedHashMap<>();
      d.put("bench.n", "1000");
      d.put("bench.scenarios", "burst,restart,steady,tokens,expiry");
      d.put("bench.tenants", "100");
      d.put("bench.create.threads", "8");
      d.put("bench.steady.rate", "20");
      d.put("bench.steady.seconds", "60");
      d.put("bench.expiry.n", "1000");
      d.put("bench.expiry.lifetime", "60s");
      d.put("bench.tokens.clients", "16");
      d.put("bench.tokens.credentials", "64");
      d.put("bench.tokens.seconds", "20");
      d.put("bench.sign.seconds", "5");
      d.put("bench.tokens.slow", "1000");
      d.put("bench.jfr", "false");
      // The chart's container: a 512Mi limit (MaxRAM, so the heap is sized as it is there, not from
      // this machine's memory) and the chart's javaOptions.
      d.put("bench.operator.jvm",
          "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75.0 -XX:+UseSerialGC");
      d.put("bench.maxMinutes", "120");
      return d;
    }

    static String get(String key) {
      String v = System.getProperty(key);
      return v == null || v.isBlank() ? DEFAULTS.get(key) : v.trim();
    }

    static List<String> list(String key) {
      return Arrays.stream(get(key).split(key.equals("bench.operator.jvm") ? "\\s+" : ",")).map(String::trim)
          .filter(s -> !s.isEmpty()).toList();
    }

    static Options fromSystemProperties() {
      Path project = Path.of(System.getProperty("appconnector.projectDir", "."));
      return new Options(
          list("bench.n").stream().map(Integer::valueOf).toList(),
          new java.util.LinkedHashSet<>(list("bench.scenarios")),
          Integer.parseInt(get("bench.tenants")),
          Integer.parseInt(get("bench.create.threads")),
          Double.parseDouble(get("bench.steady.rate")),
          Integer.parseInt(get("bench.steady.seconds")),
          Integer.parseInt(get("bench.expiry.n")),
          get("bench.expiry.lifetime"),
          Integer.parseInt(get("bench.tokens.clients")),
          Integer.parseInt(get("bench.tokens.credentials")),
          Integer.parseInt(get("bench.tokens.seconds")),
          Integer.parseInt(get("bench.sign.seconds")),
          Boolean.parseBoolean(get("bench.jfr")),
          list("bench.operator.jvm"),
          Integer.parseInt(get("bench.maxMinutes")),
          project.resolve("target").resolve("bench"));
    }

    boolean has(String scenario) {
      return scenarios.contains(scenario);
    }
  }

  /** One line of the printed table. */
  record Row(String figure, String operator, String baseline, String ratio, String target, String met) {
  }

  private final Options options;
  private final Map<String, Object> report = new LinkedHashMap<>();
  private final List<Map<String, Object>> targets = new ArrayList<>();
  private final Map<Integer, List<Row>> tables = new LinkedHashMap<>();
  private final List<String> profiles = new ArrayList<>();
  private int childCount;

  private BenchmarkMain(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.fromSystemProperties();
    Files.createDirectories(options.out());
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(Duration.ofMinutes(options.maxMinutes()).toMillis());
        System.err.println("bench: stopped after bench.maxMinutes=" + options.maxMinutes()
            + "; the API server and operator processes are stopped by the shutdown hooks");
        System.exit(2);
      } catch (InterruptedException e) {
        // finished in time
      }
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    BenchmarkMain bench = new BenchmarkMain(options);
    int exit = bench.run();
    watchdog.interrupt();
    System.exit(exit);
  }

  private int run() throws Exception {
    Instant started = Instant.now();
    report.put("date", started.toString());
    report.put("command", command());
    report.put("machine", machine());
    report.put("options", Map.of("sizes", options.sizes(), "scenarios", options.scenarios(), "tenants",
        options.tenants(), "steady", options.steadyRate() + "/s for " + options.steadySeconds() + "s",
        "expiry", options.expiryN() + " activations, lifetime " + options.expiryLifetime(),
        "tokens", options.tokenClients() + " clients, " + options.tokenCredentials() + " credentials, "
            + options.tokenSeconds() + "s", "operatorJvm", options.operatorJvm(), "jfr", options.jfr()));
    List<Map<String, Object>> runs = new ArrayList<>();
    report.put("runs", runs);
    report.put("targets", targets);
    int exit = 0;
    for (int n : options.sizes()) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("n", n);
      runs.add(run);
      try {
        runSize(n, run);
      } catch (Throwable e) {
        exit = 1;
        run.put("error", e.toString());
        System.err.println("bench: the run with N=" + n + " failed: " + e);
        e.printStackTrace();
      }
    }
    report.put("seconds", Duration.between(started, Instant.now()).toSeconds());
    report.put("loadAverageAtEnd", loadAverage());
    String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss").withZone(ZoneOffset.UTC).format(started);
    Path json = options.out().resolve("results-" + stamp + ".json");
    Files.writeString(json, JSON.writeValueAsString(report));
    printTables();
    for (String profile : profiles) {
      System.out.println();
      System.out.print(profile);
    }
    System.out.println();
    System.out.println("JSON: " + json);
    return exit;
  }

  // ---------------------------------------------------------------------------------------------
  // One size: a fresh API server, then the scenarios in order.

  private void runSize(int n, Map<String, Object> run) throws Exception {
    List<Row> rows = new ArrayList<>();
    tables.put(n, rows);
    try (var old = Files.list(options.out())) {
      for (Path f : old.filter(p -> p.getFileName().toString().startsWith("operator-n" + n + "-")).toList()) {
        Files.delete(f); // recordings of an earlier invocation
      }
    }
    log("N=%d: starting kube-apiserver and etcd", n);
    long t = System.nanoTime();
    RealApiServer api = RealApiServer.start();
    Thread stopApi = new Thread(api::close, "bench-stop-api-server");
    Runtime.getRuntime().addShutdownHook(stopApi);
    OperatorUnderTest operator = null;
    PhaseWatch watch = null;
    try {
      run.put("apiServerStartSeconds", seconds(System.nanoTime() - t));
      Path kubeconfig = Files.writeString(options.out().resolve("kubeconfig-" + n + ".yaml"), api.kubeConfigYaml());
      KubernetesClient admin = api.client();
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(VENDOR_NS).endMetadata().build()).create();
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(BASELINE_VENDOR_NS).endMetadata().build())
          .create();
      for (int i = 0; i < options.tenants(); i++) {
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(tenant(i)).endMetadata().build()).create();
      }
      watch = new PhaseWatch(admin);
      List<Activation> burst = activations(admin, "burst-app", n, null);

      if (options.has("burst")) {
        run.put("baselineBefore", baseline(api, n, "bl-", watch));
      }
      operator = launch(kubeconfig, n);
      run.put("startupEmptyCluster", startup(operator));

      if (options.has("burst")) {
        burst(operator, admin, burst, n, run, watch);
        // The machine is shared and noisy: the baseline runs again right after the operator's burst
        // (operator stopped), and the operator is compared with the mean of the two.
        operator.stop(Duration.ofSeconds(60));
        operator = null;
        run.put("baselineAfter", baseline(api, n, "bl2-", watch));
        burstRows(n, run, rows);
      } else if (options.has("restart") || options.has("tokens") || options.has("slowtokens")) {
        log("N=%d: issuing %d activations for the later scenarios (not measured)", n, n);
        Measured m = create(admin, burst, watch, timeoutFor(n));
        run.put("setup", Map.of("activeWithin", m.completed(), "seconds", m.seconds()));
      }
      if (options.has("restart")) {
        operator = restart(operator, kubeconfig, admin, n, run, rows);
      } else if (operator == null) {
        operator = launch(kubeconfig, n);
      }
      if (options.has("steady")) {
        steady(operator, admin, run, rows, watch);
      }
      if (options.has("tokens")) {
        tokens(operator, admin, run, rows, 0);
      }
      if (options.has("slowtokens")) {
        tokens(operator, admin, run, rows, Integer.parseInt(Options.get("bench.tokens.slow")));
      }
      if (options.has("expiry")) {
        expiry(operator, admin, run, rows, watch);
      }
    } finally {
      if (operator != null) {
        operator.stop(Duration.ofSeconds(30));
      }
      if (watch != null) {
        watch.close();
      }
      api.close();
      try {
        Runtime.getRuntime().removeShutdownHook(stopApi);
      } catch (IllegalStateException e) {
        // shutting down already
      }
      summarizeProfiles(n);
    }
  }

  private OperatorUnderTest launch(Path kubeconfig, int n) throws Exception {
    childCount++;
    List<String> jvm = new ArrayList<>(options.operatorJvm());
    if (options.jfr()) {
      jvm.add("-XX:StartFlightRecording=filename=" + options.out().resolve("operator-n" + n + "-" + childCount + ".jfr")
          + ",settings=profile,dumponexit=true");
      jvm.add("-XX:NativeMemoryTracking=summary");
    }
    Path log = options.out().resolve("operator-n" + n + ".log");
    return OperatorUnderTest.launch(kubeconfig, log, jvm, Duration.ofSeconds(180));
  }

  private static Map<String, Object> startup(OperatorUnderTest o) {
    Map<String, Object> s = new LinkedHashMap<>();
    JsonNode st = o.started;
    s.put("launchToJvmStartMs", st.get("jvmStartAt").asLong() - o.launchedAt);
    s.put("launchToMainMs", st.get("mainAt").asLong() - o.launchedAt);
    s.put("mainToStartCallMs", st.get("startCallAt").asLong() - st.get("mainAt").asLong());
    s.put("launchToStartedMs", st.get("startedAt").asLong() - o.launchedAt);
    s.put("startCallToStartedMs", st.get("startedAt").asLong() - st.get("startCallAt").asLong());
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Burst: baseline and operator.

  private Map<String, Object> baseline(RealApiServer api, int n, String prefix, PhaseWatch watch) throws Exception {
    int threads = ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER;
    log("N=%d: baseline, a plain Fabric8 client with %d threads", n, threads);
    ApiCalls calls = new ApiCalls();
    try (KubernetesClient client = instrumented(api.kubeConfigYaml(), calls)) {
      List<Activation> acts = new ArrayList<>();
      for (Activation a : activations(null, "burst-app", n, null)) {
        a.getMetadata().setName(prefix + a.getMetadata().getName());
        a.getMetadata().setLabels(Map.of(Baseline.LABEL, "true"));
        acts.add(a);
      }
      Baseline baseline = new Baseline(client, threads, BASELINE_VENDOR_NS);
      try {
        baseline.start();
        ApiCalls.Snapshot before = calls.snapshot();
        Map<String, Double> cpu0 = cpu(null);
        Measured m = create(api.client(), acts, watch, timeoutFor(n));
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

  private void burst(OperatorUnderTest operator, KubernetesClient admin, List<Activation> acts, int n,
      Map<String, Object> run, PhaseWatch watch) throws Exception {
    log("N=%d: burst of %d activations across %d tenants", n, n, options.tenants());
    JsonNode memEmpty = operator.memory();
    Path histogramEmpty = options.out().resolve("histogram-n" + n + "-empty.txt");
    Path histogramBurst = options.out().resolve("histogram-n" + n + "-burst.txt");
    operator.command("histogram " + histogramEmpty, Duration.ofSeconds(60));
    JsonNode before = operator.stats();
    Map<String, Double> cpu0 = cpu(operator);
    Measured m = create(admin, acts, watch, timeoutFor(n));
    Map<String, Double> cpuUsed = perActivationMs(cpu(operator), cpu0, n);
    JsonNode after = awaitQuiet(operator, Duration.ofSeconds(3), Duration.ofSeconds(60));
    JsonNode mem = operator.memory();
    operator.command("histogram " + histogramBurst, Duration.ofSeconds(60));
    profiles.add(histogramGrowth(histogramEmpty, histogramBurst, 2L * n, "n" + n + "-burst"));
    if (options.jfr() || options.operatorJvm().stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking"))) {
      operator.command("nmt " + options.out().resolve("nmt-n" + n + "-burst.txt"), Duration.ofSeconds(60));
    }
    Map<String, Object> b = m.toMap();
    b.put("cpuMsPerActivation", cpuUsed);
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
  private void burstRows(int n, Map<String, Object> run, List<Row> rows) {
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
    target(n, "activations/s >= 0.8 x baseline", opRate / blRate, opRate >= 0.8 * blRate,
        String.format(Locale.ROOT, "%.1f/s vs %.1f/s", opRate, blRate));
    rows.add(new Row("Burst: create->Ready p50", fmt(m.p50(), "ms"), base == null ? "" : fmt((double) base.get("p50Ms"), "ms"),
        "", "", ""));
    rows.add(new Row("Burst: create->Ready p99", fmt(m.p99(), "ms"), base == null ? "" : fmt((double) base.get("p99Ms"), "ms"),
        "", "", ""));
    double writes = (double) b.get("writesPerActivation");
    double reconciles = (double) b.get("reconcilesPerActivation");
    rows.add(new Row("Burst: API writes per activation", fmt(writes, ""),
        base == null ? "" : fmt((double) base.get("writesPerActivation"), ""), "", "<= 4", met(writes <= 4)));
    target(n, "<= 4 API writes per activation", writes, writes <= 4, String.valueOf(b.get("writes")));
    rows.add(new Row("Burst: reconciles per activation", fmt(reconciles, ""), "", "", "<= 2", met(reconciles <= 2)));
    target(n, "<= 2 reconciles per activation", reconciles, reconciles <= 2, "");
    rows.add(new Row("Burst: CPU ms per activation: kube-apiserver / etcd / operator / harness",
        cpuCells(cpuUsed), cpuCells(baseCpu), "", "", ""));
    rows.add(new Row("Burst: API reads (GET) per activation", fmt((double) b.get("readsPerActivation"), ""),
        base == null ? "" : fmt((double) base.get("readsPerActivation"), ""), "", "", ""));
    double perObject = (double) memory.get("bytesPerCachedObject");
    rows.add(new Row("Heap after GC, empty -> " + n + " activations", mib(heapEmpty) + " -> " + mib(heap), "", "", "",
        ""));
    rows.add(new Row("Heap per cached object (" + objects + " objects)", fmt(perObject / 1024, "KiB"), "", "",
        "<= 3 KiB", met(perObject <= 3 * 1024)));
    target(n, "<= 3 KB heap per cached object", perObject, perObject <= 3 * 1024, "heap delta / (activations + delivered Secrets)");
    long rss = (long) memory.get("rssBytes");
    long peak = (long) memory.get("peakRssBytes");
    // Judged on the peak: the highest the pod's working set went while the burst was issued.
    rows.add(new Row("RSS after GC / peak RSS", mib(rss) + " / " + mib(peak), "", "",
        n >= 10_000 ? "<= 256 MiB at 10,000" : "(judged at N=10,000)", n >= 10_000 ? met(peak <= 256L << 20) : ""));
    rows.add(new Row("  RSS after GC: anonymous / file-backed (jars, JDK modules, libjvm)",
        mib((long) memory.get("rssAnonBytes")) + " / " + mib((long) memory.get("rssFileBytes")), "", "", "", ""));
    if (n >= 10_000) {
      target(n, "RSS <= 256 MiB with 10,000 activations", peak, peak <= 256L << 20,
          "peak RSS " + mib(peak) + ", after GC " + mib(rss));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Restart with the activations already issued.

  private OperatorUnderTest restart(OperatorUnderTest operator, Path kubeconfig, KubernetesClient admin, int n,
      Map<String, Object> run, List<Row> rows) throws Exception {
    int total = admin.resources(Activation.class).inAnyNamespace().list().getItems().size();
    log("N=%d: restart with %d activations issued", n, total);
    long stopStart = System.nanoTime();
    if (operator != null) {
      operator.stop(Duration.ofSeconds(60));
    }
    Double stopSeconds = operator == null ? null : seconds(System.nanoTime() - stopStart);
    OperatorUnderTest restarted = launch(kubeconfig, n);
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
    target(n, "0 writes on restart", writes, writes == 0, String.valueOf(after.get("writes")));
    Object first = r.get("launchToFirstReconcileMs");
    Object firstFromStart = r.get("startCallToFirstReconcileMs");
    boolean startupMet = first != null && ((Long) first) <= 2000;
    rows.add(new Row("Start-up to first reconcile: JVM launch / operator.start()",
        (first == null ? "none" : fmt((Long) first, "ms")) + " / "
            + (firstFromStart == null ? "none" : fmt((Long) firstFromStart, "ms")), "", "", "<= 2 s", met(startupMet)));
    target(n, "start-up to first reconcile <= 2 s (JVM launch to first reconcile, " + total + " activations)",
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

  // ---------------------------------------------------------------------------------------------
  // Steady arrival rate.

  private void steady(OperatorUnderTest operator, KubernetesClient admin, Map<String, Object> run, List<Row> rows,
      PhaseWatch watch) throws Exception {
    int count = (int) Math.round(options.steadyRate() * options.steadySeconds());
    log("steady: %.1f activations/s for %d s (%d)", options.steadyRate(), options.steadySeconds(), count);
    List<Activation> acts = activations(admin, "steady-app", count, null);
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
    target(run.get("n"), "<= 3 KB heap per cached object (marginal, while steady)", marginal, marginal <= 3 * 1024,
        "heap slope between two warmed-up points");
    rows.add(new Row("Steady: writes / reconciles per activation", fmt((double) s.get("writesPerActivation"), "")
        + " / " + fmt((double) s.get("reconcilesPerActivation"), ""), "", "", "", ""));
    log("steady: %s", m.summary());
  }

  // ---------------------------------------------------------------------------------------------
  // Token exchanges under concurrent load, against the bare signing rate.

  private String tokenUrl;
  private double tokenStartSeconds;

  /** {@code slow}: how many slow connections hold the token port meanwhile (0 for none). */
  private void tokens(OperatorUnderTest operator, KubernetesClient admin, Map<String, Object> run, List<Row> rows,
      int slow) throws Exception {
    String name = slow == 0 ? "tokens" : "slowTokens";
    String label = slow == 0 ? "Tokens" : "Tokens with " + slow + " slow connections";
    if (tokenUrl == null) {
      log("tokens: starting the token endpoint in the operator process");
      long t = System.nanoTime();
      JsonNode endpoint = operator.command("tokens", Duration.ofSeconds(120));
      tokenStartSeconds = seconds(System.nanoTime() - t);
      tokenUrl = endpoint.get("tokenEndpoint").asText();
    }
    double startSeconds = tokenStartSeconds;
    String url = tokenUrl;
    List<TokenLoad.Credential> credentials = new ArrayList<>();
    for (Secret s : admin.secrets().inNamespace(VENDOR_NS).withLabel(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED)
        .list().getItems()) {
      if (credentials.size() >= options.tokenCredentials()) {
        break;
      }
      credentials.add(new TokenLoad.Credential(decode(s, "clientId"), decode(s, "clientSecret")));
    }
    if (credentials.isEmpty()) {
      throw new IllegalStateException("no delivered credentials to exchange: run tokens with burst or restart");
    }
    int firstUses = TokenLoad.firstUses(url, credentials);
    int cpus = Runtime.getRuntime().availableProcessors();
    Duration warm = Duration.ofSeconds(1);
    Duration sign = Duration.ofSeconds(options.signSeconds());
    log("tokens: bare ES256 signing rate (1 and %d threads)", cpus);
    double bare1 = TokenLoad.signingRate(1, false, warm, sign);
    double bareN = TokenLoad.signingRate(cpus, false, warm, sign);
    double jwt1 = TokenLoad.signingRate(1, true, warm, sign);
    double jwtN = TokenLoad.signingRate(cpus, true, warm, sign);
    log("tokens: %d clients for %d s", options.tokenClients(), options.tokenSeconds());
    JsonNode before = operator.stats();
    // CPU time of the operator process (the server) and of this one (the clients), warm-up included
    double serverCpu0 = cpuSeconds(operator.pid());
    double clientCpu0 = ownCpuSeconds();
    io.appconnector.operator.support.SlowClients attackers = null;
    if (slow > 0) {
      int port = URI.create(url).getPort();
      // From 10 loopback addresses (127.0.0.2 to .11), within the per-source connection bound.
      attackers = io.appconnector.operator.support.SlowClients.open(port,
          "POST /oauth2/token HTTP/1.1\r\nHost: tokens\r\nX-Slow: ", slow, 10, 1000);
      log("tokens: %d slow connections open", slow);
    }
    TokenLoad.Result r;
    try {
      r = TokenLoad.run(url, credentials, options.tokenClients(), Duration.ofSeconds(3),
          Duration.ofSeconds(options.tokenSeconds()));
    } finally {
      if (attackers != null) {
        attackers.close();
      }
    }
    int slowReconnects = attackers == null ? 0 : attackers.reconnects();
    double serverCpu = cpuSeconds(operator.pid()) - serverCpu0;
    double clientCpu = ownCpuSeconds() - clientCpu0;
    JsonNode after = operator.stats();
    long[] sorted = r.latenciesNanos().clone();
    Arrays.sort(sorted);
    double rate = r.tokens() / r.seconds();
    Map<String, Object> tk = new LinkedHashMap<>();
    tk.put("endpointStartSeconds", startSeconds);
    tk.put("credentials", credentials.size());
    tk.put("firstUsesOk", firstUses);
    tk.put("clients", r.clients());
    tk.put("seconds", r.seconds());
    tk.put("tokens", r.tokens());
    tk.put("refused", r.refused());
    tk.put("errors", r.errors());
    tk.put("tokensPerSecond", rate);
    tk.put("p50Ms", pct(sorted, 0.50) / 1e6);
    tk.put("p99Ms", pct(sorted, 0.99) / 1e6);
    tk.put("maxMs", sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    tk.put("bareSigningPerSecond1Thread", bare1);
    tk.put("bareSigningPerSecond", bareN);
    tk.put("bareSigningThreads", cpus);
    tk.put("jwtMintingPerSecond1Thread", jwt1);
    tk.put("jwtMintingPerSecond", jwtN);
    tk.put("ratioToBareSigning", rate / bareN);
    tk.put("ratioToJwtMinting", rate / jwtN);
    // per answer, warm-up included (3 s of the same load before the measured window)
    long answers = r.tokens() + r.refused() + r.errors() + r.warmUpAnswers();
    tk.put("serverCpuMsPerToken", 1000 * serverCpu / answers);
    tk.put("clientCpuMsPerToken", 1000 * clientCpu / answers);
    tk.put("bareSigningCpuMs", 1000.0 / bare1);
    tk.put("apiWritesDuringLoad", sum(after.get("writes")) - sum(before.get("writes")));
    tk.put("slowConnections", slow);
    tk.put("slowReconnects", slowReconnects);
    run.put(name, tk);
    if (slow > 0) {
      double p99 = (double) tk.get("p99Ms");
      long failed = r.refused() + r.errors();
      rows.add(new Row(label + ": tokens/s (" + r.clients() + " clients)", fmt(rate, "/s"),
          fmt(bareN, "/s") + " bare ES256", ratio(rate, bareN), ">= 0.7 x bare signing", met(rate >= 0.7 * bareN)));
      rows.add(new Row(label + ": p50 / p99 latency", fmt((double) tk.get("p50Ms"), "ms") + " / " + fmt(p99, "ms"),
          "", "", "p99 < 200 ms", met(p99 < 200)));
      rows.add(new Row(label + ": failed exchanges", String.valueOf(failed), "", "", "0", met(failed == 0)));
      target(run.get("n"), "with " + slow + " slow connections: tokens/s >= 0.7 x bare ES256 signing rate",
          rate / bareN, rate >= 0.7 * bareN,
          String.format(Locale.ROOT, "%.0f tokens/s vs %.0f signatures/s on %d threads", rate, bareN, cpus));
      target(run.get("n"), "with " + slow + " slow connections: p99 < 200 ms", p99, p99 < 200,
          String.format(Locale.ROOT, "p99 %.1f ms", p99));
      target(run.get("n"), "with " + slow + " slow connections: 0 failed exchanges", failed, failed == 0,
          failed + " refused or failed");
      log("slow tokens: %.0f tokens/s, p99 %.1f ms, %d failed, %d slow reconnects; bare signing %.0f/s", rate, p99,
          failed, slowReconnects, bareN);
      return;
    }
    rows.add(new Row("Tokens: tokens/s (" + r.clients() + " clients)", fmt(rate, "/s"),
        fmt(bareN, "/s") + " bare ES256", ratio(rate, bareN), ">= 0.5 x bare signing", met(rate >= 0.5 * bareN)));
    rows.add(new Row("Tokens: p50 / p99 latency", fmt((double) tk.get("p50Ms"), "ms") + " / "
        + fmt((double) tk.get("p99Ms"), "ms"), "", "", "", ""));
    rows.add(new Row("Tokens: JWT minting without HTTP (" + cpus + " threads)", "", fmt(jwtN, "/s"),
        ratio(rate, jwtN), "", ""));
    rows.add(new Row("Tokens: CPU per token, server / load-generating clients",
        fmt((double) tk.get("serverCpuMsPerToken"), "ms") + " / " + fmt((double) tk.get("clientCpuMsPerToken"), "ms"),
        fmt(1000.0 / bare1, "ms") + " per bare signature", ratio(1000.0 / bare1, (double) tk.get("serverCpuMsPerToken")),
        "", ""));
    rows.add(new Row("Tokens: refused / errors", r.refused() + " / " + r.errors(), "", "", "0 / 0",
        met(r.refused() == 0 && r.errors() == 0)));
    target(run.get("n"), "tokens/s >= 0.5 x bare ES256 signing rate", rate / bareN, rate >= 0.5 * bareN,
        String.format(Locale.ROOT, "%.0f tokens/s vs %.0f signatures/s on %d threads", rate, bareN, cpus));
    log("tokens: %.0f tokens/s, p99 %.1f ms; bare signing %.0f/s", rate, (double) tk.get("p99Ms"), bareN);
  }

  // ---------------------------------------------------------------------------------------------
  // Expiry wave: short-lived credentials that nobody uses.

  private void expiry(OperatorUnderTest operator, KubernetesClient admin, Map<String, Object> run, List<Row> rows,
      PhaseWatch watch) throws Exception {
    int count = options.expiryN();
    log("expiry: %d activations with lifetime %s", count, options.expiryLifetime());
    List<Activation> acts = activations(admin, "expiry-app", count, options.expiryLifetime());
    JsonNode before = operator.stats();
    Measured issued = create(admin, acts, watch, timeoutFor(count));
    List<String> keys = acts.stream().map(PhaseWatch::key).toList();
    Duration lifetime = io.appconnector.operator.logic.GoDuration.parse(options.expiryLifetime());
    boolean all = PhaseWatch.awaitAll(watch.expired, keys, lifetime.plus(timeoutFor(count)));
    JsonNode after = awaitQuiet(operator, Duration.ofSeconds(3), Duration.ofSeconds(60));
    Map<String, Activation> current = new HashMap<>();
    for (Activation a : admin.resources(Activation.class).inAnyNamespace().list().getItems()) {
      current.put(PhaseWatch.key(a), a);
    }
    List<Long> recorded = new ArrayList<>();
    List<Long> observed = new ArrayList<>();
    int early = 0;
    int earlyObserved = 0;
    int notExpired = 0;
    for (String key : keys) {
      Activation a = current.get(key);
      if (a == null || a.getStatus() == null || a.getStatus().credential == null
          || a.getStatus().credential.expiredAt == null) {
        notExpired++;
        continue;
      }
      long expiresAt = Times.parse(a.getStatus().credential.expiresAt).toEpochMilli();
      long late = Times.parse(a.getStatus().credential.expiredAt).toEpochMilli() - expiresAt;
      recorded.add(late);
      if (late < 0) {
        early++;
      }
      PhaseWatch.Seen seen = watch.expired.get(key);
      if (seen != null) {
        long o = seen.wallMillis() - expiresAt;
        observed.add(o);
        if (o < 0) {
          earlyObserved++;
        }
      }
    }
    long[] rec = recorded.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] obs = observed.stream().mapToLong(Long::longValue).sorted().toArray();
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("activations", count);
    e.put("lifetime", options.expiryLifetime());
    e.put("issue", issued.toMap());
    e.put("allExpired", all);
    e.put("notExpired", notExpired);
    e.put("early", early);
    e.put("earlyObserved", earlyObserved);
    e.put("latenessP50Ms", pct(rec, 0.50));
    e.put("latenessP99Ms", pct(rec, 0.99));
    e.put("latenessMaxMs", rec.length == 0 ? null : rec[rec.length - 1]);
    e.put("observedLatenessP50Ms", pct(obs, 0.50));
    e.put("observedLatenessP99Ms", pct(obs, 0.99));
    e.put("observedLatenessMaxMs", obs.length == 0 ? null : obs[obs.length - 1]);
    usage(e, before, after, count);
    run.put("expiry", e);
    double p99 = pct(rec, 0.99);
    rows.add(new Row("Expiry (" + count + " x " + options.expiryLifetime() + "): lateness p50 / p99 / max",
        fmt(pct(rec, 0.5), "ms") + " / " + fmt(p99, "ms") + " / " + fmt(rec.length == 0 ? Double.NaN : rec[rec.length - 1], "ms"),
        "", "", "p99 <= 1 s", met(notExpired == 0 && p99 <= 1000)));
    rows.add(new Row("Expiry: seen by a watcher p50 / p99 / max", fmt(pct(obs, 0.5), "ms") + " / "
        + fmt(pct(obs, 0.99), "ms") + " / " + fmt(obs.length == 0 ? Double.NaN : obs[obs.length - 1], "ms"), "", "", "", ""));
    rows.add(new Row("Expiry: fired early / not expired", early + " / " + notExpired, "", "", "0 / 0",
        met(early == 0 && notExpired == 0)));
    rows.add(new Row("Expiry: writes / reconciles per activation (issue + expire)",
        fmt((double) e.get("writesPerActivation"), "") + " / " + fmt((double) e.get("reconcilesPerActivation"), ""),
        "", "", "", ""));
    target(run.get("n"), "expiry never early", early, early == 0 && notExpired == 0,
        notExpired + " of " + count + " not expired within the timeout");
    target(run.get("n"), "expiry p99 lateness <= 1 s", p99, notExpired == 0 && p99 <= 1000,
        "expiredAt - expiresAt, as recorded in status");
    log("expiry: lateness p50 %.0f ms, p99 %.0f ms, early %d, not expired %d", pct(rec, 0.5), p99, early, notExpired);
  }

  // ---------------------------------------------------------------------------------------------
  // Creating activations and measuring create -> Active.

  record Measured(int n, int completed, long failures, double seconds, double createSeconds, double p50, double p99,
      double max) {
    double rate() {
      return completed / seconds;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("activations", n);
      m.put("completed", completed);
      m.put("createFailures", failures);
      m.put("seconds", seconds);
      m.put("rate", rate());
      m.put("createSeconds", createSeconds);
      m.put("p50Ms", p50);
      m.put("p99Ms", p99);
      m.put("maxMs", max);
      return m;
    }

    String summary() {
      return String.format(Locale.ROOT, "%d/%d Active in %.1f s (%.1f/s), create->Ready p50 %.0f ms p99 %.0f ms",
          completed, n, seconds, rate(), p50, p99);
    }
  }

  private Measured create(KubernetesClient client, List<Activation> acts, PhaseWatch watch, Duration timeout)
      throws InterruptedException {
    ExecutorService creators = Executors.newFixedThreadPool(options.createThreads());
    AtomicLong failures = new AtomicLong();
    long t0 = System.nanoTime();
    for (Activation a : acts) {
      creators.submit(() -> createOne(client, a, watch, failures));
    }
    creators.shutdown();
    creators.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    double createSeconds = seconds(System.nanoTime() - t0);
    List<String> keys = acts.stream().map(PhaseWatch::key).toList();
    boolean all = PhaseWatch.awaitAll(watch.active, keys, timeout);
    return measured(keys, watch, t0, createSeconds, all, failures.get());
  }

  private static void createOne(KubernetesClient client, Activation a, PhaseWatch watch, AtomicLong failures) {
    try {
      watch.createdAt.put(PhaseWatch.key(a), System.nanoTime());
      client.resource(a).create();
    } catch (RuntimeException e) {
      failures.incrementAndGet();
    }
  }

  private static Measured measured(List<String> keys, PhaseWatch watch, long t0, double createSeconds, boolean all,
      long failures) {
    List<Long> latencies = new ArrayList<>();
    long last = t0;
    for (String key : keys) {
      PhaseWatch.Seen seen = watch.active.get(key);
      Long created = watch.createdAt.get(key);
      if (seen != null && created != null) {
        latencies.add(seen.nanos() - created);
        last = Math.max(last, seen.nanos());
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    double seconds = all ? seconds(last - t0) : seconds(System.nanoTime() - t0);
    return new Measured(keys.size(), sorted.length, failures, seconds, createSeconds, pct(sorted, 0.5) / 1e6,
        pct(sorted, 0.99) / 1e6, sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
  }

  /**
   * {@code n} activations spread over the tenants: tenant i gets one activation of each listing
   * prefix-00, prefix-01, ... (one holder per listing and tenant), so n / tenants listings are made.
   */
  private List<Activation> activations(KubernetesClient admin, String prefix, int n, String lifetime) {
    int listings = (n + options.tenants() - 1) / options.tenants();
    if (admin != null) {
      for (int l = 0; l < listings; l++) {
        AppListing listing = vendorListing(String.format(Locale.ROOT, "%s-%03d", prefix, l), VENDOR_NS, "invoices.read");
        if (lifetime != null) {
          withLifetime(listing, lifetime);
        }
        listing.getMetadata().setUid(null);
        admin.resource(listing).create();
      }
    }
    List<Activation> result = new ArrayList<>();
    for (int l = 0; l < listings && result.size() < n; l++) {
      String listing = String.format(Locale.ROOT, "%s-%03d", prefix, l);
      for (int t = 0; t < options.tenants() && result.size() < n; t++) {
        Activation a = activation(tenant(t), listing, listing, "invoices.read");
        a.getMetadata().setUid(null);
        a.getMetadata().setCreationTimestamp(null);
        result.add(a);
      }
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  /** Waits until the operator has neither started a reconcile nor written for {@code quiet}. */
  private static JsonNode awaitQuiet(OperatorUnderTest operator, Duration quiet, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = operator.stats();
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      JsonNode now = operator.stats();
      boolean changed = now.get("sdk").path("operator.sdk.reconciliations.started").asDouble()
          != last.get("sdk").path("operator.sdk.reconciliations.started").asDouble()
          || sum(now.get("writes")) != sum(last.get("writes"));
      if (changed) {
        lastChange = System.nanoTime();
        last = now;
      } else if (System.nanoTime() - lastChange >= quiet.toNanos()) {
        return now;
      }
    }
    return last;
  }

  /** Writes, reads and reconciles between two stats, per activation. */
  private static void usage(Map<String, Object> into, JsonNode before, JsonNode after, int n) {
    Map<String, Long> writes = diff(after.get("writes"), before.get("writes"));
    long totalWrites = writes.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> reads = diff(after.get("reads"), before.get("reads"));
    long totalReads = reads.values().stream().mapToLong(Long::longValue).sum();
    String started = "operator.sdk.reconciliations.started";
    double reconciles = after.get("sdk").path(started).asDouble() - before.get("sdk").path(started).asDouble();
    String failed = "operator.sdk.reconciliations.failed";
    into.put("writesPerActivation", (double) totalWrites / n);
    into.put("writes", writes);
    into.put("readsPerActivation", (double) totalReads / n);
    into.put("reads", reads);
    into.put("reconcilesPerActivation", reconciles / n);
    into.put("failedReconciles", after.get("sdk").path(failed).asDouble() - before.get("sdk").path(failed).asDouble());
    into.put("answers", diff(after.get("answers"), before.get("answers")));
  }

  private static Map<String, Long> diff(JsonNode after, JsonNode before) {
    Map<String, Long> result = new TreeMap<>();
    after.fields().forEachRemaining(e -> {
      long d = e.getValue().asLong() - before.path(e.getKey()).asLong(0);
      if (d != 0) {
        result.put(e.getKey(), d);
      }
    });
    return result;
  }

  private static long sum(JsonNode counts) {
    long s = 0;
    for (JsonNode v : counts) {
      s += v.asLong();
    }
    return s;
  }

  private static int statusBytes(KubernetesClient client, Activation a) {
    Activation current = client.resources(Activation.class).inNamespace(a.getMetadata().getNamespace())
        .withName(a.getMetadata().getName()).get();
    try {
      return current == null ? -1 : new ObjectMapper().writeValueAsBytes(current.getStatus()).length;
    } catch (Exception e) {
      return -1;
    }
  }

  /** JSON bytes of a cached Activation and its delivered Secret, and how much of it is metadata.managedFields. */
  private static Map<String, Object> objectSizes(KubernetesClient client, Activation a) {
    Map<String, Object> sizes = new LinkedHashMap<>();
    try {
      ObjectMapper mapper = new ObjectMapper();
      Activation current = client.resources(Activation.class).inNamespace(a.getMetadata().getNamespace())
          .withName(a.getMetadata().getName()).get();
      Secret secret = client.secrets().inNamespace(VENDOR_NS).withName(DeliveryNames.secretName(current)).get();
      sizes.put("activationJsonBytes", mapper.writeValueAsBytes(current).length);
      sizes.put("activationManagedFieldsJsonBytes", mapper.writeValueAsBytes(current.getMetadata().getManagedFields()).length);
      sizes.put("secretJsonBytes", secret == null ? -1 : mapper.writeValueAsBytes(secret).length);
      sizes.put("secretManagedFieldsJsonBytes", secret == null ? -1
          : mapper.writeValueAsBytes(secret.getMetadata().getManagedFields()).length);
    } catch (Exception e) {
      sizes.put("error", e.toString());
    }
    return sizes;
  }

  /** CPU seconds so far of kube-apiserver, etcd, the operator process and this harness (baseline included). */
  private static Map<String, Double> cpu(OperatorUnderTest operator) {
    Map<String, Double> result = new LinkedHashMap<>();
    ProcessHandle.current().descendants().forEach(p -> {
      String cmd = p.info().command().orElse("");
      if (cmd.endsWith("/kube-apiserver")) {
        result.merge("kube-apiserver", cpuSeconds(p.pid()), Double::sum);
      } else if (cmd.endsWith("/etcd")) {
        result.merge("etcd", cpuSeconds(p.pid()), Double::sum);
      }
    });
    result.put("operator", operator == null ? 0.0 : cpuSeconds(operator.pid()));
    result.put("harness", ownCpuSeconds());
    return result;
  }

  private static Map<String, Double> perActivationMs(Map<String, Double> after, Map<String, Double> before, int n) {
    Map<String, Double> result = new LinkedHashMap<>();
    after.forEach((k, v) -> result.put(k, 1000 * (v - before.getOrDefault(k, 0.0)) / n));
    return result;
  }

  private static String cpuCells(Map<String, Double> ms) {
    if (ms.isEmpty()) {
      return "";
    }
    return List.of("kube-apiserver", "etcd", "operator", "harness").stream()
        .map(k -> fmt(ms.getOrDefault(k, Double.NaN), "")).collect(Collectors.joining(" / "));
  }

  /** The classes whose live heap grew most between two class histograms, per cached object. */
  private static String histogramGrowth(Path before, Path after, long objects, String name) {
    try {
      Map<String, long[]> a = histogram(before);
      Map<String, long[]> b = histogram(after);
      List<Map.Entry<String, long[]>> growth = new ArrayList<>();
      long total = 0;
      for (Map.Entry<String, long[]> e : b.entrySet()) {
        long[] was = a.getOrDefault(e.getKey(), new long[2]);
        long[] d = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
        total += d[1];
        growth.add(Map.entry(e.getKey(), d));
      }
      growth.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
      StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
          "Live heap growth by class (%s): %.1f MiB for %d cached objects, %.0f bytes each%n", name,
          total / 1048576.0, objects, (double) total / objects));
      for (Map.Entry<String, long[]> e : growth.subList(0, Math.min(15, growth.size()))) {
        out.append(String.format(Locale.ROOT, "  %7.0f B/object  %6.1f instances/object  %s%n",
            (double) e.getValue()[1] / objects, (double) e.getValue()[0] / objects, e.getKey()));
      }
      Files.writeString(after.resolveSibling("heap-growth-" + name + ".txt"), out.toString());
      return out.toString();
    } catch (Exception e) {
      return "heap growth: " + e + "\n";
    }
  }

  private static Map<String, long[]> histogram(Path file) throws java.io.IOException {
    Map<String, long[]> result = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        result.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return result;
  }

  /** User + system CPU seconds of a process, from /proc/PID/stat (clock ticks of 1/100 s). */
  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  private static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  private static String decode(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static KubernetesClient instrumented(String kubeconfig, ApiCalls calls) {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(ApiCalls.NAME, calls)).build();
  }

  private static String tenant(int i) {
    return String.format(Locale.ROOT, "bench-t%03d", i);
  }

  /** Generous but bounded: two minutes, or 120 ms per activation (8/s) when more. */
  private static Duration timeoutFor(int n) {
    return Duration.ofMillis(Math.max(120_000L, 120L * n));
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private void target(Object n, String name, Object value, boolean met, String detail) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("n", n);
    t.put("target", name);
    t.put("value", value);
    t.put("met", met);
    t.put("detail", detail);
    targets.add(t);
  }

  private void summarizeProfiles(int n) {
    if (!options.jfr()) {
      return;
    }
    try (var files = Files.list(options.out())) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("operator-n" + n + "-")
          && p.toString().endsWith(".jfr")).sorted().toList()) {
        String summary = JfrSummary.summarize(f, 25);
        Files.writeString(Path.of(f.toString().replace(".jfr", "-profile.txt")), summary);
        profiles.add(summary);
      }
    } catch (Exception e) {
      profiles.add("profile summary failed: " + e + "\n");
    }
  }

  private void printTables() {
    for (Map.Entry<Integer, List<Row>> table : tables.entrySet()) {
      List<Row> rows = table.getValue();
      String[] head = {"Figure (N=" + table.getKey() + ", " + options.tenants() + " tenants)", "Operator", "Baseline",
          "Ratio", "Target", "Met"};
      int[] w = new int[head.length];
      for (int i = 0; i < head.length; i++) {
        w[i] = head[i].length();
      }
      for (Row r : rows) {
        String[] c = cells(r);
        for (int i = 0; i < c.length; i++) {
          w[i] = Math.max(w[i], c[i].length());
        }
      }
      System.out.println();
      System.out.println(line(head, w));
      System.out.println(line(Arrays.stream(w).mapToObj("-"::repeat).toArray(String[]::new), w));
      for (Row r : rows) {
        System.out.println(line(cells(r), w));
      }
    }
    System.out.println();
    System.out.println("Targets:");
    for (Map<String, Object> t : targets) {
      System.out.printf("  [%s] N=%s %s: %s %s%n", (boolean) t.get("met") ? "met" : "NOT met", t.get("n"),
          t.get("target"), t.get("value") instanceof Double d ? fmt(d, "") : t.get("value"), t.get("detail"));
    }
  }

  private static String[] cells(Row r) {
    return new String[] {r.figure(), r.operator(), r.baseline(), r.ratio(), r.target(), r.met()};
  }

  private static String line(String[] cells, int[] w) {
    StringBuilder b = new StringBuilder("|");
    for (int i = 0; i < cells.length; i++) {
      b.append(' ').append(String.format("%-" + w[i] + "s", cells[i])).append(" |");
    }
    return b.toString();
  }

  static String fmt(double v, String unit) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    String number = Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
        : Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    return unit.isEmpty() ? number : number + " " + unit;
  }

  private static String ratio(double operator, double baseline) {
    return Double.isNaN(operator) || Double.isNaN(baseline) || baseline == 0 ? ""
        : String.format(Locale.ROOT, "%.2f", operator / baseline);
  }

  private static String met(boolean met) {
    return met ? "met" : "NOT met";
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
  }

  private static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[bench %s] %s%n", java.time.LocalTime.now().withNano(0),
        String.format(Locale.ROOT, format, args));
  }

  /** The command that runs this configuration again. */
  private static String command() {
    StringBuilder c = new StringBuilder("./mvnw -q -Pbench");
    for (String key : Options.DEFAULTS.keySet()) {
      String v = Options.get(key);
      if (!v.equals(Options.DEFAULTS.get(key))) {
        c.append(" -D").append(key).append('=').append(v.contains(" ") ? "'" + v + "'" : v);
      }
    }
    return c.toString();
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nproc", Runtime.getRuntime().availableProcessors());
    try {
      m.put("cpu", Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?"));
      m.put("memTotal", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
    } catch (Exception e) {
      m.put("cpu", "?");
    }
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("kubeApiServer", RealApiServer.VERSION);
    m.put("loadAverageAtStart", loadAverage());
    return m;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "?";
    }
  }
}
