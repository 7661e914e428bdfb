package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** private_key_jwt end to end without a server: signatures, algorithms, the listing's keys and replays. */
class PrivateKeyAssertionsTest {
  static final Instant NOW = ClientAssertionRulesTest.NOW;
  static final String CLIENT = ClientAssertionRulesTest.CLIENT;
  static final String ENDPOINT = ClientAssertionRulesTest.ENDPOINT;
  static ECKey vendorKey;
  static RSAKey vendorRsaKey;
  static ECKey strangerKey;

  @BeforeAll
  static void keys() throws JOSEException {
    vendorKey = new ECKeyGenerator(Curve.P_256).keyID("vendor-ec").generate();
    vendorRsaKey = new RSAKeyGenerator(2048).keyID("vendor-rsa").generate();
    strangerKey = new ECKeyGenerator(Curve.P_256).keyID("vendor-ec").generate();
  }

  final PrivateKeyAssertions assertions = new PrivateKeyAssertions(List.of(ENDPOINT),
      new AssertionReplays(AssertionReplays.PER_CLIENT, AssertionReplays.TOTAL), new VendorKeySets());

  static AppListing listing(String jwks) {
    AppListing listing = Fixtures.vendorListing("ledgerly", "vendor-ledgerly", "invoices.read");
    listing.getSpec().clientAuthentication = new AppListingSpec.ClientAuthentication();
    listing.getSpec().clientAuthentication.method = AppListingSpec.ClientAuthenticationMethod.PrivateKeyJWT;
    listing.getSpec().clientAuthentication.jwks = jwks;
    return listing;
  }

  static String publicKeys() {
    return new JWKSet(List.of(vendorKey.toPublicJWK(), vendorRsaKey.toPublicJWK())).toString();
  }

  static JWTClaimsSet claims(String jti) {
    return new JWTClaimsSet.Builder().issuer(CLIENT).subject(CLIENT).audience(ENDPOINT).jwtID(jti)
        .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(60))).build();
  }

  static String signed(ECKey key, JWTClaimsSet claims) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  String refusal(String assertion) {
    return assertions.refusal(CLIENT, assertion, listing(publicKeys()), NOW);
  }

  @Test
  void anAssertionSignedWithTheVendorsKeyProvesTheClientOnceAndIsRefusedWhenReplayed() throws JOSEException {
    String assertion = signed(vendorKey, claims(UUID.randomUUID().toString()));
    assertNull(refusal(assertion));
    assertEquals("assertion_replayed", refusal(assertion));
    assertNull(refusal(signed(vendorKey, claims(UUID.randomUUID().toString()))), "a fresh jti is accepted");
  }

  @Test
  void rsaKeysOfTheSetVerifyToo() throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("vendor-rsa").build(), claims("rsa"));
    jwt.sign(new RSASSASigner(vendorRsaKey));
    assertNull(refusal(jwt.serialize()));
  }

  @Test
  void anAssertionSignedWithAnotherKeyOfTheSameKeyIdIsRefused() throws JOSEException {
    assertEquals("assertion_signature_not_verified", refusal(signed(strangerKey, claims("stranger"))));
  }

  @Test
  void symmetricAndUnsignedAssertionsAreRefusedBeforeAnyKeyIsLookedAt() throws JOSEException {
    SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("hmac"));
    hmac.sign(new MACSigner(new byte[32]));
    assertEquals("assertion_algorithm_not_accepted", refusal(hmac.serialize()));
    assertEquals("assertion_malformed", refusal(new PlainJWT(claims("none")).serialize()));
    assertEquals("assertion_malformed", refusal("not-a-jwt"));
  }

  @Test
  void claimsAreCheckedAfterTheSignatureWithTheInjectedTime() throws JOSEException {
    String assertion = signed(vendorKey, claims("late"));
    assertEquals("assertion_expired", assertions.refusal(CLIENT, assertion, listing(publicKeys()),
        NOW.plusSeconds(60)));
    assertEquals("assertion_issuer_not_client", assertions.refusal("ac-other", signed(vendorKey, claims("other")),
        listing(publicKeys()), NOW));
  }

  @Test
  void aListingWhoseInlineKeySetDoesNotParseRefusesEveryAssertion() throws JOSEException {
    assertEquals("listing_jwks_unreadable", assertions.refusal(CLIENT, signed(vendorKey, claims("x")),
        listing("{\"keys\": not json"), NOW));
  }

  @Test
  void aListingThatPublishesAPrivateKeyRefusesEveryAssertion() throws JOSEException {
    assertEquals("listing_jwks_unreadable", assertions.refusal(CLIENT, signed(vendorKey, claims("p")),
        listing(new JWKSet(vendorKey).toString(false)), NOW));
  }
}
