package io.appconnector.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The token endpoint sits beside the reconcilers, not above them, and what both use (the caches)
 * sits below both: read from the sources' import lines.
 */
class PackageArrowsTest {
  static final Path MAIN = Path.of(System.getProperty("appconnector.projectDir", "."))
      .resolve("src/main/java/io/appconnector/operator");

  @ParameterizedTest(name = "{0} imports nothing from {1}")
  @CsvSource({
      "token, reconciler",
      "token, dependent",
      "cache, reconciler",
      "cache, dependent",
      "cache, token",
      "logic, reconciler",
      "logic, dependent",
      "logic, token"})
  void aPackageDoesNotImportFromAPackageAboveOrBesideIt(String from, String to) throws IOException {
    List<String> imports;
    try (Stream<Path> files = Files.walk(MAIN.resolve(from))) {
      imports = files.filter(f -> f.toString().endsWith(".java")).flatMap(PackageArrowsTest::lines)
          .filter(line -> line.contains(": import io.appconnector.operator." + to + "."))
          .toList();
    }
    assertEquals(List.of(), imports);
  }

  private static Stream<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream().map(l -> file.getFileName() + ": " + l.trim());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
