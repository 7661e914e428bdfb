package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.http.ServerLimits;
import io.appconnector.operator.observability.HealthServer;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.SlowClients;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slow and greedy clients against the token endpoint and the probe listener: 200 connections that
 * never finish a request do not delay token exchanges or probes, a request must arrive within the
 * header deadline, and a source over its bound is answered 503 with Retry-After.
 */
class SlowClientsMockServerTest extends TokenMockServerScenarios {
  static final int SLOW = 200;
  static final String PARTIAL_TOKEN_REQUEST = "POST /oauth2/token HTTP/1.1\r\nHost: tokens\r\nX-Slow: ";

  Vendor.Mounted credentials(String name) {
    AppListing l = listing(vendorListing(name, vendorNs, "invoices.read"));
    Vendor.Mounted mounted = mounted(create(activation(tenant, name, l.getMetadata().getName(), "invoices.read")));
    awaitPhase(tenant, name, Phase.Active);
    return servedWithFullAllowance(mounted);
  }

  @Test
  void twoHundredSlowConnectionsDoNotDelayTokenExchanges() throws IOException {
    Vendor.Mounted c = credentials("ledger");
    long[] millis = new long[200];
    try (SlowClients slow = SlowClients.open(server.port(), PARTIAL_TOKEN_REQUEST, SLOW, 4, 500)) {
      Await.until("all slow connections held", server::connections, n -> n >= SLOW, Duration.ofSeconds(20));
      for (int i = 0; i < millis.length; i++) {
        long start = System.nanoTime();
        Vendor.Reply reply = vendor.basic(c, null);
        millis[i] = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, reply.status(), "exchange " + i + ": " + reply);
      }
      System.out.printf("RELIABILITY slow-token-port: slow=%d exchanges=%d failed=0 p50=%dms p99=%dms max=%dms "
          + "slowReconnects=%d%n", SLOW, millis.length, percentile(millis, 50), percentile(millis, 99),
          percentile(millis, 100), slow.reconnects());
    }
  }

  @Test
  void twoHundredSlowConnectionsOnTheProbePortDoNotDelayProbes() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    long[] millis = new long[150];
    List<String> paths = List.of("/healthz", "/readyz", "/metrics");
    try (HealthServer health = new HealthServer(0, registry, operator::getRuntimeInfo)) {
      for (String path : paths) {
        probe(health.port(), path); // the JVM's first request of each kind loads classes: not what is measured
      }
      try (SlowClients slow = SlowClients.open(health.port(), "GET /healthz HTTP/1.1\r\nHost: probe\r\nX-Slow: ",
          SLOW, 4, 500)) {
        Await.until("slow connections held", health::connections, n -> n >= 64, Duration.ofSeconds(20));
        for (int i = 0; i < millis.length; i++) {
          long start = System.nanoTime();
          int status = probe(health.port(), paths.get(i % 3));
          millis[i] = (System.nanoTime() - start) / 1_000_000;
          assertEquals(200, status, paths.get(i % 3));
          assertTrue(millis[i] < 1000, "probe " + i + " answered within 1 s, not " + millis[i] + " ms");
        }
        System.out.printf("RELIABILITY slow-probe-port: slow=%d probes=%d failed=0 p50=%dms p99=%dms max=%dms "
            + "slowReconnects=%d%n", SLOW, millis.length, percentile(millis, 50), percentile(millis, 99),
            percentile(millis, 100), slow.reconnects());
      }
    }
  }

  /** A probe as the kubelet sends it: a new connection, one GET, a 1 s timeout; the status code. */
  static int probe(int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      socket.setSoTimeout(1000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = readAll(socket.getInputStream());
      return Integer.parseInt(answer.substring(9, 12));
    }
  }

  @Test
  void aRequestThatDoesNotArriveInTimeIsCutOff() throws IOException {
    ServerLimits limits = ServerLimits.TOKEN_DEFAULTS.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
    TokenServer strict = startReplica(TokenSettings.embedded(operatorNs).withLimits(limits));
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), strict.port())) {
      socket.getOutputStream().write(PARTIAL_TOKEN_REQUEST.getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      socket.setSoTimeout(10_000);
      // Blocks until the server ends the connection (or 10 s pass and the read times out: a failure).
      int read = socket.getInputStream().read();
      long took = (System.nanoTime() - start) / 1_000_000;
      assertEquals(-1, read, "closed without an answer");
      assertTrue(took >= 900 && took < 5_000, "cut off after the 1 s header deadline, not " + took + " ms");
    }
  }

  @Test
  void aSourceOverItsConnectionBoundIsAnswered503WithRetryAfterWhileOthersAreServed() throws IOException {
    Vendor.Mounted c = credentials("stock");
    ServerLimits limits = ServerLimits.TOKEN_DEFAULTS.withConnections(4096, 4);
    TokenServer bounded = startReplica(TokenSettings.embedded(operatorNs).withLimits(limits));
    InetAddress greedy = InetAddress.getByAddress(new byte[] {127, 0, 0, 9});
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        held.add(connect(greedy, bounded.port()));
      }
      Await.until("the greedy source's connections held", bounded::connections, n -> n >= 4);
      try (Socket fifth = connect(greedy, bounded.port())) {
        fifth.getOutputStream().write("GET /.well-known/jwks.json HTTP/1.1\r\nHost: t\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String answer = readAll(fifth.getInputStream());
        assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
        assertTrue(answer.toLowerCase().contains("retry-after: 1"), answer);
        assertTrue(answer.contains("temporarily_unavailable"), answer);
      }
      Vendor.Mounted viaBounded = new Vendor.Mounted(c.clientId(), c.clientSecret(),
          "http://127.0.0.1:" + bounded.port() + TokenSettings.TOKEN_PATH, c.scopes());
      assertEquals(200, vendor.basic(viaBounded, null).status(), "another source is served meanwhile");
      assertTrue(bounded.refusedAtBounds() >= 1);
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  private static Socket connect(InetAddress from, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  static long percentile(long[] values, int percent) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
