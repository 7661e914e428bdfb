package io.appconnector.operator.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.appconnector.operator.token.AccessTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** Token exchanges under concurrent load, and the bare ES256 signing rate of this machine. */
final class TokenLoad {
  record Credential(String clientId, String clientSecret) {
    @Override
    public String toString() {
      return "Credential[" + clientId + ", <redacted>]";
    }
  }

  record Result(int clients, double seconds, long tokens, long refused, long errors, long warmUpAnswers,
      long[] latenciesNanos) {
  }

  private TokenLoad() {
  }

  /** Trusts the endpoint's certificate when it serves HTTPS ({@code bench.tokens.tls}); null for plain HTTP. */
  static volatile javax.net.ssl.SSLContext tls;

  /**
   * ES256 signatures per second on this machine, with {@code threads} threads for {@code duration}
   * after a warm-up. {@code jwt} false: the JDK's SHA256withECDSA over a token-sized signing input,
   * nothing else (the bare rate). {@code jwt} true: a whole access token as the endpoint mints it
   * (claims, Nimbus ECDSASigner on the JDK provider, serialization), without HTTP.
   */
  /**
   * The signing threads' own CPU per signature in the last {@link #signingRate} call (thread CPU
   * time): unlike the rate, it does not fall when other processes take the cores.
   */
  static volatile double lastCpuMsPerSignature = Double.NaN;

