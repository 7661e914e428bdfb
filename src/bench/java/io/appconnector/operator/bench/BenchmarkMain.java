package io.appconnector.operator.bench;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static io.appconnector.operator.Fixtures.withLifetime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.stream.Collectors;

/**
 * The benchmark harness: the operator against the real kube-apiserver and etcd of the test suite,
 * next to a baseline of a plain Fabric8 client making the same writes, in one run.
 *
 * <pre>./mvnw -q -Pbench [-Dbench.n=1000,10000] [-Dbench.scenarios=burst,restart,steady,tokens,slowtokens,expiry,hostile,compare]</pre>
 *
 * One class per scenario: {@link Burst} (with the plain-client baseline), {@link Restart},
 * {@link Steady}, {@link Tokens} ({@code tokens} and {@code slowtokens}: the latter while 1,000
 * connections, {@code bench.tokens.slow}, hold the token port open, each sending a partial request
 * header and a byte every second), {@link Expiry}, {@link Hostile} ({@code hostile}: one tenant's
 * 1,000 labelled Secrets of 1 MiB, the operator's memory, other tenants issuing and exchanging), and {@link SideBySide} ({@code compare}: the Java
 * operator, the Go controller-runtime peer and the warmed plain client, {@code bench.reps} rotated
 * repetitions). This class holds the options, the order of the scenarios, the shared measuring
 * helpers and the report.
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

    static Map<String, String> defaults() {
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
      d.put("bench.tokens.tls", "false");
      d.put("bench.jfr", "false");
      // The chart's container: a 512Mi limit (MaxRAM, so the heap is sized as it is there, not from
      // this machine's memory) and the chart's javaOptions and controllerJavaOptions.
      d.put("bench.operator.jvm",
          "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75.0 -XX:+UseSerialGC"
              + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m");
      d.put("bench.maxMinutes", "120");
      d.put("bench.reps", "3");
      d.put("bench.compare.expiry.lifetime", "30s");
      d.put("bench.compare.overlap.n", "");
      d.put("bench.compare.contenders", "java,go,plain");
      d.put("bench.compare.alt.jvm", "");
      d.put("bench.compare.alt.java", "");
      d.put("bench.operator.jar", "");
      d.put("bench.hostile.secrets", "1000");
      d.put("bench.hostile.others", "100");
      d.put("bench.compare.alt.drop", "");
      return d;
    }

    static String get(String key) {
      String v = System.getProperty(key);
      return v == null || v.isBlank() ? DEFAULTS.get(key) : v.trim();
    }

    static List<String> list(String key) {
      String v = get(key);
      return Arrays.stream((v == null ? "" : v).split(key.endsWith(".jvm") ? "\\s+" : ",")).map(String::trim)
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

  final Options options;
  private final Map<String, Object> report = new LinkedHashMap<>();
  private final List<Map<String, Object>> targets = new ArrayList<>();
  private final Map<String, List<Row>> tables = new LinkedHashMap<>();
  final List<String> profiles = new ArrayList<>();
  /** Per N, the wall-clock window of the operator's burst (for a JFR summary of the burst alone). */
  final Map<Integer, Instant[]> burstWindows = new java.util.concurrent.ConcurrentHashMap<>();
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
        if (options.has("compare")) {
          List<Row> rows = new ArrayList<>();
          tables.put("compare, N=" + n, rows);
          run.put("compare", new SideBySide(this, options).run(n, rows));
        }
        if (options.scenarios().stream().anyMatch(s -> !s.equals("compare"))) {
          runSize(n, run);
        }
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
    tables.put("N=" + n + ", " + options.tenants() + " tenants", rows);
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
    Burst burstScenario = new Burst(this);
    Tokens tokens = new Tokens(this);
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
        run.put("baselineBefore", burstScenario.baseline(api, n, "bl-", watch));
      }
      operator = launch(kubeconfig, n);
      run.put("startupEmptyCluster", startup(operator));

      if (options.has("burst")) {
        burstScenario.burst(operator, admin, burst, n, run, watch);
        // The machine is shared and noisy: the baseline runs again right after the operator's burst
        // (operator stopped), and the operator is compared with the mean of the two.
        operator.stop(Duration.ofSeconds(60));
        operator = null;
        run.put("baselineAfter", burstScenario.baseline(api, n, "bl2-", watch));
        burstScenario.burstRows(n, run, rows);
      } else if (options.has("restart") || options.has("tokens") || options.has("slowtokens")) {
        log("N=%d: issuing %d activations for the later scenarios (not measured)", n, n);
        Measured m = create(admin, burst, watch, timeoutFor(n));
        run.put("setup", Map.of("activeWithin", m.completed(), "seconds", m.seconds()));
      }
      if (options.has("restart")) {
        operator = new Restart(this).restart(operator, kubeconfig, admin, n, run, rows);
      } else if (operator == null) {
        operator = launch(kubeconfig, n);
      }
      if (options.has("steady")) {
        new Steady(this).steady(operator, admin, run, rows, watch);
      }
      if (options.has("tokens")) {
        tokens.tokens(operator, admin, run, rows, 0);
      }
      if (options.has("slowtokens")) {
        tokens.tokens(operator, admin, run, rows, Integer.parseInt(Options.get("bench.tokens.slow")));
      }
      if (options.has("expiry")) {
        new Expiry(this).expiry(operator, admin, run, rows, watch);
      }
      if (options.has("hostile")) {
        operator = new Hostile(this).hostile(operator, kubeconfig, admin, n, run, rows, watch);
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

  OperatorUnderTest launch(Path kubeconfig, int n) throws Exception {
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

  static Map<String, Object> startup(OperatorUnderTest o) {
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

  Measured create(KubernetesClient client, List<Activation> acts, PhaseWatch watch, Duration timeout)
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

  static void createOne(KubernetesClient client, Activation a, PhaseWatch watch, AtomicLong failures) {
    try {
      watch.createdAt.put(PhaseWatch.key(a), System.nanoTime());
      client.resource(a).create();
    } catch (RuntimeException e) {
      failures.incrementAndGet();
    }
  }

  static Measured measured(List<String> keys, PhaseWatch watch, long t0, double createSeconds, boolean all,
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
  List<Activation> activations(KubernetesClient admin, String prefix, int n, String lifetime) {
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
  static JsonNode awaitQuiet(OperatorUnderTest operator, Duration quiet, Duration timeout) {
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
  static void usage(Map<String, Object> into, JsonNode before, JsonNode after, int n) {
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

  static Map<String, Long> diff(JsonNode after, JsonNode before) {
    Map<String, Long> result = new TreeMap<>();
    after.fields().forEachRemaining(e -> {
      long d = e.getValue().asLong() - before.path(e.getKey()).asLong(0);
      if (d != 0) {
        result.put(e.getKey(), d);
      }
    });
    return result;
  }

  static long sum(JsonNode counts) {
    long s = 0;
    for (JsonNode v : counts) {
      s += v.asLong();
    }
    return s;
  }

  static int statusBytes(KubernetesClient client, Activation a) {
    Activation current = client.resources(Activation.class).inNamespace(a.getMetadata().getNamespace())
        .withName(a.getMetadata().getName()).get();
    try {
      return current == null ? -1 : new ObjectMapper().writeValueAsBytes(current.getStatus()).length;
    } catch (Exception e) {
      return -1;
    }
  }

  /** JSON bytes of a cached Activation and its delivered Secret, and how much of it is metadata.managedFields. */
  static Map<String, Object> objectSizes(KubernetesClient client, Activation a) {
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
  static Map<String, Double> cpu(OperatorUnderTest operator) {
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

  static Map<String, Double> perActivationMs(Map<String, Double> after, Map<String, Double> before, int n) {
    Map<String, Double> result = new LinkedHashMap<>();
    after.forEach((k, v) -> result.put(k, 1000 * (v - before.getOrDefault(k, 0.0)) / n));
    return result;
  }

  static String cpuCells(Map<String, Double> ms) {
    if (ms.isEmpty()) {
      return "";
    }
    return List.of("kube-apiserver", "etcd", "operator", "harness").stream()
        .map(k -> fmt(ms.getOrDefault(k, Double.NaN), "")).collect(Collectors.joining(" / "));
  }

  /** The classes whose live heap grew most between two class histograms, per cached object. */
  static String histogramGrowth(Path before, Path after, long objects, String name) {
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

  static Map<String, long[]> histogram(Path file) throws java.io.IOException {
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
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  /**
   * CPU seconds of a process per thread, from /proc/<pid>/task/<tid>/stat, by thread name with digits
   * folded (the kernel keeps 15 characters of a name). A thread that has ended is no longer listed.
   */
  static Map<String, Double> threadCpu(long pid) {
    Map<String, Double> result = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          result.merge(JfrSummary.threadGroup(comm), (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0,
              Double::sum);
        } catch (Exception e) {
          // the thread ended meanwhile
        }
      }
    } catch (Exception e) {
      // the process ended
    }
    return result;
  }

  /** The CPU each thread group used between two {@link #threadCpu} readings, largest first, as text. */
  static String threadCpuDelta(Map<String, Double> before, Map<String, Double> after, double processSeconds,
      String title, Map<String, Object> into) {
    Map<String, Double> delta = new LinkedHashMap<>();
    after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0.0)));
    double listed = delta.values().stream().mapToDouble(Double::doubleValue).sum();
    delta.put("(threads that ended during the window)", Math.max(0, processSeconds - listed));
    StringBuilder out = new StringBuilder(title).append(String.format(Locale.ROOT, ": %.2f s of CPU%n", processSeconds));
    delta.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> {
          into.put(e.getKey(), e.getValue());
          out.append(String.format(Locale.ROOT, "    %6.2f s  %5.1f%%  %s%n", e.getValue(),
              100 * e.getValue() / Math.max(1e-9, processSeconds), e.getKey()));
        });
    return out.toString();
  }

  static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  static String decode(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  static KubernetesClient instrumented(String kubeconfig, ApiCalls calls) {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(ApiCalls.NAME, calls)).build();
  }

  static String tenant(int i) {
    return String.format(Locale.ROOT, "bench-t%03d", i);
  }

  /** Generous but bounded: two minutes, or 120 ms per activation (8/s) when more. */
  static Duration timeoutFor(int n) {
    return Duration.ofMillis(Math.max(120_000L, 120L * n));
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  void target(Object n, String name, Object value, boolean met, String detail) {
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
        Instant[] window = burstWindows.get(n);
        if (window != null) {
          String burst = JfrSummary.summarize(f, 25, window[0], window[1]);
          if (!burst.startsWith("CPU samples: 0 ")) {
            summary = "The burst alone:\n" + burst + "\nThe whole recording (start-up included):\n" + summary;
          }
        }
        Files.writeString(Path.of(f.toString().replace(".jfr", "-profile.txt")), summary);
        profiles.add(summary);
      }
    } catch (Exception e) {
      profiles.add("profile summary failed: " + e + "\n");
    }
  }

  private void printTables() {
    for (Map.Entry<String, List<Row>> table : tables.entrySet()) {
      List<Row> rows = table.getValue();
      String[] head = {"Figure (" + table.getKey() + ")", "Operator", "Baseline", "Ratio", "Target", "Met"};
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

  static String[] cells(Row r) {
    return new String[] {r.figure(), r.operator(), r.baseline(), r.ratio(), r.target(), r.met()};
  }

  static String line(String[] cells, int[] w) {
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

  static String ratio(double operator, double baseline) {
    return Double.isNaN(operator) || Double.isNaN(baseline) || baseline == 0 ? ""
        : String.format(Locale.ROOT, "%.2f", operator / baseline);
  }

  static String met(boolean met) {
    return met ? "met" : "NOT met";
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[bench %s] %s%n", java.time.LocalTime.now().withNano(0),
        String.format(Locale.ROOT, format, args));
  }

  /** The command that runs this configuration again. */
  static String command() {
    StringBuilder c = new StringBuilder("./mvnw -q -Pbench");
    for (String key : Options.DEFAULTS.keySet()) {
      String v = Options.get(key);
      if (!v.equals(Options.DEFAULTS.get(key))) {
        c.append(" -D").append(key).append('=').append(v.contains(" ") ? "'" + v + "'" : v);
      }
    }
    return c.toString();
  }

  static Map<String, Object> machine() {
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

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "?";
    }
  }
}
