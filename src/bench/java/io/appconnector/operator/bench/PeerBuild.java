package io.appconnector.operator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Go controller-runtime peer ({@code bench.peer.dir}, by default {@code ../shared/bench-peer}
 * beside the project) into {@code target/bench/}: its sources are copied to
 * {@code target/bench/peer-src} and built there with {@code go build}, so the source directory is
 * only read.
 *
 * <p>The copy's delivery naming is patched to the operator's ({@code appconnector.<tenant>.<activation>},
 * {@link io.appconnector.operator.values.DeliveryNames#secretName(String, String)}); the peer has no
 * flag for it. Both operators then create Secrets with names of the same length, shortened by the same
 * rule past 253 characters.
 */
final class PeerBuild {
  /** The peer's naming expression and the operator's, as Go source. */
  static final Map<String, String> NAMING = Map.of(
      "\"appconnector-\"+a.Namespace+\"-\"+a.Name", "\"appconnector.\"+a.Namespace+\".\"+a.Name");

  private PeerBuild() {
  }

  static Path sourceDir(Path project) {
    String configured = System.getProperty("bench.peer.dir");
    Path dir = configured == null || configured.isBlank() ? project.resolve("../shared/bench-peer")
        : project.resolve(configured.trim());
    return dir.toAbsolutePath().normalize();
  }

  /** Copies, patches and builds the peer; returns the binary. */
  static Path build(Path project, Path out, Path log) throws IOException, InterruptedException {
    Path source = sourceDir(project);
    if (!Files.isRegularFile(source.resolve("go.mod"))) {
      throw new IllegalStateException("no Go peer at " + source + " (set -Dbench.peer.dir=<dir with go.mod>)");
    }
    Path copy = out.resolve("peer-src");
    Files.createDirectories(copy);
    int patched = 0;
    try (var files = Files.list(source)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        Path to = copy.resolve(name);
        if (name.endsWith(".go")) {
          String text = Files.readString(f, StandardCharsets.UTF_8);
          for (Map.Entry<String, String> e : NAMING.entrySet()) {
            if (text.contains(e.getKey())) {
              text = text.replace(e.getKey(), e.getValue());
              patched++;
            }
          }
          Files.writeString(to, text, StandardCharsets.UTF_8);
        } else {
          Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
        to.toFile().setWritable(true, true);
      }
    }
    if (patched == 0 && !containsOperatorNaming(copy)) {
      throw new IllegalStateException("the peer at " + source + " names its Secrets neither the old way nor the"
          + " operator's way; update PeerBuild.NAMING so the comparison stays fair");
    }
    Path binary = out.resolve("bench-peer");
    List<String> command = new ArrayList<>(List.of(go(), "build", "-o", binary.toString(), "."));
    ProcessBuilder builder = new ProcessBuilder(command).directory(copy.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().merge("GOFLAGS", "-mod=mod", (a, b) -> a.contains("-mod=") ? a : a + " " + b);
    Process p = builder.start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("go build of the peer took more than 20 minutes; see " + log);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("go build of the peer failed (" + p.exitValue() + "); see " + log);
    }
    return binary;
  }

  private static boolean containsOperatorNaming(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".go")).toList()) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        if (NAMING.values().stream().anyMatch(text::contains)) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code bench.go}, else {@code go} on the PATH, else /usr/local/go/bin/go. */
  private static String go() {
    String configured = System.getProperty("bench.go");
    if (configured != null && !configured.isBlank()) {
      return configured.trim();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "go"))) {
        return Path.of(dir, "go").toString();
      }
    }
    return "/usr/local/go/bin/go";
  }
}
