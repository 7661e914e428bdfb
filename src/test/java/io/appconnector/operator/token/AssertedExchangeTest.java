package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import io.appconnector.operator.token.ExchangeRules.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Secretless clients at the token endpoint without a server: how a client assertion is read from
 * the request, and which rules refuse it before the assertion is even checked.
 */
class AssertedExchangeTest {
  static final String JWT_BEARER = ClientAuthentication.JWT_BEARER;
  /** A JWT whose claims are {"sub":"ac-1"}; its signature is never looked at here. */
  static final String ASSERTION = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhYy0xIn0.c2ln";

  static Map<String, String> form(String body) {
    return FormBody.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  static String assertionForm(String more) {
    return "grant_type=client_credentials&client_assertion_type=" + JWT_BEARER.replace(":", "%3A")
        + "&client_assertion=" + ASSERTION + more;
  }

  @Test
  void anAssertionNamesItsClientByClientIdOrByItsSubject() {
    TokenRequest withId = TokenRequest.from(null, form(assertionForm("&client_id=ac-9")));
    assertEquals("ac-9", withId.client().clientId());
    assertEquals(ClientAuthentication.Method.CLIENT_ASSERTION, withId.client().method());
    assertEquals(ASSERTION, withId.client().assertion());
    assertEquals("ac-1", TokenRequest.from(null, form(assertionForm(""))).client().clientId());
    assertFalse(withId.client().toString().contains(ASSERTION), "toString never shows the assertion");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("another assertion type", "grant_type=client_credentials&client_assertion_type=saml&client_assertion="
            + ASSERTION, "invalid_request"),
        Arguments.of("a type without an assertion", "grant_type=client_credentials&client_assertion_type="
            + JWT_BEARER, "invalid_request"),
        Arguments.of("an assertion without a type", "grant_type=client_credentials&client_assertion=" + ASSERTION,
            "invalid_request"),
        Arguments.of("an assertion and a client secret", assertionForm("&client_id=ac-1&client_secret=x"),
            "invalid_request"),
        Arguments.of("a ServiceAccount token without client_id", "grant_type=client_credentials&client_assertion_type="
            + JWT_BEARER + "&client_assertion=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6djpjIn0.c2ln",
            "invalid_client"),
        Arguments.of("an assertion that is no JWT and no client_id", "grant_type=client_credentials&client_assertion_type="
            + JWT_BEARER + "&client_assertion=garbage", "invalid_client"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("malformed")
  void malformedAssertionRequests(String name, String body, String error) {
    assertEquals(error, assertThrows(OAuthError.class, () -> TokenRequest.from(null, form(body))).error());
  }

  @Test
  void anAssertionBesideHttpBasicIsInvalidRequest() {
    assertEquals("invalid_request", assertThrows(OAuthError.class, () -> TokenRequest.from(
        List.of(Vendor.basicHeader("ac-1", "s")), form(assertionForm("")))).error());
  }

  static Activation secretless(Consumer<Activation> change) {
    return ExchangeRulesTest.active(a -> {
      a.getStatus().credential.verifier = null;
      a.getStatus().credential.clientAuthentication = ClientAuthenticationMethod.ServiceAccountToken;
      a.getStatus().credential.deliveredTo = "vendor-ledgerly/appconnector.tenant-acme.ledger";
      change.accept(a);
    });
  }

  static AppListing listing(ClientAuthenticationMethod method) {
    AppListing l = ExchangeRulesTest.listing("30m");
    l.getSpec().clientAuthentication = new AppListingSpec.ClientAuthentication();
    l.getSpec().clientAuthentication.method = method;
    return l;
  }

  static Arguments row(String name, Consumer<Activation> change, ClientAuthenticationMethod listing, Refusal refusal) {
    return Arguments.of(name, change, listing, refusal);
  }

  static Stream<Arguments> refusedBeforeTheAssertion() {
    ClientAuthenticationMethod sa = ClientAuthenticationMethod.ServiceAccountToken;
    return Stream.of(
        row("suspended", a -> a.getSpec().suspended = true, sa, Refusal.SUSPENDED),
        row("withdrawn (no longer delivered)", a -> a.getStatus().credential.deliveredTo = null, sa, Refusal.WITHDRAWN),
        row("expired unused", a -> a.getStatus().credential.expiredAt = ExchangeRulesTest.NOW.toString(), sa,
            Refusal.EXPIRED),
        row("reissued (revision raised)", a -> a.getSpec().revision = 1, sa, Refusal.REVISION_MISMATCH),
        row("not Active", a -> a.getStatus().phase = Phase.AwaitingConsent, sa, Refusal.NOT_ACTIVE),
        row("another client ID", a -> a.getStatus().credential.clientId = "ac-2", sa, Refusal.UNKNOWN_CLIENT),
        row("a client-secret client", a -> {
          a.getStatus().credential.clientAuthentication = null;
          a.getStatus().credential.verifier = io.appconnector.operator.credentials.SecretVerifier.create("s");
        }, sa, Refusal.WRONG_METHOD),
        row("the listing now says PrivateKeyJWT", a -> { }, ClientAuthenticationMethod.PrivateKeyJWT,
            Refusal.WRONG_METHOD),
        row("TrustedOnly from an untrusted source", a -> a.getSpec().networkSecurity = NetworkSecurity.TrustedOnly, sa,
            Refusal.UNTRUSTED_SOURCE));
  }

  @ParameterizedTest(name = "{0} -> {3}, the assertion unchecked")
  @MethodSource("refusedBeforeTheAssertion")
  void everyOtherRuleRefusesBeforeTheAssertionIsChecked(String name, Consumer<Activation> change,
      ClientAuthenticationMethod listing, Refusal refusal) {
    AtomicInteger checked = new AtomicInteger();
    ExchangeRules.Verdict verdict = ExchangeRules.decideAsserted("ac-1", secretless(change), listing(listing),
        List.of(), ExchangeRulesTest.LOOPBACK, ExchangeRulesTest.NOW, Duration.ofHours(1), (a, l) -> {
          checked.incrementAndGet();
          return null;
        });
    assertEquals(refusal, verdict.refusal());
    assertEquals(0, checked.get(), "no TokenReview and no signature check for a client refused anyway");
  }

  @Test
  void aProvenAssertionGrantsTheRecordedScopesAndARefusedOneSaysWhyInTheLog() {
    ExchangeRules.Verdict granted = ExchangeRules.decideAsserted("ac-1", secretless(a -> { }),
        listing(ClientAuthenticationMethod.ServiceAccountToken), List.of(), ExchangeRulesTest.LOOPBACK,
        ExchangeRulesTest.NOW, Duration.ofHours(1), (a, l) -> null);
    assertTrue(granted.allowed());
    assertEquals(List.of("invoices.read", "contacts.read"), granted.grant().scopes());
    assertFalse(granted.grant().firstUseRecorded(), "the first exchange records first use, stopping the expiry");
    ExchangeRules.Verdict refused = ExchangeRules.decideAsserted("ac-1", secretless(a -> { }),
        listing(ClientAuthenticationMethod.ServiceAccountToken), List.of(), ExchangeRulesTest.LOOPBACK,
        ExchangeRulesTest.NOW, Duration.ofHours(1), (a, l) -> "another_service_account");
    assertEquals(Refusal.ASSERTION_REFUSED, refused.refusal());
    assertEquals("another_service_account", refused.detail());
  }

  @Test
  void aSecretPresentedForASecretlessClientIsRefused() {
    assertEquals(Refusal.WRONG_METHOD, ExchangeRules.decide("ac-1", "anything", secretless(a -> { }),
        listing(ClientAuthenticationMethod.ServiceAccountToken), List.of(), ExchangeRulesTest.LOOPBACK,
        ExchangeRulesTest.NOW, ExchangeRules.DEFAULT_TOKEN_LIFETIME).refusal());
  }
}
