package io.appconnector.operator.bench;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.bench.BenchmarkMain.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.bench.BenchmarkMain.Measured;
import io.appconnector.operator.bench.BenchmarkMain.Options;
import io.appconnector.operator.bench.BenchmarkMain.Row;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.logic.VendorSecret;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One hostile tenant ({@code hostile}): it creates {@code bench.hostile.secrets} Secrets of 1 MiB in
 * its own namespace, each labelled both as a vendor-credential Secret and as a delivered one, while
 * other tenants issue activations and vendors exchange tokens. Then the operator restarts with all
 * of them present (where the operator that cached them whole once ran out of heap), and the other
 * tenants issue and exchange again. Prints the operator's heap after GC and RSS before, after and
 * on restart.
 */
final class Hostile {
  static final String NS = "bench-hostile";
  private final BenchmarkMain bench;
  private final Options options;

  Hostile(BenchmarkMain bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  OperatorUnderTest hostile(OperatorUnderTest operator, Path kubeconfig, KubernetesClient admin, int n,
      Map<String, Object> run, List<Row> rows, PhaseWatch watch) throws Exception {
    int count = Integer.parseInt(Options.get("bench.hostile.secrets"));
    int others = Integer.parseInt(Options.get("bench.hostile.others"));
    Map<String, Object> h = new LinkedHashMap<>();
    run.put("hostile", h);
    h.put("secrets", count);
    h.put("secretBytes", SIZE);
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();

    log("hostile: issuing %d activations whose credentials vendors exchange meanwhile (not measured)",
        options.tokenCredentials());
    List<Activation> before = bench.activations(admin, "hostile-pre", options.tokenCredentials(), null);
    Measured setup = bench.create(admin, before, watch, timeoutFor(before.size()));
    h.put("setupActive", setup.completed());
    List<TokenLoad.Credential> credentials = admin.secrets().inNamespace(VENDOR_NS)
        .withLabel(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED).list().getItems().stream()
        .limit(options.tokenCredentials())
        .map(s -> new TokenLoad.Credential(decode(s, "clientId"), decode(s, "clientSecret"))).toList();
    String url = operator.command("tokens", Duration.ofSeconds(120)).get("tokenEndpoint").asText();
    TokenLoad.firstUses(url, credentials);
    JsonNode mem0 = operator.memory();
    h.put("before", memory(mem0));

    // The flood, with other tenants issuing and vendors exchanging at the same time.
    log("hostile: one tenant creates %d Secrets of 1 MiB; %d activations of other tenants meanwhile", count, others);
    Exchanges during = Exchanges.start(url, credentials);
    long t0 = System.nanoTime();
    ExecutorService creators = Executors.newFixedThreadPool(4);
    AtomicLong created = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    String payload = Base64.getEncoder().encodeToString("x".repeat(SIZE).getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < count; i++) {
      int k = i;
      creators.submit(() -> {
        try {
          admin.resource(big(k, payload)).create();
          created.incrementAndGet();
        } catch (RuntimeException e) {
          refused.incrementAndGet();
        }
      });
    }
    creators.shutdown();
    Measured issued = bench.create(admin, bench.activations(admin, "hostile-during", others, null), watch,
        timeoutFor(others));
    creators.awaitTermination(30, TimeUnit.MINUTES);
    double floodSeconds = seconds(System.nanoTime() - t0);
    // Watch events arrive in order: once an activation waiting for a Secret created after the flood
    // sees it, the operator's informers have been through every Secret of the flood.
    awaitSentinel(admin, watch, "sentinel-1");
    Exchanges.Result exchanged = during.stop();
    JsonNode mem1 = operator.memory();
    h.put("floodSeconds", floodSeconds);
    h.put("created", created.get());
    h.put("createRefused", refused.get());
    h.put("after", memory(mem1));
    h.put("issuedDuringFlood", issued.toMap());
    h.put("exchangesDuringFlood", exchanged.toMap());
    long grown = mem1.get("heapUsed").asLong() - mem0.get("heapUsed").asLong();
    h.put("heapGrowthBytes", grown);
    log("hostile: %d Secrets (%d MiB) in %.0f s; heap after GC %s -> %s; %s; exchanges %s", created.get(),
        created.get() * SIZE >> 20, floodSeconds, mib(mem0.get("heapUsed").asLong()),
        mib(mem1.get("heapUsed").asLong()), issued.summary(), exchanged);

    // A restart with all of them present.
    log("hostile: restart with the %d Secrets present", created.get());
    operator.stop(Duration.ofSeconds(60));
    OperatorUnderTest restarted = bench.launch(kubeconfig, n);
    JsonNode started = restarted.started;
    long launchToStarted = started.get("startedAt").asLong() - restarted.launchedAt;
    JsonNode mem2 = restarted.memory();
    String url2 = restarted.command("tokens", Duration.ofSeconds(120)).get("tokenEndpoint").asText();
    Exchanges after = Exchanges.start(url2, credentials);
    Measured issuedAfter = bench.create(admin, bench.activations(admin, "hostile-after", others, null), watch,
        timeoutFor(others));
    awaitSentinel(admin, watch, "sentinel-2");
    Exchanges.Result exchangedAfter = after.stop();
    JsonNode mem3 = restarted.memory();
    h.put("restartLaunchToStartedMs", launchToStarted);
    h.put("restartStarted", memory(mem2));
    h.put("restartAfterIssuing", memory(mem3));
    h.put("issuedAfterRestart", issuedAfter.toMap());
    h.put("exchangesAfterRestart", exchangedAfter.toMap());

    long bound = 16L << 20;
    rows.add(new Row("Hostile: one tenant's labelled Secrets of 1 MiB (both labels), created", created.get() + " ("
        + (created.get() * SIZE >> 20) + " MiB) in " + fmt(floodSeconds, "s"), "", "", "", ""));
    rows.add(new Row("Hostile: operator heap after GC, before / after (growth)", mib(mem0.get("heapUsed").asLong())
        + " / " + mib(mem1.get("heapUsed").asLong()) + " (" + fmt(grown / 1048576.0, "MiB") + ")", "", "",
        "growth <= 16 MiB", met(grown <= bound)));
    rows.add(new Row("Hostile: RSS after GC / peak RSS, before / after", mib(mem0.get("rssBytes").asLong()) + " / "
        + mib(mem0.get("peakRssBytes").asLong()) + " -> " + mib(mem1.get("rssBytes").asLong()) + " / "
        + mib(mem1.get("peakRssBytes").asLong()), "", "", "peak < 512 MiB (the chart's limit)",
        met(mem1.get("peakRssBytes").asLong() < 512L << 20)));
    rows.add(new Row("Hostile: other tenants' activations during the flood", issued.summary(), "", "",
        "all Active", met(issued.completed() == others)));
    rows.add(new Row("Hostile: token exchanges during the flood", exchanged.toString(), "", "", "0 failed",
        met(exchanged.failed() == 0 && exchanged.ok() > 0)));
    rows.add(new Row("Hostile: restart with them present: launch -> caches synced; heap after GC / peak RSS",
        fmt(launchToStarted / 1000.0, "s") + "; " + mib(mem2.get("heapUsed").asLong()) + " / "
            + mib(mem2.get("peakRssBytes").asLong()), "", "", "", ""));
    rows.add(new Row("Hostile: after the restart: activations / exchanges", issuedAfter.summary() + "; "
        + exchangedAfter, "", "", "all Active, 0 failed",
        met(issuedAfter.completed() == others && exchangedAfter.failed() == 0 && exchangedAfter.ok() > 0)));
    rows.add(new Row("Hostile: after the restart and issuing: heap after GC / peak RSS",
        mib(mem3.get("heapUsed").asLong()) + " / " + mib(mem3.get("peakRssBytes").asLong()), "", "", "", ""));
    bench.target(n, "one tenant's " + count + " labelled Secrets of 1 MiB grow the heap after GC by <= 16 MiB",
        grown / 1048576.0, grown <= bound, "MiB");
    bench.target(n, "other tenants issue and exchange during the flood and after a restart with it",
        issued.completed() + issuedAfter.completed() + " Active, " + (exchanged.failed() + exchangedAfter.failed())
            + " failed exchanges",
        issued.completed() == others && issuedAfter.completed() == others && exchanged.failed() == 0
            && exchangedAfter.failed() == 0, "");
    return restarted;
  }

  /** Data bytes of each Secret: 1 MiB less room for the rest of the object. */
  static final int SIZE = (1 << 20) - 4096;

  private static Secret big(int i, String payload) {
    return new SecretBuilder().withNewMetadata().withNamespace(NS).withName(String.format(Locale.ROOT, "big-%05d", i))
        .addToLabels(VendorSecret.LABEL, "true")
        .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR)
        .addToLabels(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED)
        .addToAnnotations(DeliveryNames.ACTIVATION_UID, "u" + i).endMetadata()
        .addToData("clientSecret", payload).build();
  }

