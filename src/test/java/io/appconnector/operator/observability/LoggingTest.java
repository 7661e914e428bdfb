package io.appconnector.operator.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.config.LogSettings;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * LOG_FORMAT and LOG_LEVEL applied to the logging backend, in a JVM of its own (the settings are
 * process-wide): {@link #main} logs as the operator would after {@link Logging#apply}.
 */
class LoggingTest {

  /** Applies the settings given as arguments, then logs one line at each level. */
  public static void main(String[] args) {
    Logging.apply(new LogSettings(args[0], args[1]));
    var log = LoggerFactory.getLogger("io.appconnector.operator.reconciler.ActivationReconciler");
    log.debug("debug line");
    log.info("activation {}/{}: {} -> {} ({})", "tenant-acme", "ledgerly", "new", "Active", "CredentialsIssued");
    log.warn("warn line");
  }

  static List<String> run(String format, String level) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LoggingTest.class.getName(), format, level)
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void jsonFormatWritesOneObjectPerLineWithTimestampLevelLoggerAndMessage() throws Exception {
    List<String> lines = run("json", "info");
    assertEquals(2, lines.size(), String.join("\n", lines));
    JsonNode line = Serialization.jsonMapper().readTree(lines.get(0));
    assertEquals("INFO", line.get("level").asText());
    assertEquals("activation tenant-acme/ledgerly: new -> Active (CredentialsIssued)", line.get("formattedMessage").asText());
    assertEquals("io.appconnector.operator.reconciler.ActivationReconciler", line.get("loggerName").asText());
    assertTrue(line.get("timestamp").asLong() > 1_700_000_000_000L, "epoch milliseconds: " + line);
    assertEquals("WARN", Serialization.jsonMapper().readTree(lines.get(1)).get("level").asText());
  }

  @Test
  void textFormatStampsEachLineAndTheLevelFilters() throws Exception {
    List<String> lines = run("text", "debug");
    assertEquals(3, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z DEBUG .*debug line"), lines.get(0));
    assertEquals(1, run("text", "warn").size(), "warn hides info and debug");
  }
}
