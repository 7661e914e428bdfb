package io.appconnector.operator.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The signing keys: the current ES256 (P-256) key that signs new tokens and the previous one, which
 * keeps verifying until the next rotation. Key IDs are RFC 7638 thumbprints. Immutable; rotating
 * gives a new value. {@link #toString()} never shows key material.
 */
public record SigningKeys(ECKey current, ECKey previous, Instant rotatedAt) {
  static final String CURRENT = "current.jwk";
  static final String PREVIOUS = "previous.jwk";
  static final String ROTATED_AT = "rotated-at";

  public static SigningKeys generate(Instant now) {
    return new SigningKeys(newKey(), null, now);
  }

  public boolean rotationDue(Instant now, Duration every) {
    return !now.isBefore(rotatedAt.plus(every));
  }

  /** A new current key; the current one becomes the previous one, and the previous one is retired. */
  public SigningKeys rotated(Instant now) {
    return new SigningKeys(newKey(), current, now);
  }

  /** The public halves of the current and the previous key, as published at the JWKS URI. */
  public JWKSet publicJwks() {
    List<JWK> keys = new ArrayList<>();
    keys.add(current.toPublicJWK());
    if (previous != null) {
      keys.add(previous.toPublicJWK());
    }
    return new JWKSet(keys);
  }

  /** The key that verifies tokens with this key ID, or null when it is neither current nor previous. */
  public ECKey verificationKey(String kid) {
    if (kid == null) {
      return null;
    }
    if (kid.equals(current.getKeyID())) {
      return current.toPublicJWK();
    }
    return previous != null && kid.equals(previous.getKeyID()) ? previous.toPublicJWK() : null;
  }

  /** The Secret data (base64) that stores these keys. */
  public Map<String, String> toSecretData() {
    Map<String, String> data = new HashMap<>();
    data.put(CURRENT, base64(current.toJSONString()));
    if (previous != null) {
      data.put(PREVIOUS, base64(previous.toJSONString()));
    }
    data.put(ROTATED_AT, base64(rotatedAt.toString()));
    return data;
  }

  /**
   * Reads keys from Secret data (base64 values).
   *
   * @throws IllegalArgumentException when the data does not hold usable signing keys; the message
   *     names what is wrong, never a value
   */
  public static SigningKeys fromSecretData(Map<String, String> data) {
    if (data == null || data.get(CURRENT) == null || data.get(ROTATED_AT) == null) {
      throw new IllegalArgumentException("the keys " + CURRENT + " and " + ROTATED_AT + " are missing");
    }
    try {
      ECKey current = privateKey(data.get(CURRENT), CURRENT);
      ECKey previous = data.get(PREVIOUS) == null ? null : privateKey(data.get(PREVIOUS), PREVIOUS);
      return new SigningKeys(current, previous, Instant.parse(text(data.get(ROTATED_AT))));
    } catch (ParseException | DateTimeParseException e) {
      throw new IllegalArgumentException("the signing keys cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static ECKey privateKey(String encoded, String name) throws ParseException {
    ECKey key = ECKey.parse(text(encoded));
    if (!key.isPrivate() || !Curve.P_256.equals(key.getCurve()) || key.getKeyID() == null) {
      throw new IllegalArgumentException(name + " is not a private P-256 key with a key ID");
    }
    return key;
  }

  static ECKey newKey() {
    try {
      return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
          .keyIDFromThumbprint(true).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("the JDK cannot generate P-256 keys", e);
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a signing-key entry is not valid base64");
    }
  }

  @Override
  public String toString() {
    return "SigningKeys[current=" + current.getKeyID() + ", previous=" + (previous == null ? null : previous.getKeyID())
        + ", rotatedAt=" + rotatedAt + "]";
  }
}