  /** An activation in the hostile tenant's namespace waits for a Secret created now; returns once it is Active. */
  private void awaitSentinel(KubernetesClient admin, PhaseWatch watch, String name) {
    AppListing crm = Fixtures.platformListing(name, AppListingSpec.AuthMethod.ApiKey);
    crm.getMetadata().setUid(null);
    admin.resource(crm).create();
    Activation waiting = activation(NS, name, name);
    waiting.getMetadata().setUid(null);
    waiting.getMetadata().setCreationTimestamp(null);
    waiting.getSpec().vendorCredentialsSecretRef = new ActivationSpec.SecretRef();
    waiting.getSpec().vendorCredentialsSecretRef.name = name;
    admin.resource(waiting).create();
    admin.resource(new SecretBuilder().withNewMetadata().withNamespace(NS).withName(name)
        .addToLabels(VendorSecret.LABEL, "true").endMetadata()
        .addToData("apiKey", Base64.getEncoder().encodeToString("k".getBytes(StandardCharsets.UTF_8))).build()).create();
    if (!PhaseWatch.awaitAll(watch.active, List.of(PhaseWatch.key(waiting)), Duration.ofMinutes(10))) {
      throw new IllegalStateException("the operator did not get through the flood within 10 minutes");
    }
  }

  static Map<String, Object> memory(JsonNode m) {
    Map<String, Object> r = new LinkedHashMap<>();
    for (String k : List.of("heapUsed", "heapCommitted", "rssBytes", "peakRssBytes")) {
      r.put(k, m.get(k).asLong());
    }
    return r;
  }

