package io.appconnector.operator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.observability.ProductMetrics;
import io.appconnector.operator.reconciler.DeadlinesFirstExecutor;
import io.appconnector.operator.token.TokenServer;
import io.appconnector.operator.token.TokenSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.management.ObjectName;

/**
 * The operator under test, in a JVM of its own so that its heap and RSS are its own: production's
 * {@link AppConnectorOperator#create} on a client whose API calls are counted by {@link ApiCalls},
 * with JOSDK's reconcile metrics in a registry this process reads. Driven by one-line commands on
 * stdin; every answer is one line "BENCH {json}" on stdout (logs go to stderr).
 *
 * <p>Commands: {@code stats}, {@code memory}, {@code histogram <file>}, {@code nmt <file>} (with
 * -XX:NativeMemoryTracking), {@code tokens}, {@code stop}.
 */
public final class OperatorChild {
  static final String PREFIX = "BENCH ";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile long firstReconcileAt;

  private OperatorChild() {
  }

  public static void main(String[] args) throws Exception {
    long mainAt = System.currentTimeMillis();
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    // Only answers on stdout: anything else printed there goes to stderr (the log).
    System.setOut(System.err);
    ApiCalls calls = new ApiCalls();
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(Path.of(args[0]))))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(ApiCalls.NAME, calls))
        .build();
    MeterRegistry registry = new SimpleMeterRegistry();
    Clock clock = Clock.systemUTC();
    ProductMetrics metrics = new ProductMetrics(registry, clock);
    OperatorSettings settings = new OperatorSettings("http://127.0.0.1:8080/oauth2/token", Set.of(), "default", false,
        "bench-operator");
    long createAt = System.currentTimeMillis();
    // -Dbench.reconcileThreads=N (through bench.compare.alt.jvm) measures a smaller reconcile pool.
    int reconcileThreads = Integer.getInteger("bench.reconcileThreads", 0);
    Operator operator = AppConnectorOperator.create(client, settings, clock, metrics,
        io.appconnector.operator.dependent.VendorNotifications.Settings.DEFAULT, o -> {
          if (reconcileThreads > 0) {
            o.withConcurrentReconciliationThreads(reconcileThreads);
          }
        });
    // -Dbench.reconcileOrder=arrival (through bench.compare.alt.jvm) measures the queue without due
    // deadlines first: every reconcile waits in arrival order, as in JOSDK's own pool.
    if ("arrival".equals(System.getProperty("bench.reconcileOrder"))
        && operator.getConfigurationService().getExecutorService() instanceof DeadlinesFirstExecutor queue) {
      queue.rankBy(task -> null);
    }
    Thread watcher = new Thread(() -> awaitFirstReconcile(registry), "bench-first-reconcile");
    watcher.setDaemon(true);
    watcher.start();
    long startCallAt = System.currentTimeMillis();
    operator.start();
    long startedAt = System.currentTimeMillis();
    Map<String, Object> started = new LinkedHashMap<>();
    started.put("event", "started");
    started.put("jvmStartAt", ManagementFactory.getRuntimeMXBean().getStartTime());
    started.put("mainAt", mainAt);
    started.put("createAt", createAt);
    started.put("startCallAt", startCallAt);
    started.put("startedAt", startedAt);
    started.put("reconcileThreads", operator.getConfigurationService().concurrentReconciliationThreads());
    started.put("reconcileOrder", System.getProperty("bench.reconcileOrder", "deadlines-first"));
    started.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    started.put("maxHeap", Runtime.getRuntime().maxMemory());
    started.put("httpClient", client.getHttpClient().getClass().getName());
    started.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(g -> g.getName()).toList());
    answer(out, started);

    TokenServer tokens = null;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split("\\s+", 2);
      try {
        switch (words[0]) {
          case "stats" -> answer(out, stats(calls, registry));
          case "memory" -> answer(out, memory());
          case "histogram" -> {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Files.writeString(Path.of(words[1]), histogram);
            answer(out, Map.of("histogram", words[1]));
          }
          case "nmt" -> {
            String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            Files.writeString(Path.of(words[1]), summary);
            answer(out, Map.of("nmt", words[1]));
          }
          case "tokens" -> {
            if (tokens == null) {
              // "tokens <secret>": HTTPS with the kubernetes.io/tls Secret of that name, as the chart serves it.
              TokenSettings tokenSettings = TokenSettings.embedded("default");
              tokens = TokenServer.start(client, words.length > 1 ? tokenSettings.withTls(words[1]) : tokenSettings,
                  clock);
            }
            answer(out, Map.of("port", tokens.port(), "tokenEndpoint", tokens.settings().tokenEndpoint()));
          }
          case "stop" -> {
            long stopAt = System.currentTimeMillis();
            if (tokens != null) {
              tokens.close();
            }
            operator.stop();
            answer(out, Map.of("stopped", System.currentTimeMillis() - stopAt));
            client.close();
            System.exit(0);
          }
          default -> answer(out, Map.of("error", "unknown command " + words[0]));
        }
      } catch (Exception e) {
        answer(out, Map.of("error", e.toString()));
      }
    }
    operator.stop();
    System.exit(0);
  }

  private static void answer(PrintStream out, Map<String, ?> body) throws Exception {
    out.println(PREFIX + JSON.writeValueAsString(body));
  }

  /** Polls JOSDK's reconcile counter closely until the first reconcile starts. */
  private static void awaitFirstReconcile(MeterRegistry registry) {
    while (firstReconcileAt == 0) {
      if (sum(registry, "operator.sdk.reconciliations.started") > 0) {
        firstReconcileAt = System.currentTimeMillis();
        return;
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static double sum(MeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static Map<String, Object> stats(ApiCalls calls, MeterRegistry registry) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("at", System.currentTimeMillis());
    ApiCalls.Snapshot s = calls.snapshot();
    result.put("writes", s.writes());
    result.put("reads", s.reads());
    result.put("answers", s.answers());
    result.put("watches", s.watches());
    Map<String, Double> sdk = new TreeMap<>();
    registry.getMeters().stream().filter(m -> m instanceof Counter && m.getId().getName().startsWith("operator.sdk."))
        .forEach(m -> sdk.merge(m.getId().getName(), ((Counter) m).count(), Double::sum));
    result.put("sdk", sdk);
    Map<String, Double> phases = new TreeMap<>();
    registry.find("appconnector.activations").gauges()
        .forEach(g -> phases.put(g.getId().getTag("phase"), g.value()));
    result.put("phases", phases);
    result.put("observed", phases.values().stream().mapToDouble(Double::doubleValue).sum());
    result.put("firstReconcileAt", firstReconcileAt);
    result.put("gcCount", ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(g -> Math.max(0, g.getCollectionCount())).sum());
    result.put("gcMillis", ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(g -> Math.max(0, g.getCollectionTime())).sum());
    return result;
  }

  /** Heap used after two full collections, and the resident set size as the kernel counts it. */
  static Map<String, Object> memory() throws Exception {
    System.gc();
    Thread.sleep(200);
    System.gc();
    Thread.sleep(200);
    Map<String, Object> result = new LinkedHashMap<>();
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    var nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
    result.put("heapUsed", heap.getUsed());
    result.put("heapCommitted", heap.getCommitted());
    result.put("nonHeapUsed", nonHeap.getUsed());
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) {
        result.put("rssBytes", kib(l) * 1024);
      } else if (l.startsWith("VmHWM:")) {
        result.put("peakRssBytes", kib(l) * 1024);
      } else if (l.startsWith("RssAnon:")) {
        result.put("rssAnonBytes", kib(l) * 1024);
      } else if (l.startsWith("RssFile:")) {
        result.put("rssFileBytes", kib(l) * 1024);
      }
    }
    result.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    return result;
  }

  private static long kib(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }
}
