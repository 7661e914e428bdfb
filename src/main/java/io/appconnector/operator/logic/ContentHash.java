package io.appconnector.operator.logic;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash a delivered Secret carries of its own data, so a consumer (Reloader, a checksum
 * annotation on a pod template) can tell a real change from a rewrite that changed nothing:
 * {@code sha256:<hex>} of the lines {@code <key>=<base64 of value>\n}, keys sorted. The data holds
 * 256-bit random secrets, so the hash cannot be turned back into them (no dictionary to try), and
 * it is only on the Secret itself: whoever may read it may read the data anyway.
 */
public final class ContentHash {
  /** Annotation on delivered Secrets. */
  public static final String ANNOTATION = "appconnector.io/content-hash";

  private ContentHash() {
  }

  /** The hash of a Secret's data, given as plain (decoded) values. */
  public static String of(Map<String, String> plainData) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : new TreeMap<>(plainData).entrySet()) {
        sha.update((e.getKey() + "=" + Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8))
            + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
