package io.appconnector.operator.credentials;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Generates client IDs and 256-bit client secrets from a DRBG (NIST SP 800-90A) seeded by the
 * operating system, the JDK's strongest non-blocking generator.
 */
public class CredentialGenerator {
  public static final int SECRET_BYTES = 32;
  private static final int CLIENT_ID_BYTES = 12;

  private final SecureRandom random;

  public CredentialGenerator() {
    try {
      this.random = SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK offers no DRBG SecureRandom", e);
    }
  }

  public ClientCredentials generate() {
    return new ClientCredentials(newClientId(), newSecret());
  }

  public String newClientId() {
    byte[] id = new byte[CLIENT_ID_BYTES];
    random.nextBytes(id);
    return "ac-" + HexFormat.of().formatHex(id);
  }

  public String newSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

}
