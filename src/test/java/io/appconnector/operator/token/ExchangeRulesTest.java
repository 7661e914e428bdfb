package io.appconnector.operator.token;

import static io.appconnector.operator.token.ExchangeRules.Refusal.DEACTIVATED;
import static io.appconnector.operator.token.ExchangeRules.Refusal.EXPIRED;
import static io.appconnector.operator.token.ExchangeRules.Refusal.NOT_ACTIVE;
import static io.appconnector.operator.token.ExchangeRules.Refusal.NO_LISTING;
import static io.appconnector.operator.token.ExchangeRules.Refusal.REVISION_MISMATCH;
import static io.appconnector.operator.token.ExchangeRules.Refusal.SUSPENDED;
import static io.appconnector.operator.token.ExchangeRules.Refusal.UNKNOWN_CLIENT;
import static io.appconnector.operator.token.ExchangeRules.Refusal.UNTRUSTED_SOURCE;
import static io.appconnector.operator.token.ExchangeRules.Refusal.WITHDRAWN;
import static io.appconnector.operator.token.ExchangeRules.Refusal.WRONG_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.appconnector.operator.credentials.SecretVerifier;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Who may exchange credentials, decided without a server from cached objects and the time. */
class ExchangeRulesTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final String SECRET = "the-delivered-secret";
  static final byte[] LOOPBACK = {127, 0, 0, 1};

  static Activation active(Consumer<Activation> change) {
    Activation a = Fixtures.activation("tenant-acme", "ledger", "ledgerly", "invoices.read", "contacts.read");
    a.setStatus(new ActivationStatus());
    a.getStatus().phase = Phase.Active;
    ActivationStatus.Credential c = new ActivationStatus.Credential();
    c.clientId = "ac-1";
    c.verifier = SecretVerifier.create(SECRET);
    c.revision = 0L;
    c.grantedScopes = List.of("invoices.read", "contacts.read");
    c.issuedAt = NOW.minus(Duration.ofHours(1)).toString();
    c.expiresAt = NOW.plus(Duration.ofHours(47)).toString();
    a.getStatus().credential = c;
    change.accept(a);
    return a;
  }

  static AppListing listing(String tokenLifetime) {
    AppListing l = Fixtures.vendorListing("ledgerly", "vendor-ledgerly", "invoices.read", "contacts.read");
    l.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    l.getSpec().credentialPolicy.accessTokenLifetime = tokenLifetime;
    return l;
  }

  static ExchangeRules.Verdict decide(Activation a, String secret, List<TrustedNetwork> networks, byte[] source,
      Instant now) {
    return decide("ac-1", secret, a, listing("30m"), networks, source, now);
  }

  static ExchangeRules.Verdict decide(String clientId, String secret, Activation a, AppListing listing,
      List<TrustedNetwork> networks, byte[] source, Instant now) {
    return ExchangeRules.decide(clientId, secret, a, listing, networks, source, now,
        ExchangeRules.DEFAULT_TOKEN_LIFETIME);
  }

  static ExchangeRules.Refusal refusal(Consumer<Activation> change) {
    return decide(active(change), SECRET, List.of(), LOOPBACK, NOW).refusal();
  }

  static TrustedNetwork network(String name, List<String> cidrs, List<String> exceptions) {
    TrustedNetwork n = new TrustedNetwork();
    n.setMetadata(new ObjectMetaBuilder().withNamespace("tenant-acme").withName(name).withResourceVersion("1").build());
    n.setSpec(new TrustedNetworkSpec());
    n.getSpec().cidrs = cidrs;
    n.getSpec().exceptions = exceptions;
    return n;
  }

  @Test
  void theRightSecretOfAnActiveCredentialGrantsItsScopesForTheListingsTokenLifetime() {
    ExchangeRules.Verdict verdict = decide(active(a -> { }), SECRET, List.of(), LOOPBACK, NOW);
    assertTrue(verdict.allowed());
    ExchangeRules.Grant grant = verdict.grant();
    assertEquals("tenant-acme", grant.tenant());
    assertEquals("ledger", grant.activation());
    assertEquals("ledgerly", grant.listing());
    assertEquals(List.of("invoices.read", "contacts.read"), grant.scopes());
    assertEquals(Duration.ofMinutes(30), grant.tokenLifetime());
    assertEquals(false, grant.firstUseRecorded(), "the first exchange must record first use");
    assertEquals(true, decide(active(a -> a.getStatus().credential.firstUsedAt = NOW.toString()), SECRET, List.of(),
        LOOPBACK, NOW).grant().firstUseRecorded());
  }

  @Test
  void everyReasonACredentialIsNotUsableRefusesIt() {
    assertEquals(UNKNOWN_CLIENT, decide(null, SECRET, List.of(), LOOPBACK, NOW).refusal());
    assertEquals(UNKNOWN_CLIENT, refusal(a -> a.getStatus().credential.clientId = "ac-2"));
    assertEquals(WRONG_SECRET, decide(active(a -> { }), "guess", List.of(), LOOPBACK, NOW).refusal());
    assertEquals(SUSPENDED, refusal(a -> a.getSpec().suspended = true));
    assertEquals(SUSPENDED, refusal(a -> a.getStatus().phase = Phase.Suspended));
    assertEquals(WITHDRAWN, refusal(a -> a.getStatus().credential.verifier = null));
    assertEquals(DEACTIVATED, refusal(a -> a.getMetadata().setDeletionTimestamp(NOW.toString())));
    assertEquals(REVISION_MISMATCH, refusal(a -> a.getSpec().revision = 1));
    assertEquals(NOT_ACTIVE, refusal(a -> a.getStatus().phase = Phase.AwaitingConsent));
    assertEquals(EXPIRED, refusal(a -> a.getStatus().credential.expiredAt = NOW.toString()));
    assertEquals(EXPIRED, refusal(a -> a.getStatus().credential.expiresAt = NOW.toString()), "at the deadline");
    assertEquals(NO_LISTING, decide("ac-1", SECRET, active(a -> { }), null, List.of(), LOOPBACK, NOW)
        .refusal());
  }

  @Test
  void aUsedCredentialOutlivesItsUnusedCredentialDeadline() {
    Activation used = active(a -> a.getStatus().credential.firstUsedAt = NOW.toString());
    Instant later = NOW.plus(Duration.ofDays(30));
    assertTrue(decide(used, SECRET, List.of(), LOOPBACK, later).allowed());
    assertEquals(EXPIRED, decide(active(a -> { }), SECRET, List.of(), LOOPBACK, later).refusal());
  }

  @Test
  void trustedOnlyAdmitsSourcesInsideATrustedNetworkAndOutsideItsExceptions() throws Exception {
    Activation fenced = active(a -> a.getSpec().networkSecurity = NetworkSecurity.TrustedOnly);
    TrustedNetwork offices = network("offices", List.of("192.0.2.0/24", "2001:db8:a::/48"), List.of("192.0.2.192/26"));
    List<TrustedNetwork> networks = List.of(offices);
    assertTrue(decide(fenced, SECRET, networks, ip("192.0.2.10"), NOW).allowed());
    assertTrue(decide(fenced, SECRET, networks, ip("2001:db8:a::1"), NOW).allowed());
    assertEquals(UNTRUSTED_SOURCE, decide(fenced, SECRET, networks, ip("192.0.2.200"), NOW).refusal(), "an exception");
    assertEquals(UNTRUSTED_SOURCE, decide(fenced, SECRET, networks, ip("198.51.100.1"), NOW).refusal());
    assertEquals(UNTRUSTED_SOURCE, decide(fenced, SECRET, List.of(), LOOPBACK, NOW).refusal(), "no network: deny");
    assertEquals(UNTRUSTED_SOURCE, decide(fenced, SECRET, networks, null, NOW).refusal());
    assertTrue(decide(active(a -> { }), SECRET, List.of(), ip("198.51.100.1"), NOW).allowed(), "Unrestricted");
  }

  @Test
  void unreadableCidrsNarrowAccessAndNeverWidenIt() throws Exception {
    TrustedNetwork badCidr = network("bad-cidr", List.of("10.0.0.0/33", "198.51.100.0/24"), null);
    assertTrue(TrustedSources.allows(List.of(badCidr), ip("198.51.100.7")), "the valid CIDR still counts");
    assertEquals(false, TrustedSources.allows(List.of(badCidr), ip("10.0.0.1")));
    TrustedNetwork badException = network("bad-exception", List.of("203.0.113.0/24"), List.of("203.0.113.300/32"));
    assertEquals(false, TrustedSources.allows(List.of(badException), ip("203.0.113.5")),
        "an unreadable exception leaves its whole network out");
    TrustedNetwork other = network("other", List.of("203.0.113.0/24"), null);
    assertTrue(TrustedSources.allows(List.of(badException, other), ip("203.0.113.5")), "other networks still count");
  }

  @Test
  void tokenLifetimeComesFromTheListingWithinOneMinuteAndTwentyFourHours() {
    assertEquals(Duration.ofHours(1), lifetime(Fixtures.vendorListing("l", "v")), "default 1h");
    assertEquals(Duration.ofMinutes(90), lifetime(listing("1h30m")));
    assertEquals(Duration.ofHours(24), lifetime(listing("48h")));
    assertEquals(Duration.ofMinutes(1), lifetime(listing("5s")));
    assertEquals(Duration.ofHours(1), lifetime(listing("soon")));
  }

  static byte[] ip(String literal) throws Exception {
    return InetAddress.getByName(literal).getAddress();
  }

  private static Duration lifetime(AppListing listing) {
    return ExchangeRules.tokenLifetime(listing, ExchangeRules.DEFAULT_TOKEN_LIFETIME);
  }
}
