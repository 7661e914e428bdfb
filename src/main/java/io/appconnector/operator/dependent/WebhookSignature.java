package io.appconnector.operator.dependent;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures of vendor notifications as the Standard Webhooks specification defines them, so a
 * vendor verifies with any of its libraries: header {@code webhook-signature: v1,<base64>}, the
 * HMAC-SHA256 of {@code <webhook-id>.<webhook-timestamp>.<body>} under the key of a secret written
 * {@code whsec_<base64 key>}.
 */
public final class WebhookSignature {
  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSignature() {
  }

  /** A new signing secret: 32 random bytes, {@code whsec_<base64>}. */
  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The {@code webhook-signature} header value. */
  public static String sign(String secret, String id, long timestampSeconds, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(mac(secret, id, timestampSeconds, body));
  }

  /** Whether a {@code webhook-signature} header (space-separated signatures) holds a valid one for this message. */
  public static boolean verify(String secret, String id, long timestampSeconds, byte[] body, String header) {
    byte[] expected = mac(secret, id, timestampSeconds, body);
    for (String candidate : header.split(" ")) {
      if (candidate.startsWith("v1,")) {
        try {
          if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
            return true;
          }
        } catch (IllegalArgumentException malformed) {
          // not a signature
        }
      }
    }
    return false;
  }

  private static byte[] mac(String secret, String id, long timestampSeconds, byte[] body) {
    String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(encoded), "HmacSHA256"));
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
