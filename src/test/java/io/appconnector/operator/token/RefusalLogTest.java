package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
  final List<String> lines = new ArrayList<>();
  final RefusalLog log = new RefusalLog(lines::add);

  @Test
  void aFloodOfRefusalsIsOneLinePerInterval() {
    for (int i = 0; i < 10_000; i++) {
      log.refused("client-a", "unknown_client_or_wrong_secret");
    }
    log.refused("client-b", "suspended");
    assertTrue(lines.isEmpty(), "nothing written per request");
    log.flush();
    assertEquals(List.of("refused 10001 token requests since the last report: "
        + "client-a unknown_client_or_wrong_secret x10000, client-b suspended x1"), lines);
    log.flush();
    assertEquals(1, lines.size(), "a quiet interval writes nothing");
  }

  @Test
  void manyClientIdsAreCountedWithinABoundAndOddOnesAreNotEchoed() {
    for (int i = 0; i < 5_000; i++) {
      log.refused("sprayed-" + i, "unknown_client_or_wrong_secret");
    }
    log.refused("x".repeat(12_000), "unknown_client_or_wrong_secret");
    log.refused("evil\nFAKE LOG LINE", "unknown_client_or_wrong_secret");
    log.flush();
    assertEquals(1, lines.size());
    String line = lines.get(0);
    assertTrue(line.startsWith("refused 5002 token requests"), line);
    assertTrue(line.endsWith(", others x4802"), line);
    assertTrue(line.length() < 20_000, "bounded: " + line.length());
    assertEquals("(unreadable client ID)", RefusalLog.shown("evil\nFAKE LOG LINE"));
    assertEquals("(unreadable client ID)", RefusalLog.shown("x".repeat(65)));
  }
}
