package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.support.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How repeated failures for one client ID are slowed down, on an injected clock. */
class FailureThrottleTest {
  final TestClock clock = new TestClock();

  @Test
  void theFirstFailuresAreFreeThenEachWaitsTwiceAsLongUpToTheCeiling() {
    FailureThrottle throttle = new FailureThrottle(clock);
    assertEquals(Duration.ZERO, throttle.failed("ac-1"));
    assertEquals(Duration.ZERO, throttle.failed("ac-1"));
    assertEquals(Duration.ofMillis(250), throttle.failed("ac-1"));
    assertEquals(Duration.ofMillis(500), throttle.failed("ac-1"));
    assertEquals(Duration.ofSeconds(1), throttle.failed("ac-1"));
    assertEquals(Duration.ofSeconds(2), throttle.failed("ac-1"));
    assertEquals(Duration.ofSeconds(4), throttle.failed("ac-1"));
    for (int i = 0; i < 100; i++) {
      throttle.failed("ac-1");
    }
    assertEquals(FailureThrottle.MAX_DELAY, throttle.failed("ac-1"));
    assertEquals(Duration.ZERO, throttle.failed("ac-2"), "counted per client ID");
  }

  @Test
  void aSuccessOrAQuietPeriodClearsTheCount() {
    FailureThrottle throttle = new FailureThrottle(clock);
    for (int i = 0; i < 5; i++) {
      throttle.failed("ac-1");
      throttle.failed("ac-2");
    }
    throttle.succeeded("ac-1");
    assertEquals(Duration.ZERO, throttle.failed("ac-1"));
    clock.jumpTo(clock.instant().plus(FailureThrottle.FORGET_AFTER).plusSeconds(1));
    assertEquals(Duration.ZERO, throttle.failed("ac-2"));
  }

  @Test
  void madeUpClientIdsCannotGrowTheMapBeyondItsBound() {
    FailureThrottle throttle = new FailureThrottle(clock, 100);
    for (int i = 0; i < 5; i++) {
      throttle.failed("ac-target");
    }
    for (int i = 0; i < 50; i++) {
      throttle.failed("ac-made-up-" + i);
    }
    assertEquals(Duration.ofSeconds(2), throttle.failed("ac-target"), "its sixth failure: recently failing clients are kept");
    for (int i = 50; i < 10_000; i++) {
      throttle.failed("ac-made-up-" + i);
    }
    assertEquals(100, throttle.tracked());
  }
}
