package io.appconnector.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRDs in crds/ are generated from the Java types (and {@link CrdDescriptions}). Regenerate them with
 * {@code ./mvnw test -Dtest=CrdFilesTest -Dappconnector.updateCrds=true}.
 */
class CrdFilesTest {

  static final Path PROJECT = Path.of(System.getProperty("appconnector.projectDir", "."));

  @Test
  void committedCrdsEqualWhatTheJavaTypesGenerate(@TempDir Path out) throws IOException {
    new CRDGenerator()
        .customResourceClasses(AppListing.class, Activation.class, TrustedNetwork.class)
        .forCRDVersions("v1")
        .inOutputDir(out.toFile())
        .generate();
    List<Path> generated = yamlFiles(out);
    assertEquals(3, generated.size(), "one CRD per custom resource type");
    CrdDescriptions.add(out.resolve("applistings.appconnector.io-v1.yml"), AppListing.class);
    CrdDescriptions.add(out.resolve("activations.appconnector.io-v1.yml"), Activation.class);
    CrdDescriptions.add(out.resolve("trustednetworks.appconnector.io-v1.yml"), TrustedNetwork.class);
    Path crds = PROJECT.resolve("crds");
    if (Boolean.getBoolean("appconnector.updateCrds")) {
      Files.createDirectories(crds);
      for (Path file : generated) {
        Files.copy(file, crds.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      // The chart's copy, which Helm installs and upgrades (HelmChartTest holds it to crds/).
      Path chartCrds = PROJECT.resolve("helm/appconnector-operator/files/crds");
      for (Path file : generated) {
        Files.copy(file, chartCrds.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    assertEquals(names(generated), names(yamlFiles(crds)), "crds/ holds exactly the generated files");
    for (Path file : generated) {
      assertEquals(Files.readString(file), Files.readString(crds.resolve(file.getFileName())),
          file.getFileName() + " differs from the Java types; regenerate with -Dappconnector.updateCrds=true");
    }
  }

  @Test
  void kubectlExplainDescribesEveryKindAndField() throws IOException {
    for (Path file : yamlFiles(PROJECT.resolve("crds"))) {
      var crd = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(Files.readString(file),
          io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
      List<String> undescribed = new java.util.ArrayList<>();
      for (var version : crd.getSpec().getVersions()) {
        undescribed(crd.getSpec().getNames().getKind(), version.getSchema().getOpenAPIV3Schema(), undescribed);
      }
      assertEquals(List.of(), undescribed, file.getFileName() + ": fields without a description");
    }
  }

  static void undescribed(String path, io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps schema,
      List<String> out) {
    if (schema.getDescription() == null || schema.getDescription().isBlank()) {
      out.add(path);
    }
    if (schema.getProperties() != null) {
      schema.getProperties().forEach((name, p) -> undescribed(path + "." + name, p, out));
    }
    var items = schema.getItems() == null ? null : schema.getItems().getSchema();
    if (items != null && items.getProperties() != null) {
      // kubectl explain shows the list's description, then the fields of its items.
      items.getProperties().forEach((name, p) -> undescribed(path + "[]." + name, p, out));
    }
  }

  static List<Path> yamlFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  static List<String> names(List<Path> files) {
    return files.stream().map(f -> f.getFileName().toString()).toList();
  }
}
