package io.appconnector.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.appconnector.operator.support.Crds;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CRDs in crds/ against a real kube-apiserver: the example catalogue is accepted as it is, and
 * every CRD's CEL rules are exercised by one of the validation test classes
 * ({@link ListingValidationIT}, {@link ActivationAndNetworkValidationIT}), each of which checks that
 * every rule message of its CRDs was seen rejecting an object.
 */
class CrdValidationIT {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();


  @Test
  void everyExampleIsAccepted() throws IOException {
    KubernetesClient client = api.client();
    List<Path> files;
    try (Stream<Path> list = Files.list(Crds.PROJECT.resolve("examples"))) {
      files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "examples/ has YAML files");
    for (Path file : files) {
      List<HasMetadata> items;
      try (InputStream in = Files.newInputStream(file)) {
        items = client.load(in).items();
      }
      assertFalse(items.isEmpty(), file.getFileName() + " has objects");
      for (HasMetadata item : items) {
        String what = file.getFileName() + ": " + item.getKind() + " " + item.getMetadata().getName();
        try {
          HasMetadata created = client.resource(item).create();
          assertNotNull(created.getMetadata().getUid(), what + " created");
        } catch (KubernetesClientException e) {
          throw new AssertionError(what + " rejected: "
              + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()), e);
        }
      }
    }
  }

  @Test
  void everyCrdHasAValidationTestClassCheckingItsRules() {
    Set<String> tested = new TreeSet<>(ListingValidationIT.KINDS);
    tested.addAll(ActivationAndNetworkValidationIT.KINDS);
    assertEquals(ValidationChecks.crdKinds(), tested,
        "each CRD kind in crds/ is covered by exactly the kinds the validation test classes check");
  }
}
