package io.appconnector.operator.support;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Installs the committed CRDs from crds/ and waits until the API server serves them. */
public final class Crds {
  public static final Path PROJECT = Path.of(System.getProperty("appconnector.projectDir", "."));

  private Crds() {
  }

  public static List<Path> files() {
    try (Stream<Path> files = Files.list(PROJECT.resolve("crds"))) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void install(KubernetesClient client, boolean waitEstablished) {
    for (Path file : files()) {
      try (InputStream in = Files.newInputStream(file)) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
        client.resource(crd).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        if (waitEstablished) {
          client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
              .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                  && c.getStatus().getConditions().stream().anyMatch(
                      x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
