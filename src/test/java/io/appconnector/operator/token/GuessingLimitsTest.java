package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class GuessingLimitsTest {
  static final GuessingLimits.Limits LIMITS = new GuessingLimits.Limits(10, 30, Duration.ofMinutes(1));
  final SteppedClock clock = new SteppedClock();
  final Set<String> known = Set.of("known-a", "known-b");
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final GuessingLimits limits = new GuessingLimits(LIMITS, known::contains, clock, registry);
  final InetAddress attacker = address(10, 0, 0, 1);

  /** Guesses as fast as allowed for {@code duration}, in steps of a second; returns how many were checked. */
  int guessFor(String clientId, Duration duration, java.util.function.IntFunction<InetAddress> source) {
    int checked = 0;
    for (long second = 0; second < duration.toSeconds(); second++) {
      for (int i = 0; i < 1000; i++) {
        InetAddress from = source.apply(checked);
        if (!limits.check(clientId, from).allowed()) {
          break;
        }
        limits.failed(clientId, from);
        checked++;
      }
      clock.advance(Duration.ofSeconds(1));
    }
    return checked;
  }

  @Test
  void guessingOneClientIdIsBoundedToTheBurstAndTheRefillRateFromAnyNumberOfSources() {
    // From a new source every time, so only the client ID's bound holds.
    int checked = guessFor("known-a", Duration.ofHours(1), n -> address(10, 1, n / 256 % 256, n % 256));
    // 10 at once, then 10 a minute: at most 10 + 600 in an hour.
    assertTrue(checked <= 10 + 600, "checked " + checked);
    assertTrue(checked >= 600, "the refill is granted, not more: " + checked);
  }

  @Test
  void oneSourceIsBoundedAcrossClientIds() {
    int checked = 0;
    for (int i = 0; i < 1000; i++) {
      String id = "made-up-" + i;
      if (limits.check(id, attacker).allowed()) {
        limits.failed(id, attacker);
        checked++;
      }
    }
    assertEquals(30, checked, "the source's burst, whatever IDs it names");
    GuessingLimits.Verdict refused = limits.check("known-b", attacker);
    assertFalse(refused.allowed());
    assertEquals(Duration.ofSeconds(2), refused.retryAfter(), "one failure refills every 2 s");
    assertTrue(limits.check("known-b", address(10, 0, 0, 2)).allowed(), "other sources are not held back");
  }

  @Test
  void sprayingMadeUpClientIdsNeverResetsAKnownIdsCount() {
    for (int i = 0; i < 10; i++) {
      limits.failed("known-a", address(10, 2, 0, i));
    }
    assertFalse(limits.check("known-a", address(10, 3, 0, 1)).allowed());
    for (int i = 0; i < 200_000; i++) {
      limits.failed("sprayed-" + i, address(10, 4, i / 256 % 256, i % 256));
    }
    assertFalse(limits.check("known-a", address(10, 3, 0, 1)).allowed(), "still bounded after the spray");
    assertTrue(buckets("client") <= known.size() + GuessingLimits.SHARED_BUCKETS, "memory stays bounded: "
        + buckets("client") + " client buckets");
    assertTrue(buckets("source") <= GuessingLimits.SHARED_BUCKETS, "memory stays bounded: "
        + buckets("source") + " source buckets");
  }

  @Test
  void theRightSecretDoesNotRefillTheBucketAndRefilledBucketsAreForgotten() {
    for (int i = 0; i < 10; i++) {
      limits.failed("known-a", address(10, 2, 0, i));
    }
    // The check comes before the secret: nothing a client sends makes a refused ID checkable again.
    assertFalse(limits.check("known-a", address(10, 9, 9, 9)).allowed());
    clock.advance(Duration.ofSeconds(6));
    assertTrue(limits.check("known-a", address(10, 9, 9, 9)).allowed(), "one refilled after 6 s");
    clock.advance(Duration.ofMinutes(2));
    assertEquals(1, buckets("client"), "known-a's own bucket");
    assertTrue(buckets("source") >= 1, "the sources' shared buckets");
    limits.forgetRefilled();
    assertEquals(0, buckets("client"));
    assertEquals(0, buckets("source"));
  }

  /** The buckets held of one kind, as the registry exports them. */
  double buckets(String kind) {
    return registry.get(GuessingLimits.BUCKETS_METRIC).tag("kind", kind).gauge().value();
  }

  static InetAddress address(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static final class SteppedClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

    void advance(Duration by) {
      now.updateAndGet(i -> i.plus(by));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
