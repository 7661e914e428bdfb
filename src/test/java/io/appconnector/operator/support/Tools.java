package io.appconnector.operator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The command-line tools the tests judge the operator with: kubectl (built by .ci/kube-binaries.sh)
 * and the checker (Flux's kstatus and promtool's metrics linter, built by .ci/checker.sh). Without
 * them a test is skipped with a message naming the script, except under CI, where it fails.
 */
public final class Tools {
  private Tools() {
  }

  /** What a command printed on stdout and stderr, and its exit code. */
  public record Result(int exitCode, String out, String err) {
  }

  public static Path kubectl() {
    return require(RealApiServer.binaries().resolve("kubectl"), RealApiServer.SCRIPT);
  }

  public static Path checker() {
    String dir = System.getenv().getOrDefault("CHECKER_DIR",
        System.getenv().getOrDefault("KUBE_API_TEST_DIR", System.getProperty("user.home") + "/.kubeapitest") + "/tools");
    return require(Path.of(dir, "checker"), ".ci/checker.sh");
  }

  /** Runs kubectl against the given kubeconfig. */
  public static Result kubectl(Path kubeconfig, String... args) {
    List<String> command = new ArrayList<>(List.of(kubectl().toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return run(command, null);
  }

  /** Runs the checker with {@code input} on stdin. */
  public static Result checker(String command, String input) {
    return run(List.of(checker().toString(), command), input);
  }

  static Result run(List<String> command, String input) {
    try {
      Path out = Files.createTempFile("tool", ".out");
      Path err = Files.createTempFile("tool", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("COLUMNS", "250");
        Process process = builder.start();
        try (var stdin = process.getOutputStream()) {
          if (input != null) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(command + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path require(Path tool, String script) {
    if (!Files.isExecutable(tool)) {
      String message = tool + " not found; run " + script;
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (required under CI)");
      }
      Assumptions.abort(message);
    }
    return tool;
  }
}
