package io.appconnector.operator.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * PrivateKeyJWT (private_key_jwt, RFC 7523 and OpenID Connect Core section 9): the vendor signs a
 * short JWT with its own private key; the listing holds the public keys. Nimbus verifies the
 * signature with an asymmetric algorithm only (no {@code none}, no HMAC), {@link AssertionRules}
 * check the claims against the injected time, and {@link AssertionReplays} refuse a {@code jti}
 * seen before.
 */
final class PrivateKeyAssertions implements ClientAuthenticator {
  /** RSA, RSA-PSS and ECDSA: what vendors' key stores and cloud KMSs sign with. */
  static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.ES512);

  private final List<String> audiences;
  private final AssertionReplays replays;
  private final VendorKeySets keySets;

  PrivateKeyAssertions(List<String> audiences, AssertionReplays replays, VendorKeySets keySets) {
    this.audiences = List.copyOf(audiences);
    this.replays = replays;
    this.keySets = keySets;
  }

  @Override
  public ClientAuthenticationMethod method() {
    return ClientAuthenticationMethod.PrivateKeyJWT;
  }

  @Override
  public String metadataName() {
    return "private_key_jwt";
  }

  @Override
  public String refusal(String clientId, String assertion, AppListing listing, Instant now) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(assertion);
    } catch (ParseException e) {
      return "assertion_malformed";
    }
    if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
      return "assertion_algorithm_not_accepted";
    }
    JWKSource<SecurityContext> keys = keySets.of(listing.getSpec().clientAuthentication);
    if (keys == null) {
      return "listing_jwks_unreadable";
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    // The claims are checked below against the injected clock, not Nimbus's wall clock.
    processor.setJWTClaimsSetVerifier((claims, context) -> { });
    JWTClaimsSet claims;
    try {
      claims = processor.process(jwt, null);
    } catch (BadJOSEException | RateLimitReachedException e) {
      // Also a key ID the set did not have when it was last fetched, while refetching waits its turn.
      return "assertion_signature_not_verified";
    } catch (JOSEException e) {
      // The keys could not be had (the JWKS URL did not answer in time, or answered nonsense).
      return "vendor_jwks_unavailable";
    }
    String refused = AssertionRules.refusal(claims, clientId, audiences, now);
    if (refused != null) {
      return refused;
    }
    return switch (replays.record(clientId, claims.getJWTID(), claims.getExpirationTime().toInstant(), now)) {
      case FIRST_SEEN -> null;
      case REPLAYED -> "assertion_replayed";
      case FULL -> "assertion_replay_cache_full";
    };
  }
}
