package io.appconnector.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.function.Executable;

/**
 * Creates and updates objects in a real API server and checks how its schema and CEL validation
 * answer. Every rejection is remembered, so that a test class can finally check that each CEL rule
 * message in crds/ was seen in at least one rejection.
 */
final class ValidationChecks {
  /** The note the API server adds when a schema error stopped it from evaluating the CEL rules. */
  static final String CEL_SKIPPED = "some validation rules were not checked because the object was invalid";

  private final KubernetesClient client;
  private final Set<String> observed = ConcurrentHashMap.newKeySet();

  ValidationChecks(KubernetesClient client) {
    this.client = client;
  }

  /** Creates the object (dropping server-owned metadata that fixtures fill in) and returns what the server stored. */
  <T extends HasMetadata> T create(T object) {
    T created = client.resource(withoutServerFields(object)).create();
    assertNotNull(created.getMetadata().getUid(), "created " + describe(object));
    return created;
  }

  /** Updates a stored object (as returned by {@link #create}) after applying the change, and returns the result. */
  <T extends HasMetadata> T update(T stored, Consumer<T> change) {
    change.accept(stored);
    return client.resource(stored).update();
  }

  /**
   * Creating the object fails with 422 for exactly one reason: on {@code field}, with a message
   * containing {@code message}. (The API server's note that CEL rules were skipped after a schema
   * error does not count as a reason.)
   */
  void assertRejected(HasMetadata object, String field, String message) {
    HasMetadata clean = withoutServerFields(object);
    assertRejected(() -> client.resource(clean).create(), "creating " + describe(object), field, message);
  }

  /** Like {@link #assertRejected(HasMetadata, String, String)}, for updating the stored object with the change. */
  <T extends HasMetadata> void assertUpdateRejected(T stored, Consumer<T> change, String field, String message) {
    change.accept(stored);
    assertRejected(() -> client.resource(stored).update(), "updating " + describe(stored), field, message);
  }

  private void assertRejected(Executable call, String what, String field, String message) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, call, what + " should be rejected");
    assertEquals(422, e.getCode(), what + ": " + e.getMessage());
    String answer = e.getStatus().getMessage();
    List<StatusCause> causes = e.getStatus().getDetails().getCauses().stream()
        .filter(c -> !c.getMessage().contains(CEL_SKIPPED)).toList();
    causes.forEach(c -> observed.add(c.getMessage()));
    assertEquals(1, causes.size(), what + " should be rejected for exactly one reason: " + answer);
    assertEquals(field, causes.get(0).getField(), what + ": " + answer);
    assertTrue(causes.get(0).getMessage().contains(message),
        what + ": expected the message to contain <" + message + "> but was: " + answer);
  }

  /** Every CEL rule message in the CRDs of these kinds appears in a rejection seen so far. */
  void assertEveryRuleMessageObserved(Set<String> kinds) {
    Set<String> messages = ruleMessages(kinds);
    assertFalse(messages.isEmpty(), "the CRDs of " + kinds + " have CEL rules");
    List<String> missing = messages.stream()
        .filter(message -> observed.stream().noneMatch(seen -> seen.contains(message))).toList();
    assertTrue(missing.isEmpty(), "CEL rules that no test saw rejecting an object: " + missing);
  }

  /** The kinds of the CRDs in crds/. */
  static Set<String> crdKinds() {
    Set<String> kinds = new TreeSet<>();
    Crds.files().forEach(f -> kinds.add(crd(f).getSpec().getNames().getKind()));
    return kinds;
  }

  /** The message of every x-kubernetes-validations entry in the CRDs of these kinds. */
  static Set<String> ruleMessages(Set<String> kinds) {
    Set<String> messages = new TreeSet<>();
    for (Path file : Crds.files()) {
      CustomResourceDefinition crd = crd(file);
      if (kinds.contains(crd.getSpec().getNames().getKind())) {
        JsonNode tree = new ObjectMapper().valueToTree(crd);
        for (JsonNode rules : tree.findValues("x-kubernetes-validations")) {
          // A rule without a message is reported as "failed rule: <rule>".
          rules.forEach(rule -> messages.add(rule.hasNonNull("message")
              ? rule.get("message").asText() : "failed rule: " + rule.get("rule").asText()));
        }
      }
    }
    return messages;
  }

  private static CustomResourceDefinition crd(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T extends HasMetadata> T withoutServerFields(T object) {
    object.getMetadata().setUid(null);
    object.getMetadata().setGeneration(null);
    object.getMetadata().setCreationTimestamp(null);
    return object;
  }

  private static String describe(HasMetadata object) {
    return object.getKind() + " " + object.getMetadata().getName();
  }
}
