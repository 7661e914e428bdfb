package io.appconnector.operator.reliability;

import io.appconnector.operator.AppConnectorOperator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The operator's main class in a JVM of its own, so a test can kill it with SIGKILL at any point. */
final class OperatorProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private OperatorProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static OperatorProcess start(Path kubeconfig, Path log, Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), AppConnectorOperator.class.getName())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Run as outside a cluster: the identity comes from the process, not from the shell's host name.
    builder.environment().remove("HOSTNAME");
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("OPERATOR_NAMESPACE", "default");
    builder.environment().put("METRICS_PORT", "0");
    builder.environment().put("TOKEN_PORT", "0");
    builder.environment().put("TOKEN_PLAIN_HTTP", "true");
    builder.environment().putAll(env);
    long before = Files.exists(log) ? Files.size(log) : 0;
    OperatorProcess p = new OperatorProcess(builder.start(), log);
    try {
      // Generous: a JVM's start on a loaded 2-core machine has taken over a minute.
      p.awaitLog("controller started", before, Duration.ofSeconds(180));
    } catch (IOException | RuntimeException e) {
      // Never leave a half-started operator running against the next test's API server.
      p.process.destroyForcibly();
      throw e;
    }
    return p;
  }

  /** Waits until the log written after {@code offset} contains the text. */
  void awaitLog(String text, long offset, Duration timeout) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator process exited early; see " + log);
      }
      String written = Files.readString(log);
      if (written.length() > offset && written.substring((int) offset).contains(text)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException("no '" + text + "' in " + log + " within " + timeout.toSeconds() + "s");
  }

  /** SIGTERM, as the kubelet sends it: the shutdown hook runs. */
  void terminate() {
    process.destroy();
  }

  /** Waits for the process to end; false if it is still running after the timeout. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }

  /** The log written after {@code offset}. */
  String logSince(long offset) throws IOException {
    String written = Files.readString(log);
    return written.length() > offset ? written.substring((int) offset) : "";
  }

  /** SIGKILL: no shutdown hook, no finally block, no chance to finish a write. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
