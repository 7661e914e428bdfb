package io.appconnector.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;

class OwnWritesTest {
  private final OwnWrites writes = new OwnWrites();

  private static Secret secret(String value, String resourceVersion) {
    return new SecretBuilder().withNewMetadata().withNamespace("vendor").withName("delivered")
        .withResourceVersion(resourceVersion).withUid(resourceVersion == null ? null : "uid-1")
        .addToLabels("role", "delivered").endMetadata().addToData("clientId", value).build();
  }

  @Test
  void theEventOfAnOwnWriteIsKnownOnceEvenWhenItArrivesBeforeTheAnswer() {
    boolean[] seenDuringWrite = {false};
    writes.write(secret("YQ==", null), () -> {
      // The watch event, as the server stored it, arrives while the write is still waiting for its answer.
      seenDuringWrite[0] = writes.isOwnWrite(secret("YQ==", "7"));
      return secret("YQ==", "7");
    });
    assertTrue(seenDuringWrite[0]);
    assertFalse(writes.isOwnWrite(secret("YQ==", "7")), "known once only");
  }

  @Test
  void aChangeSomeoneElseMadeIsNotOwnAndClearsTheNotes() {
    writes.write(secret("YQ==", null), () -> null);
    assertFalse(writes.isOwnWrite(secret("Yg==", "8")), "different content: someone else's change");
    assertFalse(writes.isOwnWrite(secret("YQ==", "9")), "the note went with it");
  }

  @Test
  void twoWritesBeforeEitherEventAreBothKnownInOrder() {
    writes.write(secret("YQ==", null), () -> null);
    writes.write(secret("Yg==", null), () -> null);
    assertTrue(writes.isOwnWrite(secret("YQ==", "7")));
    assertTrue(writes.isOwnWrite(secret("Yg==", "8")));
    assertFalse(writes.isOwnWrite(secret("Yg==", "8")), "no note left behind");
    assertFalse(writes.isOwnWrite(secret("YQ==", "8")), "no note left behind");
  }

  @Test
  void aFailedWriteIsForgottenAndADeleteIsKnownByName() {
    assertThrows(IllegalStateException.class, () -> writes.write(secret("YQ==", null), () -> {
      throw new IllegalStateException("conflict");
    }));
    assertFalse(writes.isOwnWrite(secret("YQ==", "7")), "the failed write left no note");
    writes.delete(secret("YQ==", null), () -> null);
    assertTrue(writes.isOwnDelete(secret("Yg==", "9")), "a delete is known by kind, namespace and name");
    assertFalse(writes.isOwnDelete(secret("Yg==", "9")));
  }
}
