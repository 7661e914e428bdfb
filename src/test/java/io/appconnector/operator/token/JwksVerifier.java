package io.appconnector.operator.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Map;
import java.util.Set;

/**
 * Verifies access tokens the way a platform API would with a standard library: the JWKS fetched
 * from the published jwks_uri, ES256 only, typ at+jwt, the expected issuer and audience, the
 * required claims, and the expiry checked against the given clock.
 */
final class JwksVerifier {
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

  JwksVerifier(Map<String, Object> jwks, String issuer, String audience, Clock clock) throws ParseException {
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
        new ImmutableJWKSet<>(JWKSet.parse(jwks))));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
        new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "tenant", "scope", "listing", "iat", "exp", "jti")) {
      @Override
      protected Date currentTime() {
        return Date.from(clock.instant());
      }
    };
    processor.setJWTClaimsSetVerifier(claims);
  }

  /** The verified claims; throws when the token does not verify. */
  JWTClaimsSet verify(String token) throws Exception {
    return processor.process(token, null);
  }

  static String keyId(String token) throws ParseException {
    return SignedJWT.parse(token).getHeader().getKeyID();
  }
}
