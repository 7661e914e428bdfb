package io.appconnector.operator.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Completes a generated CRD where the Fabric8 generator falls short. Descriptions, so {@code kubectl
 * explain} describes every kind and field: the kind, its spec and its status from the
 * {@link JsonClassDescription} of their Java types, and the fields of Kubernetes conditions with
 * the wording of the Kubernetes API (metav1.Condition). Printer columns in the order the type
 * declares them (the generator sorts them by JSON path). A defaulted status.observedGeneration of 0
 * on the kinds whose status the operator writes.
 */
final class CrdDescriptions {
  static final String HEADER = "# Generated from the Java types by CrdFilesTest (Fabric8 CRDGenerator; descriptions of"
      + " kinds, spec, status and conditions added from the same types). Do not edit.\n";

  /** Kinds whose status the operator writes with observedGeneration from the first reconcile on. */
  static final List<String> STATUS_DEFAULTED = List.of("Activation", "TrustedNetwork");

  static final Map<String, String> CONDITION_FIELDS = Map.of(
      "type", "Type of condition in CamelCase, such as Ready.",
      "status", "Status of the condition: True, False or Unknown.",
      "reason", "A CamelCase reason for the last transition, for programs.",
      "message", "A human-readable message on the last transition: what happened and what to do next.",
      "observedGeneration", "The metadata.generation the condition was set for.",
      "lastTransitionTime", "When the condition last changed from one status to another (RFC 3339).");

  private CrdDescriptions() {
  }

  static void add(Path file, Class<? extends CustomResource<?, ?>> kind) throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
    Class<?>[] parts = specAndStatus(kind);
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      root.setDescription(describe(kind));
      root.getProperties().get("spec").setDescription(describe(parts[0]));
      root.getProperties().get("status").setDescription(describe(parts[1]));
      describeConditions(root);
      if (STATUS_DEFAULTED.contains(kind.getSimpleName())) {
        // An object the operator has not seen yet reads as status {observedGeneration: 0}, so
        // kstatus (Flux) reports it InProgress rather than Current.
        JSONSchemaProps status = root.getProperties().get("status");
        status.setDefault(Serialization.jsonMapper().createObjectNode());
        status.getProperties().get("observedGeneration").setDefault(
            Serialization.jsonMapper().getNodeFactory().numberNode(0));
      }
      // The generator sorts columns by JSON path; kubectl shows them in the order they are listed.
      List<String> order = Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::name).toList();
      version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
    }
    Files.writeString(file, HEADER + Serialization.asYaml(crd).replaceFirst("^---\n", ""));
  }

  private static void describeConditions(JSONSchemaProps schema) {
    if (schema.getProperties() != null) {
      schema.getProperties().forEach((name, property) -> {
        if ("conditions".equals(name) && property.getItems() != null && property.getItems().getSchema() != null) {
          property.getItems().getSchema().getProperties().forEach((field, p) -> {
            if (p.getDescription() == null) {
              p.setDescription(CONDITION_FIELDS.get(field));
            }
          });
        }
        describeConditions(property);
      });
    }
  }

  private static String describe(Class<?> type) {
    JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
    if (description == null) {
      throw new IllegalStateException(type.getName() + " needs a @JsonClassDescription for kubectl explain");
    }
    return description.value();
  }

  private static Class<?>[] specAndStatus(Class<?> kind) {
    ParameterizedType type = (ParameterizedType) kind.getGenericSuperclass();
    return new Class<?>[] {(Class<?>) type.getActualTypeArguments()[0], (Class<?>) type.getActualTypeArguments()[1]};
  }
}
