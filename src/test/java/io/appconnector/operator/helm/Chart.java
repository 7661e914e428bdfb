package io.appconnector.operator.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.TemplateCommand;
import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The chart in helm/appconnector-operator, rendered with Helm's own library (helm-java), as Fabric8 objects. */
public final class Chart {
  public static final Path PATH = Crds.PROJECT.resolve("helm/appconnector-operator");
  public static final String RELEASE = "appconnector-operator";

  private Chart() {
  }

  /** The manifests `helm template` prints for these values (YAML, as in a values file; empty for the defaults). */
  public static String template(String namespace, String valuesYaml) {
    return withValuesFile(valuesYaml, values -> {
      TemplateCommand command = new Helm(PATH).template().withName(RELEASE).withNamespace(namespace);
      return values == null ? command.call() : command.withValuesFile(values).call();
    });
  }

  /** What `helm install` prints for these values (a client-only dry run): the release and its NOTES. */
  public static String notes(String namespace, String valuesYaml) {
    return withValuesFile(valuesYaml, values -> {
      InstallCommand command = new Helm(PATH).install().withName(RELEASE).withNamespace(namespace).clientOnly().dryRun();
      return (values == null ? command : command.withValuesFile(values)).call().getOutput();
    });
  }

  /** Runs {@code helm} with the values in a temporary file (null for none), deleted afterwards. */
  private static String withValuesFile(String valuesYaml, Function<Path, String> helm) {
    Path values = null;
    try {
      if (!valuesYaml.isBlank()) {
        values = Files.createTempFile("appconnector-values", ".yaml");
        Files.writeString(values, valuesYaml);
      }
      return helm.apply(values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (values != null) {
        values.toFile().delete();
      }
    }
  }

  /** The rendered objects; kinds Fabric8 has no model for (ServiceMonitor) come back as generic resources. */
  public static List<HasMetadata> render(String namespace, String valuesYaml) {
    return render(namespace, valuesYaml, HasMetadata.class);
  }

  /** The rendered documents as the given type, e.g. GenericKubernetesResource to keep them exactly as rendered. */
  public static <T extends HasMetadata> List<T> render(String namespace, String valuesYaml, Class<T> type) {
    List<T> objects = new ArrayList<>();
    for (String document : template(namespace, valuesYaml).split("(?m)^---\\s*$")) {
      if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
        objects.add(new KubernetesSerialization().unmarshal(document, type));
      }
    }
    return objects;
  }

  public static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = all(objects, type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + found.size());
    }
    return found.get(0);
  }

  /** The object of this type and name; the chart also renders ClusterRoles for people beside the operator's. */
  public static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
    return all(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " rendered"));
  }

  public static Optional<HasMetadata> ofKind(List<HasMetadata> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).findFirst();
  }
}
