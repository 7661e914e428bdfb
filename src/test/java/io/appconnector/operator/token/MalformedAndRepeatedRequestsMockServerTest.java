package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests of the wrong form get RFC 6749 errors; guessing one client's secret is bounded. */
class MalformedAndRepeatedRequestsMockServerTest extends TokenMockServerScenarios {
  Vendor.Mounted credentials(String name) {
    AppListing l = listing(vendorListing(name, vendorNs, "invoices.read"));
    Vendor.Mounted mounted = mounted(create(activation(tenant, name, l.getMetadata().getName(), "invoices.read")));
    awaitPhase(tenant, name, Phase.Active);
    return servedWithFullAllowance(mounted);
  }

  static void assertError(int status, String error, Vendor.Reply reply) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals(error, reply.error());
    assertTrue(reply.json().get("error_description") instanceof String);
    assertEquals("no-store", reply.header("Cache-Control"));
    assertEquals("no-cache", reply.header("Pragma"));
  }

  @Test
  void malformedRequestsGetInvalidRequestAndOtherGrantsUnsupportedGrantType() {
    Vendor.Mounted c = credentials("ledger");
    String url = c.tokenUrl();
    Map<String, String> basic = Map.of("Authorization", Vendor.basicHeader(c.clientId(), c.clientSecret()));

    Vendor.Reply get = vendor.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    assertError(405, "invalid_request", get);
    assertEquals("POST", get.header("Allow"));
    assertError(400, "invalid_request", vendor.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json").header("Authorization", basic.get("Authorization"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build()));
    String huge = "grant_type=client_credentials&padding=" + "x".repeat(20 * 1024);
    assertError(400, "invalid_request", vendor.post(url, huge, basic));
    assertError(400, "invalid_request", vendor.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", basic.get("Authorization"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge.getBytes()))).build()));
    assertError(400, "invalid_request", vendor.post(url, "grant_type=client_credentials&grant_type=client_credentials", basic));
    assertError(400, "invalid_request", vendor.post(url, "scope=invoices.read", basic));
    assertError(400, "invalid_request", vendor.post(url, "grant_type=client_credentials&scope=%zz", basic));
    assertError(400, "unsupported_grant_type", vendor.post(url, "grant_type=password&username=a&password=b", basic));
    assertError(400, "invalid_request", vendor.post(url, "grant_type=client_credentials&client_id=" + c.clientId()
        + "&client_secret=" + c.clientSecret(), basic));
    assertError(400, "invalid_request", vendor.post(url, "grant_type=client_credentials",
        Map.of("Authorization", "Basic not*base64")));
    assertError(401, "invalid_client", vendor.post(url, "grant_type=client_credentials", Map.of()));
    assertError(404, "invalid_request", vendor.post(vendor.base() + "/oauth2/tokens", "grant_type=client_credentials", basic));
    assertError(405, "invalid_request", vendor.post(vendor.base() + "/.well-known/jwks.json", "", Map.of()));
    assertEquals(200, vendor.basic(c, null).status(), "the same credentials in a well-formed request are served");
  }

  @Test
  void guessingOneClientsSecretIsBoundedAndOnceBoundEvenTheRightSecretWaits() {
    Vendor.Mounted target = credentials("ledger");
    Vendor.Mounted bystander = credentials("stock");
    Vendor.Mounted guess = target.withSecret("guess");
    int perClient = GuessingLimits.Limits.DEFAULT.perClient();
    for (int i = 1; i <= perClient; i++) {
      assertError(401, "invalid_client", vendor.basic(guess, null));
    }
    Vendor.Reply bound = vendor.basic(guess, null);
    assertEquals(429, bound.status(), bound.toString());
    assertEquals("6", bound.header("Retry-After"), "one more failure is allowed every 6 s");
    Vendor.Reply right = vendor.basic(target, null);
    assertEquals(429, right.status(), "refused before the secret is checked, so a right guess teaches nothing");
    assertEquals(200, vendor.basic(bystander, null).status(), "another client ID is not held back");

    clock.jumpTo(clock.instant().plusSeconds(6));
    assertEquals(200, vendor.basic(target, null).status(), "served again once a failure refilled");
    assertEquals(401, vendor.basic(guess, null).status(), "a success gives nothing back: one guess, then bound again");
    assertEquals(429, vendor.basic(guess, null).status());
    System.out.printf("RELIABILITY guessing: perClientPerMinute=%d perSourcePerMinute=%d boundAfter=%d "
        + "rightSecretWhileBound=%d%n", perClient, GuessingLimits.Limits.DEFAULT.perSource(), perClient, right.status());
  }

}
