package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rotation, forced through the injected clock: old tokens keep verifying, new ones use the new key. */
class SigningKeyRotationMockServerTest extends TokenMockServerScenarios {
  JwksVerifier verifier() throws Exception {
    return new JwksVerifier(vendor.get("/.well-known/jwks.json").json(), server.settings().issuer(),
        server.settings().audience(), clock);
  }

  @SuppressWarnings("unchecked")
  List<String> publishedKeyIds() {
    return ((List<Map<String, Object>>) vendor.get("/.well-known/jwks.json").json().get("keys")).stream()
        .map(k -> (String) k.get("kid")).toList();
  }

  @Test
  void afterRotationOldTokensStillVerifyAndNewTokensCarryTheNewKeyId() throws Exception {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Vendor.Mounted c = mounted(create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read")));
    awaitPhase(tenant, "ledger", Phase.Active);
    assertEquals(200, awaitServed(c).status(), "first use recorded, so the credential outlives the jumps below");
    String firstKey = server.keys().current().current().getKeyID();
    Instant rotatedAt = server.keys().current().rotatedAt();
    Duration every = server.settings().keyRotation();

    clock.jumpTo(rotatedAt.plus(every).minus(Duration.ofMinutes(10)));
    assertFalse(server.keys().rotateIfDue(), "not yet due");
    String oldToken = vendor.basic(c, null).token();
    assertEquals(firstKey, JwksVerifier.keyId(oldToken));

    clock.jumpTo(rotatedAt.plus(every).plusSeconds(1));
    assertTrue(server.keys().rotateIfDue());
    String newToken = vendor.basic(c, null).token();
    String secondKey = JwksVerifier.keyId(newToken);
    assertNotEquals(firstKey, secondKey, "new tokens carry the new key ID");
    assertEquals(List.of(secondKey, firstKey), publishedKeyIds(), "current and previous are published");
    JwksVerifier verifier = verifier();
    assertEquals(c.clientId(), verifier.verify(oldToken).getSubject(), "a token signed before the rotation verifies");
    assertEquals(c.clientId(), verifier.verify(newToken).getSubject());

    clock.jumpTo(clock.instant().plus(every).plusSeconds(1));
    assertTrue(server.keys().rotateIfDue());
    List<String> afterSecond = publishedKeyIds();
    assertEquals(2, afterSecond.size());
    assertEquals(secondKey, afterSecond.get(1), "the key before stays until the next rotation");
    assertFalse(afterSecond.contains(firstKey), "then it is retired");
    assertThrows(Exception.class, () -> verifier().verify(oldToken));
  }

  @Test
  void theKeysLiveInOneOperatorManagedSecretThatARestartReads() {
    Secret stored = client().secrets().inNamespace(operatorNs).withName(server.settings().signingKeySecret()).get();
    assertEquals("appconnector-operator", stored.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    String kid = server.keys().current().current().getKeyID();
    server.close();
    servers.remove(server);
    TokenServer restarted = startReplica();
    assertEquals(kid, restarted.keys().current().current().getKeyID(), "the same key after a restart");
  }
}
