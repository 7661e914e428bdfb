package io.appconnector.operator.logic;

import io.appconnector.operator.values.Sha256;
import java.util.Base64;
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
    StringBuilder lines = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(plainData).entrySet()) {
      lines.append(e.getKey()).append('=').append(Base64.getEncoder().encodeToString(Sha256.utf8(e.getValue())))
          .append('\n');
    }
    return "sha256:" + Sha256.hex(lines.toString());
  }
}
