package io.appconnector.operator.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Access tokens: JWTs in the RFC 9068 profile (typ at+jwt), signed ES256 by the current key. They
 * carry the tenant (the activation's namespace), the listing and the granted scopes, so the
 * platform's APIs decide from the token alone.
 */
public final class AccessTokens {
  public static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");
  public static final String TENANT = "tenant";
  public static final String LISTING = "listing";
  public static final String SCOPE = "scope";
  public static final String CLIENT_ID = "client_id";

  private final String issuer;
  private final String audience;
  /** The signer of the current key, made once per key: building one converts the JWK to a JCA key. */
  private volatile KeySigner signer;

  private record KeySigner(ECKey key, ECDSASigner signer) {
  }

  public AccessTokens(String issuer, String audience) {
    this.issuer = issuer;
    this.audience = audience;
  }

  /** A signed token and what the token response says about it. */
  public record Issued(String token, long expiresIn, String scope, String keyId) {
    @Override
    public String toString() {
      return "Issued[token=<redacted>, expiresIn=" + expiresIn + ", scope=" + scope + ", keyId=" + keyId + "]";
    }
  }

  /** The claims of a token for this grant and scopes, issued now (JWT times are whole seconds). */
  public JWTClaimsSet claims(ExchangeRules.Grant grant, List<String> scopes, Instant now) {
    Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(grant.clientId())
        .claim(CLIENT_ID, grant.clientId())
        .claim(TENANT, grant.tenant())
        .claim(LISTING, grant.listing())
        .claim(SCOPE, String.join(" ", scopes))
        .issueTime(Date.from(issuedAt))
        .expirationTime(Date.from(issuedAt.plus(grant.tokenLifetime())))
        .jwtID(UUID.randomUUID().toString())
        .build();
  }

  public Issued issue(ExchangeRules.Grant grant, List<String> scopes, SigningKeys keys, Instant now) {
    JWTClaimsSet claims = claims(grant, scopes, now);
    ECKey key = keys.current();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE).keyID(key.getKeyID()).build(),
        claims);
    try {
      jwt.sign(signerFor(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing an access token with key " + key.getKeyID() + " failed", e);
    }
    return new Issued(jwt.serialize(), grant.tokenLifetime().toSeconds(), String.join(" ", scopes), key.getKeyID());
  }

  private ECDSASigner signerFor(ECKey key) throws JOSEException {
    KeySigner cached = signer;
    if (cached == null || cached.key() != key) {
      // Nimbus signers are thread-safe; a race only builds one twice.
      cached = new KeySigner(key, new ECDSASigner(key));
      signer = cached;
    }
    return cached.signer();
  }

  /**
   * The claims of a token this server issued and that has not expired, or null: wrong form, type,
   * algorithm, key, signature, issuer or audience, or expired.
   */
  public JWTClaimsSet verify(String token, SigningKeys keys, Instant now) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      JWSHeader header = jwt.getHeader();
      ECKey key = keys.verificationKey(header.getKeyID());
      if (key == null || !JWSAlgorithm.ES256.equals(header.getAlgorithm()) || !TYPE.equals(header.getType())
          || !jwt.verify(new ECDSAVerifier(key))) {
        return null;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      boolean live = claims.getExpirationTime() != null && now.isBefore(claims.getExpirationTime().toInstant());
      boolean ours = issuer.equals(claims.getIssuer()) && claims.getAudience().contains(audience);
      return live && ours && claims.getSubject() != null ? claims : null;
    } catch (ParseException | JOSEException | RuntimeException e) {
      return null;
    }
  }
}
