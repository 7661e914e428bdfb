package io.appconnector.operator.token;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;

/**
 * The claims a vendor's own client assertion (private_key_jwt, RFC 7523 section 3) must carry once
 * its signature verified: {@code iss} and {@code sub} the client ID, an {@code aud} naming this
 * server (the token endpoint URL or the issuer), a {@code jti}, and an {@code exp} in the near
 * future. The lifetime is bounded so the replay cache holds each {@code jti} only briefly. A pure
 * function of the claims and the time.
 */
public final class AssertionRules {
  /** The longest an assertion may stay valid from now: long enough for clock skew, short enough to remember every jti. */
  public static final Duration LONGEST_LIFETIME = Duration.ofMinutes(5);
  /** How far the vendor's clock may run ahead of ours for iat and nbf. */
  public static final Duration SKEW = Duration.ofSeconds(60);
  static final int LONGEST_JTI = 256;

  private AssertionRules() {
  }

  /** Null when the claims are acceptable for {@code clientId} at {@code now}, else the reason for the log. */
  public static String refusal(JWTClaimsSet claims, String clientId, Collection<String> audiences, Instant now) {
    if (!clientId.equals(claims.getIssuer())) {
      return "assertion_issuer_not_client";
    }
    if (!clientId.equals(claims.getSubject())) {
      return "assertion_subject_not_client";
    }
    if (claims.getAudience() == null || claims.getAudience().stream().noneMatch(audiences::contains)) {
      return "assertion_wrong_audience";
    }
    Instant expires = instant(claims.getExpirationTime());
    if (expires == null) {
      return "assertion_without_exp";
    }
    if (!now.isBefore(expires)) {
      return "assertion_expired";
    }
    if (expires.isAfter(now.plus(LONGEST_LIFETIME))) {
      return "assertion_lifetime_too_long";
    }
    Instant issued = instant(claims.getIssueTime());
    Instant notBefore = instant(claims.getNotBeforeTime());
    if ((issued != null && issued.isAfter(now.plus(SKEW))) || (notBefore != null && notBefore.isAfter(now.plus(SKEW)))) {
      return "assertion_not_yet_valid";
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isEmpty() || jti.length() > LONGEST_JTI) {
      return "assertion_without_jti";
    }
    return null;
  }

  private static Instant instant(Date date) {
    return date == null ? null : date.toInstant();
  }
}
