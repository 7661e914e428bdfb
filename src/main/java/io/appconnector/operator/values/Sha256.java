package io.appconnector.operator.values;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the one digest the operator uses: for short unique names, keyed buckets and secret verifiers. */
public final class Sha256 {
  private Sha256() {
  }

  /** The digest of the parts, one after the other. */
  public static byte[] of(byte[]... parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
    for (byte[] part : parts) {
      sha.update(part);
    }
    return sha.digest();
  }

  /** The digest of the text's UTF-8 bytes. */
  public static byte[] of(String text) {
    return of(utf8(text));
  }

  /** The digest of the text's UTF-8 bytes, in lower-case hex. */
  public static String hex(String text) {
    return HexFormat.of().formatHex(of(text));
  }

  public static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
