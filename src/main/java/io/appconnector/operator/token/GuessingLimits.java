package io.appconnector.operator.token;

import io.appconnector.operator.values.Sha256;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Bounds how fast secrets can be guessed: failed authentications are counted in token buckets
 * (Bucket4j) per client ID and per source address. When either bucket is empty, further requests of
 * that client ID or from that source are refused before their secret is looked at, right or wrong,
 * until the bucket refills; so guessing never runs faster than the refill rate, and a refused guess
 * teaches nothing. A success adds nothing back.
 *
 * <p>Memory is bounded without an eviction an attacker could drive: a client ID that exists has its
 * own bucket (as many as there are credentials); made-up client IDs and source addresses share a
 * fixed number of buckets, picked by a keyed hash the client cannot predict. Spraying made-up IDs
 * therefore never touches a real ID's bucket. Buckets that refilled completely are dropped.
 *
 * @see Limits for the rates
 */
public final class GuessingLimits {
  /**
   * Failures allowed per client ID and per source address in {@code window}, as a burst that then
   * refills evenly over the window.
   */
  public record Limits(int perClient, int perSource, Duration window) {
    public static final Limits DEFAULT = new Limits(10, 30, Duration.ofMinutes(1));

    public Limits {
      if (perClient < 1 || perSource < 1 || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("guessing limits must be positive");
      }
    }
  }

  /** What a request may do. {@code retryAfter} is zero when allowed. */
  public record Verdict(boolean allowed, Duration retryAfter) {
  }

  static final int SHARED_BUCKETS = 65_536;
  /** The gauge of buckets held, tagged {@code kind} (client or source). */
  public static final String BUCKETS_METRIC = "appconnector.token.guessing.buckets";

  private final Limits limits;
  private final TimeMeter time;
  private final Predicate<String> known;
  private final byte[] hashKey = new byte[32];
  private final Map<String, Bucket> clients = new ConcurrentHashMap<>();
  private final Map<String, Bucket> sources = new ConcurrentHashMap<>();

  /**
   * @param known whether a client ID exists (has its own bucket)
   * @param clock refills are counted on this clock
   * @param registry receives {@code appconnector.token.guessing.buckets}, the buckets held by kind
   *     (client, source)
   */
  public GuessingLimits(Limits limits, Predicate<String> known, Clock clock, MeterRegistry registry) {
    this.limits = limits;
    Gauge.builder(BUCKETS_METRIC, clients, Map::size).tag("kind", "client")
        .description("Guessing-limit buckets held by the token endpoint, by kind: bounded by the credentials "
            + "that exist plus the shared buckets").register(registry);
    Gauge.builder(BUCKETS_METRIC, sources, Map::size).tag("kind", "source")
        .description("Guessing-limit buckets held by the token endpoint, by kind: bounded by the credentials "
            + "that exist plus the shared buckets").register(registry);
    this.known = known;
    this.time = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return clock.millis() * 1_000_000;
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
    new SecureRandom().nextBytes(hashKey);
  }

  public Limits limits() {
    return limits;
  }

  /** Whether a request for {@code clientId} from {@code source} may be checked at all. */
  public Verdict check(String clientId, InetAddress source) {
    long waitNanos = Math.max(wait(clients, clientKey(clientId)), wait(sources, sourceKey(source)));
    return waitNanos == 0 ? new Verdict(true, Duration.ZERO)
        : new Verdict(false, Duration.ofNanos(waitNanos).plusMillis(999).withNanos(0));
  }

  /** Counts a failed authentication against the client ID and the source. */
  public void failed(String clientId, InetAddress source) {
    bucket(clients, clientKey(clientId), limits.perClient()).tryConsume(1);
    bucket(sources, sourceKey(source), limits.perSource()).tryConsume(1);
  }

  /** Drops buckets that are full again: they hold nothing a fresh bucket would not. */
  public void forgetRefilled() {
    clients.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= limits.perClient());
    sources.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= limits.perSource());
  }

  private long wait(Map<String, Bucket> buckets, String key) {
    Bucket bucket = buckets.get(key);
    if (bucket == null || bucket.getAvailableTokens() >= 1) {
      return 0;
    }
    return Math.max(1, bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
  }

  private Bucket bucket(Map<String, Bucket> buckets, String key, int capacity) {
    return buckets.computeIfAbsent(key, k -> Bucket.builder()
        .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, limits.window()))
        .withCustomTimePrecision(time).build());
  }

  private String clientKey(String clientId) {
    String id = clientId == null ? "" : clientId;
    // Both hashed and looked up whatever the answer, so a known ID costs what an unknown one costs.
    String shared = "shared:" + shared(id);
    return known.test(id) ? "id:" + id : shared;
  }

  private String sourceKey(InetAddress source) {
    return "shared:" + shared(source == null ? "" : source.getHostAddress());
  }

  /** A keyed hash into the shared buckets: made-up keys land anywhere, and nobody can aim at one. */
  private int shared(String text) {
    byte[] digest = Sha256.of(hashKey, Sha256.utf8(text));
    return ((digest[0] & 0xff) << 8 | (digest[1] & 0xff)) % SHARED_BUCKETS;
  }
}
