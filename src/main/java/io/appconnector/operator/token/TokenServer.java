package io.appconnector.operator.token;

import io.appconnector.operator.http.GuardedHttpServer;
import io.appconnector.operator.http.HttpAnswer;
import io.appconnector.operator.http.HttpCall;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
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
  /** Worker threads that run exchanges (cache reads, first-use writes, signing). */
  static final int THREADS = 8;
  /** Event loops that read and write every connection. */
  static final int EVENT_LOOPS = 2;
  private static final long ROTATION_CHECK_SECONDS = 60;
  /** How often refusals are reported (one line) and refilled guessing buckets dropped. */
  static final long REFUSAL_REPORT_SECONDS = 60;

  private final TokenSettings settings;
  private final GuardedHttpServer http;
  private final ScheduledExecutorService scheduler;
  private final ClientDirectory directory;
  private final SigningKeyStore keys;
  private final IntrospectionCallers callers;
  private final TokenEndpoint tokenEndpoint;
  private final IntrospectionEndpoint introspection;
  private final WellKnownEndpoints wellKnown;
  private final GuessingLimits guessing;
  private final RefusalLog refusals;
  private final ServingCertificate certificate;
  private final UsageLedger usage;
  private volatile boolean serving;

  private TokenServer(KubernetesClient client, TokenSettings requested, Clock clock, MeterRegistry registry,
      Consumer<String> outcomes, Duration usageInterval, Consumer<String> exchangesPerListing) {
    certificate = requested.tlsSecret() == null ? null
        : new ServingCertificate(client, requested.operatorNamespace(), requested.tlsSecret());
    // An embedded server (no issuer configured) listens on loopback only.
    http = GuardedHttpServer.start(new GuardedHttpServer.Listener("token", requested.issuer() == null ? "127.0.0.1"
        : "0.0.0.0", requested.port(), EVENT_LOOPS, THREADS, requested.limits(), requested.proxies(),
        requested.proxyProtocol(), certificate == null ? null : certificate.load()), this::route,
        HttpReplies::overloaded);
    settings = requested.issuer() != null ? requested
        : requested.withIssuer((certificate == null ? "http" : "https") + "://127.0.0.1:" + http.port());
    scheduler = Executors.newSingleThreadScheduledExecutor(threads("token-scheduler"));
    directory = new ClientDirectory(client, settings.watchNamespaces());
    keys = new SigningKeyStore(client, settings, clock);
    callers = new IntrospectionCallers(client, settings);
    guessing = new GuessingLimits(settings.guessing(), id -> directory.byClientId(id) != null, clock, registry);
    refusals = new RefusalLog(log::info);
    AccessTokens tokens = new AccessTokens(settings.issuer(), settings.audience());
    usage = new UsageLedger(client, usageInterval, exchangesPerListing);
    ClientAuthenticators authenticators = ClientAuthenticators.standard(client, settings);
    tokenEndpoint = new TokenEndpoint(client, directory, keys::current, tokens, guessing, refusals, clock,
        settings.defaultTokenLifetime(), outcomes, authenticators, usage, registry);
    introspection = new IntrospectionEndpoint(directory, callers, keys::current, tokens, guessing, clock);
    wellKnown = new WellKnownEndpoints(settings, keys::current, authenticators.metadataNames());
  }

  /** Until the caches are filled and the keys loaded, every request is answered 503. */
  private HttpAnswer route(HttpCall call) {
    if (!serving) {
      return HttpReplies.error(OAuthError.temporarilyUnavailable()).withHeader("Retry-After", "1");
    }
    if (call.path().startsWith(TokenSettings.TOKEN_PATH)) {
      return tokenEndpoint.handle(call);
    }
    if (call.path().startsWith(IntrospectionEndpoint.PATH)) {
      return introspection.handle(call);
    }
    return wellKnown.handle(call);
  }

  /**
   * Fills the caches, loads or creates the signing keys, and starts serving, its metrics in a registry
   * of its own.
   *
   * @param clock decides token times, credential expiry and key rotation
   */
  public static TokenServer start(KubernetesClient client, TokenSettings settings, Clock clock) {
    return start(client, settings, clock, new SimpleMeterRegistry(), outcome -> {
    }, UsageLedger.DEFAULT_INTERVAL, listing -> {
    });
  }

  /**
   * As above, registering its own metrics in {@code registry} (first uses recorded, guessing-limit
   * buckets held), telling {@code outcomes} the result of every exchange ("issued" or the RFC 6749
   * error code) and {@code exchangesPerListing} the listing of every exchange, and adding each
   * credential's use to its status every {@code usageInterval}.
   */
  public static TokenServer start(KubernetesClient client, TokenSettings settings, Clock clock,
      MeterRegistry registry, Consumer<String> outcomes, Duration usageInterval, Consumer<String> exchangesPerListing) {
    TokenServer server = new TokenServer(client, settings, clock, registry, outcomes, usageInterval,
        exchangesPerListing);
    try {
      server.directory.start();
      server.keys.start();
      if (server.certificate != null) {
        server.certificate.watch(server.http::updateTls);
      }
      server.scheduler.scheduleWithFixedDelay(server::report, REFUSAL_REPORT_SECONDS, REFUSAL_REPORT_SECONDS,
          TimeUnit.SECONDS);
      server.scheduler.scheduleWithFixedDelay(server::checkRotation, ROTATION_CHECK_SECONDS, ROTATION_CHECK_SECONDS,
          TimeUnit.SECONDS);
      server.scheduler.scheduleWithFixedDelay(server.usage::flush, usageInterval.toMillis(),
          usageInterval.toMillis(), TimeUnit.MILLISECONDS);
      server.serving = true;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    log.info("token endpoint listening on port {} as issuer {}", server.port(), server.settings.issuer());
    return server;
  }

  private void report() {
    refusals.flush();
    guessing.forgetRefilled();
  }

  /** Refusals counted since the last report, written now as one line (the scheduler does it every minute). */
  public void reportRefusals() {
    refusals.flush();
  }

  private void checkRotation() {
    try {
      keys.rotateIfDue();
    } catch (RuntimeException e) {
      log.warn("signing-key rotation check failed, retried in {}s: {}", ROTATION_CHECK_SECONDS, e.getMessage());
    }
  }

  public int port() {
    return http.port();
  }

  public TokenSettings settings() {
    return settings;
  }

  public SigningKeyStore keys() {
    return keys;
  }

  /** How many connections the endpoint holds open now. */
  public int connections() {
    return http.connections();
  }

  /** How many requests or connections were answered 503 because a bound was reached. */
  public int refusedAtBounds() {
    return http.refused();
  }

  /** The use counts this replica keeps until they are written. */
  public UsageLedger usage() {
    return usage;
  }

  @Override
  public void close() {
    http.close();
    scheduler.shutdownNow();
    try {
      usage.flush();
    } catch (RuntimeException e) {
      log.warn("the last use counts could not be written: {}", e.getMessage());
    }
    refusals.flush();
    if (certificate != null) {
      certificate.close();
    }
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
}
