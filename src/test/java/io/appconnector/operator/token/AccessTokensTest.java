package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Access-token claims, signatures and the signing keys, without a server. */
class AccessTokensTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00.750Z");
  static final String ISSUER = "https://tokens.example.test";
  static final String AUDIENCE = "appconnector-platform-api";
  final AccessTokens tokens = new AccessTokens(ISSUER, AUDIENCE);
  final ExchangeRules.Grant grant = new ExchangeRules.Grant("ac-1", "tenant-acme", "ledger", "ledgerly",
      List.of("invoices.read", "contacts.read"), Duration.ofMinutes(20), false);

  @Test
  void claimsCarryTheClientTenantListingScopesAndTheListingsLifetime() {
    JWTClaimsSet claims = tokens.claims(grant, List.of("invoices.read"), NOW);
    assertEquals(ISSUER, claims.getIssuer());
    assertEquals(List.of(AUDIENCE), claims.getAudience());
    assertEquals("ac-1", claims.getSubject());
    assertEquals("ac-1", claims.getClaim("client_id"));
    assertEquals("tenant-acme", claims.getClaim("tenant"));
    assertEquals("ledgerly", claims.getClaim("listing"));
    assertEquals("invoices.read", claims.getClaim("scope"));
    assertEquals(Instant.parse("2026-03-01T12:00:00Z"), claims.getIssueTime().toInstant(), "whole seconds");
    assertEquals(Instant.parse("2026-03-01T12:20:00Z"), claims.getExpirationTime().toInstant());
    assertNotNull(UUID.fromString(claims.getJWTID()));
    assertNotEquals(claims.getJWTID(), tokens.claims(grant, List.of(), NOW).getJWTID());
  }

  @Test
  void aTokenIsSignedEs256WithTheCurrentKeyAndVerifiesAgainstThePublishedKeys() throws Exception {
    SigningKeys keys = SigningKeys.generate(NOW);
    AccessTokens.Issued issued = tokens.issue(grant, grant.scopes(), keys, NOW);
    assertEquals(1200, issued.expiresIn());
    assertEquals("invoices.read contacts.read", issued.scope());
    assertFalse(issued.toString().contains(issued.token()), "toString never shows the token");
    SignedJWT jwt = SignedJWT.parse(issued.token());
    assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
    assertEquals("at+jwt", jwt.getHeader().getType().getType());
    assertEquals(keys.current().getKeyID(), jwt.getHeader().getKeyID());

    Clock at = Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC);
    JWTClaimsSet verified = new JwksVerifier(keys.publicJwks().toJSONObject(), ISSUER, AUDIENCE, at).verify(issued.token());
    assertEquals("tenant-acme", verified.getStringClaim("tenant"));
    assertNotNull(tokens.verify(issued.token(), keys, NOW.plusSeconds(60)));
  }

  @Test
  void verificationRefusesExpiredForeignTamperedAndRetiredTokens() {
    SigningKeys keys = SigningKeys.generate(NOW);
    String token = tokens.issue(grant, grant.scopes(), keys, NOW).token();
    assertNull(tokens.verify(token, keys, NOW.plus(Duration.ofMinutes(20))), "expired");
    assertNull(new AccessTokens("https://elsewhere.example", AUDIENCE).verify(token, keys, NOW), "another issuer");
    assertNull(new AccessTokens(ISSUER, "another-api").verify(token, keys, NOW), "another audience");
    String[] parts = token.split("\\.");
    String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
    assertNull(tokens.verify(tampered, keys, NOW));
    assertNull(tokens.verify("not-a-jwt", keys, NOW));
    SigningKeys once = keys.rotated(NOW);
    assertNotNull(tokens.verify(token, once, NOW), "the previous key still verifies");
    assertNull(tokens.verify(token, once.rotated(NOW), NOW), "a retired key does not");
  }

  @Test
  void rotationKeepsThePreviousKeyAndIsDueAfterThePeriod() {
    SigningKeys keys = SigningKeys.generate(NOW);
    Duration every = Duration.ofDays(30);
    assertFalse(keys.rotationDue(NOW.plus(every).minusMillis(1), every));
    assertTrue(keys.rotationDue(NOW.plus(every), every));
    SigningKeys rotated = keys.rotated(NOW.plus(every));
    assertEquals(keys.current().getKeyID(), rotated.previous().getKeyID());
    assertEquals(2, rotated.publicJwks().getKeys().size());
    assertTrue(rotated.publicJwks().getKeys().stream().noneMatch(k -> k.isPrivate()), "only public halves");
    assertNull(keys.verificationKey("unknown"));
  }

  @Test
  void keysSurviveTheSecretRoundTripAndNeverShowInTextOrErrors() {
    SigningKeys keys = SigningKeys.generate(NOW).rotated(NOW.plusSeconds(5));
    Map<String, String> data = keys.toSecretData();
    SigningKeys read = SigningKeys.fromSecretData(data);
    assertEquals(keys.current().getKeyID(), read.current().getKeyID());
    assertEquals(keys.previous().getKeyID(), read.previous().getKeyID());
    assertEquals(keys.rotatedAt(), read.rotatedAt());
    assertTrue(read.current().isPrivate());
    String privatePart = keys.current().getD().toString();
    assertFalse(keys.toString().contains(privatePart));
    IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> SigningKeys.fromSecretData(
        Map.of("current.jwk", data.get("current.jwk").substring(4), "rotated-at", data.get("rotated-at"))));
    assertFalse(broken.getMessage().contains(data.get("current.jwk").substring(10, 30)));
    assertThrows(IllegalArgumentException.class, () -> SigningKeys.fromSecretData(Map.of()));
  }

  @Test
  void settingsComeFromTheEnvironmentAndTheRotationMustOutliveTheLongestToken() {
    TokenSettings defaults = TokenSettings.fromEnvironment(Map.of("TOKEN_PLAIN_HTTP", "true"));
    assertEquals(8080, defaults.port());
    assertEquals(TokenSettings.DEFAULT_ISSUER, defaults.issuer());
    assertEquals(AUDIENCE, defaults.audience());
    assertEquals(Duration.ofDays(30), defaults.keyRotation());
    assertEquals("appconnector-system", defaults.operatorNamespace());
    TokenSettings set = TokenSettings.fromEnvironment(Map.of("TOKEN_PORT", "9090", "TOKEN_URL",
        "https://auth.example.test/oauth2/token", "TOKEN_AUDIENCE", "api", "SIGNING_KEY_ROTATION", "48h",
        "OPERATOR_NAMESPACE", "ops", "WATCH_NAMESPACES", "a, b", "TOKEN_TLS_SECRET", "token-tls"));
    assertEquals("https://auth.example.test", set.issuer(), "the issuer the delivered tokenUrl implies");
    assertEquals("https://auth.example.test/oauth2/token", set.tokenEndpoint());
    assertEquals(Duration.ofHours(48), set.keyRotation());
    assertEquals(java.util.Set.of("a", "b"), set.watchNamespaces());
    assertEquals("https://issuer.example/", TokenSettings.fromEnvironment(Map.of("TOKEN_ISSUER", "https://issuer.example/",
        "TOKEN_PLAIN_HTTP", "true"))
        .issuer() + "/");
    assertThrows(IllegalArgumentException.class, () -> TokenSettings.fromEnvironment(Map.of("SIGNING_KEY_ROTATION", "23h",
        "TOKEN_PLAIN_HTTP", "true")));
  }
}
