package io.appconnector.operator.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock moved by an adjustable offset: time passes as usual, and a test jumps it ahead
 * (say, to one hour before a 48-hour deadline) without waiting.
 */
public class TestClock extends Clock {
  private final AtomicReference<Duration> offset;
  private final ZoneId zone;

  public TestClock() {
    this(new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
  }

  private TestClock(AtomicReference<Duration> offset, ZoneId zone) {
    this.offset = offset;
    this.zone = zone;
  }

  public void jumpTo(Instant instant) {
    offset.set(Duration.between(Instant.now(), instant));
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** The same moved time in another zone: a jump of either clock moves both. */
  @Override
  public Clock withZone(ZoneId other) {
    return new TestClock(offset, other);
  }
}
