package io.appconnector.operator.bench;

import static io.appconnector.operator.bench.BenchmarkMain.*;
import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.appconnector.operator.bench.BenchmarkMain.Options;
import io.appconnector.operator.bench.BenchmarkMain.Row;

/**
 * Token exchanges under concurrent load (and, for {@code slowtokens}, while slow connections hold the
 * port), against the bare ES256 signing rate measured in the same run.
 */
final class Tokens {
  private final BenchmarkMain bench;
  private final Options options;

  Tokens(BenchmarkMain bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  private String tokenUrl;
  private double tokenStartSeconds;

  /** {@code slow}: how many slow connections hold the token port meanwhile (0 for none). */
  void tokens(OperatorUnderTest operator, KubernetesClient admin, Map<String, Object> run, List<Row> rows,
      int slow) throws Exception {
    String name = slow == 0 ? "tokens" : "slowTokens";
    String label = slow == 0 ? "Tokens" : "Tokens with " + slow + " slow connections";
    if (tokenUrl == null) {
      boolean https = Boolean.parseBoolean(Options.get("bench.tokens.tls"));
      log("tokens: starting the token endpoint in the operator process (%s)", https ? "HTTPS" : "plain HTTP");
      String command = "tokens";
      if (https) {
        // As the chart serves it by default (token.tls.mode: secret): a kubernetes.io/tls Secret with
        // a P-256 certificate, as cert-manager writes one; the clients trust that certificate.
        var issued = io.appconnector.operator.token.TokenTlsMockServerTest.selfSigned("bench-token");
        admin.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace("default")
            .withName("bench-token-tls").endMetadata().withType("kubernetes.io/tls")
            .addToStringData("tls.crt", issued.certificatePem()).addToStringData("tls.key", issued.keyPem()).build())
            .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        TokenLoad.tls = io.appconnector.operator.token.TokenTlsMockServerTest.trusting(issued.certificate());
        command = "tokens bench-token-tls";
      }
      long t = System.nanoTime();
      JsonNode endpoint = operator.command(command, Duration.ofSeconds(120));
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
    double bareCpuMs = TokenLoad.lastCpuMsPerSignature;
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
    // The bare rate once more after the load: on a shared machine the two differ, and the load is
    // compared with their mean (as the burst is with the baselines before and after it).
    double bareBefore = bareN;
    double bareAfter = TokenLoad.signingRate(cpus, false, warm, sign);
    bareN = (bareBefore + bareAfter) / 2;
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
    tk.put("bareSigningPerSecondBeforeAfter", List.of(bareBefore, bareAfter));
    tk.put("https", tokenUrl.startsWith("https:"));
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
    // The endpoint's CPU per token against a bare signature's own CPU (thread CPU time): what the
    // throughput ratio would be if the endpoint had the cores to itself, however loaded the machine.
    tk.put("bareSigningThreadCpuMs", bareCpuMs);
    tk.put("cpuRatioBareToServer", bareCpuMs / (1000 * serverCpu / answers));
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
      bench.target(run.get("n"), "with " + slow + " slow connections: tokens/s >= 0.7 x bare ES256 signing rate",
          rate / bareN, rate >= 0.7 * bareN,
          String.format(Locale.ROOT, "%.0f tokens/s vs %.0f signatures/s on %d threads", rate, bareN, cpus));
      bench.target(run.get("n"), "with " + slow + " slow connections: p99 < 200 ms", p99, p99 < 200,
          String.format(Locale.ROOT, "p99 %.1f ms", p99));
      bench.target(run.get("n"), "with " + slow + " slow connections: 0 failed exchanges", failed, failed == 0,
          failed + " refused or failed");
      log("slow tokens: %.0f tokens/s, p99 %.1f ms, %d failed, %d slow reconnects; bare signing %.0f/s", rate, p99,
          failed, slowReconnects, bareN);
      return;
    }
    rows.add(new Row("Tokens: tokens/s (" + r.clients() + " clients)", fmt(rate, "/s"),
        fmt(bareN, "/s") + " bare ES256 (" + fmt(bareBefore, "/s") + " before, " + fmt(bareAfter, "/s") + " after)",
        ratio(rate, bareN), ">= 0.7 x bare signing", met(rate >= 0.7 * bareN)));
    rows.add(new Row("Tokens: p50 / p99 latency", fmt((double) tk.get("p50Ms"), "ms") + " / "
        + fmt((double) tk.get("p99Ms"), "ms"), "", "", "", ""));
    rows.add(new Row("Tokens: JWT minting without HTTP (" + cpus + " threads)", "", fmt(jwtN, "/s"),
        ratio(rate, jwtN), "", ""));
    rows.add(new Row("Tokens: CPU per token, server / load-generating clients",
        fmt((double) tk.get("serverCpuMsPerToken"), "ms") + " / " + fmt((double) tk.get("clientCpuMsPerToken"), "ms"),
        fmt(1000.0 / bare1, "ms") + " per bare signature", ratio(1000.0 / bare1, (double) tk.get("serverCpuMsPerToken")),
        "", ""));
    rows.add(new Row("Tokens: server CPU per token against a bare signature's thread CPU",
        fmt((double) tk.get("serverCpuMsPerToken"), "ms"), fmt(bareCpuMs, "ms"),
        ratio(bareCpuMs, (double) tk.get("serverCpuMsPerToken")), "", ""));
    rows.add(new Row("Tokens: refused / errors", r.refused() + " / " + r.errors(), "", "", "0 / 0",
        met(r.refused() == 0 && r.errors() == 0)));
    bench.target(run.get("n"), "tokens/s >= 0.7 x bare ES256 signing rate", rate / bareN, rate >= 0.7 * bareN,
        String.format(Locale.ROOT, "%.0f tokens/s vs %.0f signatures/s on %d threads", rate, bareN, cpus));
    log("tokens: %.0f tokens/s, p99 %.1f ms; bare signing %.0f/s", rate, (double) tk.get("p99Ms"), bareN);
  }
}
