package io.appconnector.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.AppConnectorOperator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The operator's main class refuses malformed settings before it contacts any API server. */
class StartupRefusalTest {

  @Test
  void aMalformedMetricsPortStopsTheProcessWithAMessageNamingIt() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AppConnectorOperator.class.getName())
        .redirectErrorStream(true);
    builder.environment().put("METRICS_PORT", "abc");
    builder.environment().put("LOG_FORMAT", "xml");
    // No API server is reachable there: a refusal must come before any connection attempt.
    builder.environment().put("KUBECONFIG", "/nonexistent/kubeconfig");
    Process process = builder.start();
    process.getOutputStream().close();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the process ends by itself");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, process.exitValue(), output);
    assertTrue(output.contains("METRICS_PORT='abc' is not valid: expected a TCP port number from 0 to 65535"), output);
    assertTrue(output.contains("LOG_FORMAT='xml' is not valid: expected one of text, json"), output);
    assertFalse(output.contains("Exception"), "a message, not a stack trace: " + output);
  }
}