  /** Vendors exchanging their credentials one after another on one connection until stopped. */
  static final class Exchanges {
    record Result(long ok, long failed, double p99Ms, double maxMs) {
      Map<String, Object> toMap() {
        return Map.of("ok", ok, "failed", failed, "p99Ms", p99Ms, "maxMs", maxMs);
      }

      @Override
      public String toString() {
        return String.format(Locale.ROOT, "%d ok, %d failed, p99 %.0f ms, max %.0f ms", ok, failed, p99Ms, maxMs);
      }
    }

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<Long> latencies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Future<?> running;

    static Exchanges start(String url, List<TokenLoad.Credential> credentials) {
      Exchanges e = new Exchanges();
      ExecutorService one = Executors.newSingleThreadExecutor();
      e.running = one.submit(() -> {
        HttpClient http = TokenLoad.client();
        int i = 0;
        while (!e.stop.get()) {
          long t = System.nanoTime();
          int status = TokenLoad.exchange(http, url, credentials.get(i++ % credentials.size()));
          e.latencies.add(System.nanoTime() - t);
          (status == 200 ? e.ok : e.failed).incrementAndGet();
          try {
            Thread.sleep(20);
          } catch (InterruptedException x) {
            return;
          }
        }
      });
      one.shutdown();
      return e;
    }

    Result stop() throws Exception {
      stop.set(true);
      running.get(30, TimeUnit.SECONDS);
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      return new Result(ok.get(), failed.get(), pct(sorted, 0.99) / 1e6,
          sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }
  }
}
