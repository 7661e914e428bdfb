package io.appconnector.operator.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalTest {

  @Test
  void aShortLineIsLeftAlone() {
    assertEquals("\u2713 tenant-acme/ledgerly  Active", Terminal.wrap("\u2713 tenant-acme/ledgerly  Active"));
  }

  @Test
  void aLongLineBreaksAtSpacesWithinTheWidthAndIndentsItsContinuations() {
    String message = "    " + "Active: credentials delivered to Secret vendor-ledgerly/appconnector-tenant-acme-ledgerly; "
        + "they expire at 2026-12-02T15:04:06.305Z unless the vendor exchanges them for a token before then.";
    List<String> lines = Terminal.wrap(message).lines().toList();
    assertTrue(lines.size() == 2, lines.toString());
    lines.forEach(l -> assertTrue(l.length() <= Terminal.WIDTH, l));
    assertTrue(lines.get(1).startsWith("        they") || lines.get(1).startsWith("        "), lines.get(1));
    assertEquals(message.replace(" ", ""), String.join("", lines).replace(" ", ""), "nothing is lost");
  }

  @Test
  void aWordLongerThanTheWidthIsCut() {
    String word = "x".repeat(300);
    List<String> lines = Terminal.wrap(word).lines().toList();
    lines.forEach(l -> assertTrue(l.length() <= Terminal.WIDTH, l));
    assertEquals(word, String.join("", lines).replace(" ", ""));
  }
}
