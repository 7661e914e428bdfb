package io.appconnector.operator.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  @ParameterizedTest(name = "''{0}'' is {1} ms")
  @CsvSource({"48h, 172800000", "1h30m, 5400000", "45s, 45000", "1.5s, 1500", "250ms, 250", "0, 0"})
  void goDurationsParseAsKubernetesWritesThem(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), GoDuration.parse(text));
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"2 days", "48", "h", " ", "1h 30m"})
  void whatIsNotAGoDurationIsRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
  }

  @ParameterizedTest(name = "{0} ms is written ''{1}''")
  @CsvSource({"172800000, 48h", "5400000, 1h30m", "45000, 45s", "1500, 1.5s", "0, 0s"})
  void durationsAreWrittenAsGoWritesThem(long millis, String text) {
    assertEquals(text, GoDuration.format(Duration.ofMillis(millis)));
  }
}