  static double signingRate(int threads, boolean jwt, Duration warmUp, Duration duration) throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(AccessTokens.TYPE).keyID(key.getKeyID()).build();
    java.security.PrivateKey privateKey = key.toECPrivateKey();
    AtomicLong signed = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    long warmEnd = System.nanoTime() + warmUp.toNanos();
    long end = warmEnd + duration.toNanos();
    CountDownLatch done = new CountDownLatch(threads);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          ECDSASigner signer = new ECDSASigner(key);
          java.security.Signature ecdsa = java.security.Signature.getInstance("SHA256withECDSA");
          byte[] input = new SignedJWT(header, claims()).getSigningInput();
          long mine = 0;
          long cpuAtWarmEnd = -1;
          java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
          while (true) {
            long now = System.nanoTime();
            if (now >= end) {
              break;
            }
            if (now >= warmEnd && cpuAtWarmEnd < 0) {
              cpuAtWarmEnd = cpu.getCurrentThreadCpuTime();
            }
            if (jwt) {
              SignedJWT token = new SignedJWT(header, claims());
              token.sign(signer);
              token.serialize();
            } else {
              ecdsa.initSign(privateKey);
              ecdsa.update(input);
              ecdsa.sign();
            }
            if (now >= warmEnd) {
              mine++;
            }
          }
          signed.addAndGet(mine);
          if (cpuAtWarmEnd >= 0) {
            cpuNanos.addAndGet(cpu.getCurrentThreadCpuTime() - cpuAtWarmEnd);
          }
        } catch (JOSEException | java.security.GeneralSecurityException e) {
          throw new IllegalStateException(e);
        } finally {
          done.countDown();
        }
      }, "bench-sign-" + i);
      t.setDaemon(true);
      t.start();
    }
    done.await();
    lastCpuMsPerSignature = signed.get() == 0 ? Double.NaN : cpuNanos.get() / 1e6 / signed.get();
    return signed.get() / (duration.toNanos() / 1e9);
  }

  /** Claims like those of an access token. */
  private static JWTClaimsSet claims() {
    return new JWTClaimsSet.Builder().issuer("http://127.0.0.1:8080")
        .audience("appconnector-platform-api").subject("ac-0123456789abcdef01234567")
        .claim("client_id", "ac-0123456789abcdef01234567").claim("tenant", "bench-t000")
        .claim("listing", "bench-app-00").claim("scope", "invoices.read")
        .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 3_600_000))
        .jwtID(UUID.randomUUID().toString()).build();
  }

  /** Each credential exchanged once (its first use is recorded then), so the measured load is steady state. */
  static int firstUses(String tokenUrl, List<Credential> credentials) {
    HttpClient http = client();
    int ok = 0;
    for (Credential c : credentials) {
      if (exchange(http, tokenUrl, c) == 200) {
        ok++;
      }
    }
    return ok;
  }

  /**
   * {@code clients} threads, each with one kept-alive HTTP/1.1 connection, exchanging as fast as
   * answers come. The requests are written and the answers read on plain blocking sockets: the load
   * generator shares the machine's cores with the endpoint, so it should cost as little CPU as a
   * client can (java.net.http's client costs more per request than the endpoint's own HTTP work).
   */
  static Result run(String tokenUrl, List<Credential> credentials, int clients, Duration warmUp, Duration duration)
      throws InterruptedException {
    URI uri = URI.create(tokenUrl);
    List<byte[]> requests = credentials.stream().map(c -> request(uri, c)).toList();
    long warmEnd = System.nanoTime() + warmUp.toNanos();
    long end = warmEnd + duration.toNanos();
    AtomicLong tokens = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong warmUpAnswers = new AtomicLong();
    List<long[]> latencies = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      int index = i;
      Thread t = new Thread(() -> {
        long[] mine = new long[1 << 16];
        int n = 0;
        int k = index;
        Connection connection = null;
        try {
          while (true) {
            long start = System.nanoTime();
            if (start >= end) {
              break;
            }
            int status;
            try {
              if (connection == null) {
                connection = new Connection(uri);
              }
              status = connection.exchange(requests.get(k % requests.size()));
              if (connection.closed()) {
                connection.close();
                connection = null;
              }
            } catch (java.io.IOException e) {
              status = -1;
              if (connection != null) {
                connection.close();
              }
              connection = null;
            }
            long took = System.nanoTime() - start;
            k += clients;
            if (start < warmEnd) {
              warmUpAnswers.incrementAndGet();
              continue;
            }
            if (status == 200) {
              tokens.incrementAndGet();
            } else if (status == 401 || status == 400) {
              refused.incrementAndGet();
            } else {
              errors.incrementAndGet();
            }
            if (n == mine.length) {
              mine = java.util.Arrays.copyOf(mine, n * 2);
            }
            mine[n++] = took;
          }
        } finally {
          if (connection != null) {
            connection.close();
          }
          latencies.add(java.util.Arrays.copyOf(mine, n));
          done.countDown();
        }
      }, "bench-token-client-" + i);
      t.setDaemon(true);
      t.start();
    }
    done.await();
    long[] all = latencies.stream().flatMapToLong(java.util.Arrays::stream).toArray();
    return new Result(clients, duration.toNanos() / 1e9, tokens.get(), refused.get(), errors.get(),
        warmUpAnswers.get(), all);
  }

  /** A token request with HTTP Basic client authentication, as bytes on the wire. */
  private static byte[] request(URI uri, Credential c) {
    String pair = URLEncoder.encode(c.clientId(), StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(c.clientSecret(), StandardCharsets.UTF_8);
    String body = "grant_type=client_credentials";
    String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\n"
        + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\n"
        + "Authorization: Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)) + "\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n";
    return (head + body).getBytes(StandardCharsets.US_ASCII);
  }

  /** One kept-alive HTTP/1.1 connection: writes a request, reads the status, headers and body of the answer. */
  private static final class Connection implements AutoCloseable {
    private final java.net.Socket socket;
    private final java.io.InputStream in;
    private final java.io.OutputStream out;
    private boolean closed;

    Connection(URI uri) throws java.io.IOException {
      socket = "https".equals(uri.getScheme()) ? tls.getSocketFactory().createSocket() : new java.net.Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
      socket.setSoTimeout(10_000);
      in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
      out = socket.getOutputStream();
    }

    int exchange(byte[] request) throws java.io.IOException {
      out.write(request);
      out.flush();
      String statusLine = line();
      int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
      int length = 0;
      for (String header = line(); !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).trim();
        String value = header.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Integer.parseInt(value);
        } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
          closed = true;
        }
      }
      if (in.readNBytes(length).length != length) {
        throw new java.io.EOFException("the answer ended early");
      }
      return status;
    }

    boolean closed() {
      return closed;
    }

    private String line() throws java.io.IOException {
      StringBuilder line = new StringBuilder(64);
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new java.io.EOFException("the connection closed");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (java.io.IOException e) {
        // Closing only.
      }
    }
  }

  static HttpClient client() {
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5));
    return (tls == null ? builder : builder.sslContext(tls)).build();
  }

  /** One exchange with HTTP Basic client authentication; the HTTP status, or -1 when none came. */
  static int exchange(HttpClient http, String tokenUrl, Credential c) {
    String pair = URLEncoder.encode(c.clientId(), StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(c.clientSecret(), StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
