package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.support.Await;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 7662 introspection: only named callers may ask, and a token is active only while its credential is. */
class TokenIntrospectionMockServerTest extends TokenMockServerScenarios {
  static final String PASSWORD = "orders-api-password-for-tests";

  Vendor.Reply introspect(String token, String password) {
    return vendor.post(vendor.base() + "/oauth2/introspect", Vendor.form(Map.of("token", token)),
        Map.of("Authorization", Vendor.basicHeader("orders-api", password)));
  }

  @Test
  void aLiveTokenIsActiveWithItsClaimsAndStopsBeingActiveWhenItsCredentialIsSuspended() {
    client().resource(new SecretBuilder().withNewMetadata().withNamespace(operatorNs)
        .withName(server.settings().introspectionSecret()).endMetadata()
        .addToData("orders-api", Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)))
        .build()).create();
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Activation a = create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    awaitPhase(tenant, "ledger", Phase.Active);
    Vendor.Mounted c = mounted(a);
    String token = awaitServed(c).token();

    Vendor.Reply active = Await.until("the caller Secret is seen", () -> introspect(token, PASSWORD),
        r -> r.status() == 200);
    assertEquals(true, active.json().get("active"));
    assertEquals(c.clientId(), active.json().get("sub"));
    assertEquals(c.clientId(), active.json().get("client_id"));
    assertEquals(tenant, active.json().get("tenant"));
    assertEquals("invoices.read", active.json().get("scope"));
    assertEquals(l.getMetadata().getName(), active.json().get("listing"));
    assertEquals("no-store", active.header("Cache-Control"));

    TokenRefusalsMockServerTest.assertRefused(introspect(token, "wrong"));
    TokenRefusalsMockServerTest.assertRefused(vendor.post(vendor.base() + "/oauth2/introspect",
        Vendor.form(Map.of("token", token)), Map.of()));
    assertEquals(Map.of("active", false), introspect("not.a.token", PASSWORD).json());

    edit(tenant, "ledger", s -> s.suspended = true);
    awaitPhase(tenant, "ledger", Phase.Suspended);
    assertEquals(Map.of("active", false), Await.until("inactive once suspended", () -> introspect(token, PASSWORD).json(),
        j -> Boolean.FALSE.equals(j.get("active"))));

    // Restored later: a new secret, and tokens from before stay over.
    clock.jumpTo(clock.instant().plus(Duration.ofSeconds(5)));
    edit(tenant, "ledger", s -> s.suspended = false);
    Activation restored = awaitPhase(tenant, "ledger", Phase.Active);
    Vendor.Mounted renewed = Await.until("a new secret delivered", () -> mounted(restored),
        m -> !m.clientSecret().equals(c.clientSecret()));
    String fresh = awaitServed(renewed).token();
    assertEquals(true, Await.until("the fresh token is active", () -> introspect(fresh, PASSWORD).json(),
        j -> Boolean.TRUE.equals(j.get("active"))).get("active"));
    assertEquals(Map.of("active", false), introspect(token, PASSWORD).json(), "a token from before the restore stays over");
  }
}
