package io.appconnector.operator.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock moved by an adjustable offset: time passes as usual, and a test jumps it ahead
 * (say, to one hour before a 48-hour deadline) without waiting. A test that must see no time pass
 * while it works (a bucket that would refill) holds the clock; jumps then move the held time.
 */
public class TestClock extends Clock {
  private final AtomicReference<Duration> offset;
  private final AtomicReference<Instant> held;
  private final ZoneId zone;

  public TestClock() {
    this(new AtomicReference<>(Duration.ZERO), new AtomicReference<>(), ZoneOffset.UTC);
  }

  private TestClock(AtomicReference<Duration> offset, AtomicReference<Instant> held, ZoneId zone) {
    this.offset = offset;
    this.held = held;
    this.zone = zone;
  }

  public void jumpTo(Instant instant) {
    if (held.get() != null) {
      held.set(instant);
    } else {
      offset.set(Duration.between(Instant.now(), instant));
    }
  }

  /** Stops time at the current instant until the next {@link #resume()}. */
  public void hold() {
    held.set(instant());
  }

  /** Lets time pass again from the held instant. */
  public void resume() {
    Instant at = held.getAndSet(null);
    if (at != null) {
      offset.set(Duration.between(Instant.now(), at));
    }
  }

  @Override
  public Instant instant() {
    Instant at = held.get();
    return at != null ? at : Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** The same moved time in another zone: a jump of either clock moves both. */
  @Override
  public Clock withZone(ZoneId other) {
    return new TestClock(offset, held, other);
  }
}
