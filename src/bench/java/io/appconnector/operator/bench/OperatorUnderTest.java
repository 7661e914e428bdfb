package io.appconnector.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The harness's handle on an operator process that speaks the {@link OperatorChild} protocol (the
 * Java operator's JVM, or the Go peer with {@code --bench-stdio}): launch, one command at a time,
 * stop, kill.
 */
final class OperatorUnderTest implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<OperatorUnderTest> RUNNING = new java.util.concurrent.CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(OperatorUnderTest::kill),
        "bench-kill-operators"));
  }

  final long launchedAt;
  final JsonNode started;
  private final Process process;
  private final Writer commands;
  private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
  private final Path log;

  private OperatorUnderTest(Process process, long launchedAt, Path log, Duration startTimeout) throws IOException {
    this.process = process;
    this.launchedAt = launchedAt;
    this.log = log;
    RUNNING.add(this);
    commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readAnswers, "bench-operator-answers");
    reader.setDaemon(true);
    reader.start();
    started = next(startTimeout, "the operator to start");
  }

  static OperatorUnderTest launch(Path kubeconfig, Path log, List<String> jvmOptions, Duration startTimeout)
      throws IOException {
    return launch(Path.of(System.getProperty("java.home")), kubeconfig, log, jvmOptions, List.of(), startTimeout);
  }

  /**
   * The operator on the JDK in {@code javaHome} (another version than the harness's, to measure it),
   * without the class path's jars whose file names start with one of {@code drop} (to measure, say,
   * another Fabric8 HTTP client: Fabric8 takes the one whose factory is left).
   */
  static OperatorUnderTest launch(Path javaHome, Path kubeconfig, Path log, List<String> jvmOptions,
      List<String> drop, Duration startTimeout) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.addAll(jvmOptions);
    command.add("-Dorg.slf4j.simpleLogger.logFile=System.err");
    command.add("-cp");
    List<String> entries = new ArrayList<>();
    for (String e : classpath().split(java.io.File.pathSeparator)) {
      String name = Path.of(e).getFileName().toString();
      if (drop.stream().noneMatch(name::startsWith)) {
        entries.add(e);
      }
    }
    command.add(String.join(java.io.File.pathSeparator, entries));
    command.add(OperatorChild.class.getName());
    command.add(kubeconfig.toString());
    return launchCommand(command, log, startTimeout);
  }

  /**
   * The harness's class path; with {@code bench.operator.jar} set, its directories (the project's
   * classes) replaced by that jar of them, as a CDS archive or AOT cache needs (jars only).
   */
  static String classpath() {
    String jar = BenchmarkMain.Options.get("bench.operator.jar");
    String cp = System.getProperty("java.class.path");
    if (jar == null || jar.isEmpty()) {
      return cp;
    }
    List<String> entries = new ArrayList<>(List.of(jar));
    for (String e : cp.split(java.io.File.pathSeparator)) {
      if (!Files.isDirectory(Path.of(e))) {
        entries.add(e);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /** The Go peer ({@link PeerBuild}), built beside the harness, driven over the same protocol. */
  static OperatorUnderTest launchPeer(Path binary, Path kubeconfig, Path log, List<String> flags,
      Duration startTimeout) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    command.add("--bench-stdio");
    command.addAll(flags);
    return launchCommand(command, log, startTimeout);
  }

  private static OperatorUnderTest launchCommand(List<String> command, Path log, Duration startTimeout)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // As the chart's Deployment sets it (the Go runtime ignores it).
    builder.environment().put("MALLOC_ARENA_MAX", "2");
    long launchedAt = System.currentTimeMillis();
    return new OperatorUnderTest(builder.start(), launchedAt, log, startTimeout);
  }

  long pid() {
    return process.pid();
  }

  private void readAnswers() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(OperatorChild.PREFIX)) {
          answers.add(JSON.readTree(line.substring(OperatorChild.PREFIX.length())));
        } else {
          Files.writeString(log, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private JsonNode next(Duration timeout, String what) {
    try {
      JsonNode answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (answer == null) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + "s waiting for " + what
            + (process.isAlive() ? "" : " (the operator process exited with " + process.exitValue() + ")")
            + "; see " + log);
      }
      if (answer.has("error")) {
        throw new IllegalStateException("the operator process answered " + answer.get("error").asText());
      }
      return answer;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what, e);
    }
  }

  synchronized JsonNode command(String line, Duration timeout) {
    try {
      commands.write(line + "\n");
      commands.flush();
    } catch (IOException e) {
      throw new IllegalStateException("the operator process does not take commands; see " + log, e);
    }
    return next(timeout, "an answer to '" + line + "'");
  }

  JsonNode stats() {
    return command("stats", Duration.ofSeconds(30));
  }

  JsonNode memory() {
    return command("memory", Duration.ofSeconds(60));
  }

  /** Stops the operator gracefully, and kills it if it does not exit in time. */
  void stop(Duration timeout) {
    try {
      if (process.isAlive()) {
        command("stop", timeout);
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (RuntimeException e) {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    } finally {
      RUNNING.remove(this);
    }
  }

  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }
}
