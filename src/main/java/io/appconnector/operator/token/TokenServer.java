package io.appconnector.operator.token;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth 2.0 authorization server in the operator process. Every replica runs one, leader or
 * not: it reads from its own caches and writes only first uses and signing keys, both with
 * optimistic locking.
 */
public final class TokenServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TokenServer.class);
  static final int THREADS = 8;
  static final int QUEUE = 256;
  private static final long ROTATION_CHECK_SECONDS = 60;

  static {
    // Bound how long one request may take to arrive, so slow senders cannot hold the threads.
    setIfAbsent("sun.net.httpserver.maxReqTime", "30");
    setIfAbsent("sun.net.httpserver.maxRspTime", "30");
    // Without it each small answer waits for the client's delayed ACK (Nagle), about 40 ms.
    setIfAbsent("sun.net.httpserver.nodelay", "true");
  }

  private final TokenSettings settings;
  private final HttpServer http;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService scheduler;
  private final ClientDirectory directory;
  private final SigningKeyStore keys;
  private final IntrospectionCallers callers;
  private final TokenEndpoint tokenEndpoint;
  private final HttpReplies replies;

  private TokenServer(KubernetesClient client, TokenSettings requested, Clock clock, Consumer<String> outcomes)
      throws IOException {
    // An embedded server (no issuer configured) listens on loopback only.
    http = HttpServer.create(requested.issuer() == null
        ? new InetSocketAddress(InetAddress.getLoopbackAddress(), requested.port())
        : new InetSocketAddress(requested.port()), 0);
    settings = requested.issuer() != null ? requested
        : requested.withIssuer("http://127.0.0.1:" + http.getAddress().getPort());
    workers = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
        threads("token-http"));
    scheduler = Executors.newSingleThreadScheduledExecutor(threads("token-scheduler"));
    directory = new ClientDirectory(client, settings.watchNamespaces());
    keys = new SigningKeyStore(client, settings, clock);
    callers = new IntrospectionCallers(client, settings);
    replies = new HttpReplies(scheduler);
    FailureThrottle throttle = new FailureThrottle(clock);
    AccessTokens tokens = new AccessTokens(settings.issuer(), settings.audience());
    tokenEndpoint = new TokenEndpoint(client, directory, keys::current, tokens, throttle, replies, clock,
        settings.defaultTokenLifetime(), outcomes);
    http.createContext(TokenSettings.TOKEN_PATH, tokenEndpoint);
    http.createContext(IntrospectionEndpoint.PATH,
        new IntrospectionEndpoint(directory, callers, keys::current, tokens, throttle, replies, clock));
    http.createContext("/", new WellKnownEndpoints(settings, keys::current, replies));
    http.setExecutor(workers);
  }

  /**
   * Fills the caches, loads or creates the signing keys, and starts serving.
   *
   * @param clock decides token times, credential expiry and key rotation
   */
  public static TokenServer start(KubernetesClient client, TokenSettings settings, Clock clock) {
    return start(client, settings, clock, outcome -> {
    });
  }

  /** As above, telling {@code outcomes} the result of every exchange ("issued" or the RFC 6749 error code). */
  public static TokenServer start(KubernetesClient client, TokenSettings settings, Clock clock,
      Consumer<String> outcomes) {
    TokenServer server;
    try {
      server = new TokenServer(client, settings, clock, outcomes);
    } catch (IOException e) {
      throw new UncheckedIOException("the token endpoint cannot listen on port " + settings.port(), e);
    }
    try {
      server.directory.start();
      server.keys.start();
      server.scheduler.scheduleWithFixedDelay(server::checkRotation, ROTATION_CHECK_SECONDS, ROTATION_CHECK_SECONDS,
          TimeUnit.SECONDS);
      server.http.start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    log.info("token endpoint listening on port {} as issuer {}", server.port(), server.settings.issuer());
    return server;
  }

  private void checkRotation() {
    try {
      keys.rotateIfDue();
    } catch (RuntimeException e) {
      log.warn("signing-key rotation check failed, retried in {}s: {}", ROTATION_CHECK_SECONDS, e.getMessage());
    }
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public TokenSettings settings() {
    return settings;
  }

  public SigningKeyStore keys() {
    return keys;
  }

  /** How many first uses this replica recorded. */
  public long firstUsesRecorded() {
    return tokenEndpoint.firstUsesRecorded();
  }

  /** How many failure answers are being held back right now. */
  public int heldBack() {
    return replies.held();
  }

  @Override
  public void close() {
    http.stop(0);
    scheduler.shutdownNow();
    workers.shutdownNow();
    directory.close();
    keys.close();
    callers.close();
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
