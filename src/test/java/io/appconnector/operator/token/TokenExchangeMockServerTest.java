package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jwt.JWTClaimsSet;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.values.Times;
import io.appconnector.operator.support.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Vendors exchange delivered credentials for tokens that the platform's APIs verify with the JWKS. */
class TokenExchangeMockServerTest extends TokenMockServerScenarios {
  JwksVerifier verifier() throws Exception {
    Map<String, Object> metadata = vendor.get("/.well-known/oauth-authorization-server").json();
    String jwksPath = java.net.URI.create((String) metadata.get("jwks_uri")).getPath();
    return new JwksVerifier(vendor.get(jwksPath).json(), (String) metadata.get("issuer"), "appconnector-platform-api",
        clock);
  }

  @Test
  void aVendorExchangesTheDeliveredSecretByBasicOrFormAuthAndTheTokenVerifiesAgainstThePublishedJwks() throws Exception {
    AppListing listing = vendorListing("ledger", vendorNs, "invoices.read", "contacts.read");
    listing.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    listing.getSpec().credentialPolicy.accessTokenLifetime = "15m";
    AppListing l = listing(listing);
    Activation a = create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read", "contacts.read"));
    awaitPhase(tenant, "ledger", Phase.Active);
    Vendor.Mounted mounted = mounted(a);
    assertEquals(server.settings().tokenEndpoint(), mounted.tokenUrl(), "the Secret names this endpoint");

    Vendor.Reply basic = awaitServed(mounted);
    assertEquals(200, basic.status(), basic.toString());
    assertEquals("no-store", basic.header("Cache-Control"));
    assertEquals("no-cache", basic.header("Pragma"));
    assertEquals("Bearer", basic.json().get("token_type"));
    assertEquals(900, basic.json().get("expires_in"), "the listing's accessTokenLifetime");
    assertEquals("invoices.read contacts.read", basic.json().get("scope"));

    JWTClaimsSet claims = verifier().verify(basic.token());
    assertEquals(mounted.clientId(), claims.getSubject());
    assertEquals(tenant, claims.getStringClaim("tenant"));
    assertEquals("invoices.read contacts.read", claims.getStringClaim("scope"));
    assertEquals(l.getMetadata().getName(), claims.getStringClaim("listing"));
    assertEquals(List.of("appconnector-platform-api"), claims.getAudience());
    assertEquals(server.settings().issuer(), claims.getIssuer());
    assertEquals(Duration.ofMinutes(15), Duration.between(claims.getIssueTime().toInstant(),
        claims.getExpirationTime().toInstant()));
    assertEquals(server.keys().current().current().getKeyID(), JwksVerifier.keyId(basic.token()));

    Vendor.Reply form = vendor.formAuth(mounted, null);
    assertEquals(200, form.status(), form.toString());
    JWTClaimsSet second = verifier().verify(form.token());
    assertEquals(mounted.clientId(), second.getSubject());
    assertFalse(second.getJWTID().equals(claims.getJWTID()), "every token has its own jti");
  }

  @Test
  void theMetadataNamesTheEndpointsAndWhatTheyAccept() {
    Map<String, Object> metadata = vendor.get("/.well-known/oauth-authorization-server").json();
    String issuer = server.settings().issuer();
    assertEquals(issuer, metadata.get("issuer"));
    assertEquals(issuer + "/oauth2/token", metadata.get("token_endpoint"));
    assertEquals(issuer + "/.well-known/jwks.json", metadata.get("jwks_uri"));
    assertEquals(issuer + "/oauth2/introspect", metadata.get("introspection_endpoint"));
    assertEquals(List.of("client_credentials"), metadata.get("grant_types_supported"));
    assertEquals(List.of("client_secret_basic", "client_secret_post", "kubernetes_service_account_token",
        "private_key_jwt"), metadata.get("token_endpoint_auth_methods_supported"));
    assertEquals(List.of("ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512"),
        metadata.get("token_endpoint_auth_signing_alg_values_supported"), "what private_key_jwt may be signed with");
    assertEquals(List.of(), metadata.get("response_types_supported"));
    Map<String, Object> jwks = vendor.get("/.well-known/jwks.json").json();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> keys = (List<Map<String, Object>>) jwks.get("keys");
    assertEquals(1, keys.size(), "one key before the first rotation");
    assertEquals("EC", keys.get(0).get("kty"));
    assertEquals("P-256", keys.get(0).get("crv"));
    assertNull(keys.get(0).get("d"), "only public keys are published");
  }

  @Test
  void aNarrowerScopeIsGrantedAndAWiderOneIsRefused() throws Exception {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read", "contacts.read", "payments.read"));
    Activation request = activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read", "contacts.read",
        "payments.read");
    request.getSpec().scopes = new io.appconnector.operator.api.v1alpha1.ActivationSpec.Scopes();
    request.getSpec().scopes.declined = List.of("payments.read");
    Activation a = create(request);
    awaitPhase(tenant, "ledger", Phase.Active);
    Vendor.Mounted mounted = mounted(a);

    Vendor.Reply narrow = awaitServed(mounted, "contacts.read");
    assertEquals(200, narrow.status(), narrow.toString());
    assertEquals("contacts.read", narrow.json().get("scope"));
    assertEquals("contacts.read", verifier().verify(narrow.token()).getStringClaim("scope"));

    Vendor.Reply declined = vendor.basic(mounted, "invoices.read payments.read");
    assertEquals(400, declined.status());
    assertEquals("invalid_scope", declined.error());
    assertEquals("no-store", declined.header("Cache-Control"));
  }

  @Test
  void theFirstExchangeRecordsFirstUseSoTheCredentialKeepsWorkingPastItsDeadline() throws Exception {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Activation used = create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    Activation unused = create(activation(otherTenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    Instant expiresAt = Times.parse(awaitPhase(tenant, "ledger", Phase.Active).getStatus().credential.expiresAt);
    awaitPhase(otherTenant, "ledger", Phase.Active);
    Vendor.Mounted usedSecret = mounted(used);
    Vendor.Mounted unusedSecret = mounted(unused);

    Instant before = clock.instant();
    assertEquals(200, awaitServed(usedSecret).status());
    String firstUsedAt = get(tenant, "ledger").getStatus().credential.firstUsedAt;
    assertNotNull(firstUsedAt, "recorded before the token was returned");
    assertFalse(Times.parse(firstUsedAt).isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
    assertEquals(1, firstUsesRecorded());
    assertEquals(200, vendor.basic(usedSecret, null).status());
    assertEquals(1, firstUsesRecorded(), "a second exchange writes nothing");
    assertEquals(firstUsedAt, get(tenant, "ledger").getStatus().credential.firstUsedAt);

    // Past the unused-credential deadline, as a restarted operator sees it.
    stopOperator();
    clock.jumpTo(expiresAt.plusSeconds(60));
    startOperator();
    Activation expired = awaitPhase(otherTenant, "ledger", Phase.Expired);
    assertNotNull(expired.getStatus().credential.expiredAt);
    Await.until("the used activation reconciled past its deadline", () -> get(tenant, "ledger").getStatus().message,
        m -> m.contains("in use since"));
    assertEquals(Phase.Active, get(tenant, "ledger").getStatus().phase);
    assertEquals(200, vendor.basic(usedSecret, null).status(), "a used credential no longer expires");
    Vendor.Reply refused = vendor.basic(unusedSecret, null);
    assertEquals(401, refused.status(), "the unused one expired");
    assertEquals("invalid_client", refused.error());
  }
}
