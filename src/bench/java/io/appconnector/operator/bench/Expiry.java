package io.appconnector.operator.bench;

import static io.appconnector.operator.bench.BenchmarkMain.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.appconnector.operator.bench.BenchmarkMain.Measured;
import io.appconnector.operator.bench.BenchmarkMain.Options;
import io.appconnector.operator.bench.BenchmarkMain.Row;

/** The expiry wave: short-lived credentials that nobody uses; lateness as recorded and as watched. */
final class Expiry {
  private final BenchmarkMain bench;
  private final Options options;

  /** An expiry as the activation's status records it: its deadline and how late it was revoked. */
  record Recorded(long expiresAt, long lateMillis) {
    /** Null while the activation has not been recorded as expired. */
    static Recorded of(Activation a) {
      if (a == null || a.getStatus() == null || a.getStatus().credential == null
          || a.getStatus().credential.expiredAt == null) {
        return null;
      }
      long expiresAt = Times.parse(a.getStatus().credential.expiresAt).toEpochMilli();
      return new Recorded(expiresAt, Times.parse(a.getStatus().credential.expiredAt).toEpochMilli() - expiresAt);
    }
  }

  Expiry(BenchmarkMain bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void expiry(OperatorUnderTest operator, KubernetesClient admin, Map<String, Object> run, List<Row> rows,
      PhaseWatch watch) throws Exception {
    int count = options.expiryN();
    log("expiry: %d activations with lifetime %s", count, options.expiryLifetime());
    List<Activation> acts = bench.activations(admin, "expiry-app", count, options.expiryLifetime());
    JsonNode before = operator.stats();
    Measured issued = bench.create(admin, acts, watch, timeoutFor(count));
    List<String> keys = acts.stream().map(PhaseWatch::key).toList();
    Duration lifetime = io.appconnector.operator.values.GoDuration.parse(options.expiryLifetime());
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
      Recorded r = Recorded.of(current.get(key));
      if (r == null) {
        notExpired++;
        continue;
      }
      long expiresAt = r.expiresAt();
      long late = r.lateMillis();
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
    bench.target(run.get("n"), "expiry never early", early, early == 0 && notExpired == 0,
        notExpired + " of " + count + " not expired within the timeout");
    bench.target(run.get("n"), "expiry p99 lateness <= 1 s", p99, notExpired == 0 && p99 <= 1000,
        "expiredAt - expiresAt, as recorded in status");
    log("expiry: lateness p50 %.0f ms, p99 %.0f ms, early %d, not expired %d", pct(rec, 0.5), p99, early, notExpired);
  }
}
