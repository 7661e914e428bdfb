package io.appconnector.operator.credentials;

import io.appconnector.operator.values.Sha256;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The operator keeps only a verifier of each client secret: {@code sha256:<salt>:<digest>}, the
 * SHA-256 of a random salt and the secret. The secrets are 256 random bits, so a fast hash is as
 * strong as a slow one here (there is no dictionary to try); comparison is constant-time.
 */
public final class SecretVerifier {
  private static final String PREFIX = "sha256:";
  private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DEC = Base64.getUrlDecoder();
  private static final SecureRandom SALTS = new SecureRandom();

  private SecretVerifier() {
  }

  public static String create(String secret) {
    byte[] salt = new byte[16];
    SALTS.nextBytes(salt);
    return PREFIX + ENC.encodeToString(salt) + ":" + ENC.encodeToString(digest(salt, secret));
  }

  /** True when the verifier was made from this secret. False for a malformed verifier. */
  public static boolean matches(String verifier, String secret) {
    if (verifier == null || secret == null || !verifier.startsWith(PREFIX)) {
      return false;
    }
    String[] parts = verifier.substring(PREFIX.length()).split(":", -1);
    if (parts.length != 2) {
      return false;
    }
    try {
      byte[] expected = DEC.decode(parts[1]);
      return MessageDigest.isEqual(expected, digest(DEC.decode(parts[0]), secret));
    } catch (IllegalArgumentException malformed) {
      return false;
    }
  }

  private static byte[] digest(byte[] salt, String secret) {
    return Sha256.of(salt, Sha256.utf8(secret));
  }
}
