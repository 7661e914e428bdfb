package io.appconnector.operator.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down repeated authentication failures for one client ID: the first few failures are
 * answered at once, each further one waits twice as long as the one before, up to a ceiling. A
 * success clears the count; so does a quiet period. The map is bounded (least recently failed
 * entries go first), so made-up client IDs cannot exhaust memory.
 */
public class FailureThrottle {
  public static final int FREE_FAILURES = 2;
  public static final Duration FIRST_DELAY = Duration.ofMillis(250);
  public static final Duration MAX_DELAY = Duration.ofSeconds(4);
  public static final Duration FORGET_AFTER = Duration.ofMinutes(15);
  public static final int MAX_CLIENTS = 10_000;

  private final Clock clock;
  private final int maxClients;
  private final Map<String, Failures> failures;

  private record Failures(int count, Instant last) {
  }

  public FailureThrottle(Clock clock) {
    this(clock, MAX_CLIENTS);
  }

  FailureThrottle(Clock clock, int maxClients) {
    this.clock = clock;
    this.maxClients = maxClients;
    this.failures = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
        return size() > FailureThrottle.this.maxClients;
      }
    };
  }

  /** Counts a failure and returns how long to hold back its answer. */
  public synchronized Duration failed(String clientId) {
    Instant now = clock.instant();
    Failures before = failures.get(clientId);
    int count = before == null || now.isAfter(before.last().plus(FORGET_AFTER)) ? 1 : before.count() + 1;
    failures.put(clientId, new Failures(count, now));
    return delayFor(count);
  }

  public synchronized void succeeded(String clientId) {
    failures.remove(clientId);
  }

  public synchronized int tracked() {
    return failures.size();
  }

  /** No delay for the first FREE_FAILURES failures, then FIRST_DELAY doubling up to MAX_DELAY. */
  static Duration delayFor(int failureCount) {
    if (failureCount <= FREE_FAILURES) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failureCount - FREE_FAILURES - 1, 16);
    Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }
}
