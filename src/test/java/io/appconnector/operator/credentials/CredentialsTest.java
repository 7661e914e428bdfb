package io.appconnector.operator.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CredentialsTest {
  final CredentialGenerator generator = new CredentialGenerator();

  @Test
  void clientSecretsCarry256RandomBitsAndNeverRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ClientCredentials c = generator.generate();
      assertEquals(32, Base64.getUrlDecoder().decode(c.clientSecret()).length);
      assertTrue(seen.add(c.clientSecret()));
      assertTrue(seen.add(c.clientId()));
    }
  }

  @Test
  void theVerifierMatchesOnlyItsOwnSecretAndHoldsNoCopyOfIt() {
    String secret = generator.newSecret();
    String verifier = SecretVerifier.create(secret);
    assertTrue(SecretVerifier.matches(verifier, secret));
    assertFalse(SecretVerifier.matches(verifier, generator.newSecret()));
    assertFalse(verifier.contains(secret));
    assertNotEquals(verifier, SecretVerifier.create(secret), "salted: two verifiers of one secret differ");
    assertFalse(SecretVerifier.matches("sha256:garbage", secret));
    assertFalse(SecretVerifier.matches(null, secret));
  }

  @Test
  void credentialsNeverPrintTheirSecret() {
    ClientCredentials c = generator.generate();
    assertFalse(c.toString().contains(c.clientSecret()));
  }
}
