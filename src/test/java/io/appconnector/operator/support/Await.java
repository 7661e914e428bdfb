package io.appconnector.operator.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; the failure says what was awaited and what was last seen. */
public final class Await {
  public static final Duration DEFAULT = Duration.ofSeconds(30);

  private Await() {
  }

  public static <T> T until(String what, Supplier<T> probe, java.util.function.Predicate<T> done) {
    return until(what, probe, done, DEFAULT);
  }

  public static <T> T until(String what, Supplier<T> probe, java.util.function.Predicate<T> done, Duration timeout) {
    return until(what, probe, done, timeout, Duration.ofMillis(50));
  }

  /** As above, probing at most once every {@code interval} (for probes that cost the system under test something). */
  public static <T> T until(String what, Supplier<T> probe, java.util.function.Predicate<T> done, Duration timeout,
      Duration interval) {
    Instant deadline = Instant.now().plus(timeout);
    T last = null;
    RuntimeException lastError = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        last = probe.get();
        lastError = null;
        if (done.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for " + what
        + "; last seen: " + last, lastError);
  }
}
