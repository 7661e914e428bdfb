package io.appconnector.operator.logic;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.values.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Activations of listings whose vendor authenticates without a secret: the same lifecycle (issue,
 * repair, suspend, expire, revision), with a record that holds no verifier and a delivered Secret
 * that must hold no secret. One row per case, at a fixed time.
 */
class SecretlessPlanTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static final Instant ISSUED = NOW.minus(Duration.ofHours(1));
  static final String SECRET = "a-secret-someone-added";

  /** What a case starts from: the activation (its record set), the listing, and the delivered Secret or null. */
  record Situation(Activation activation, AppListing listing, DeliveredCredentials delivered) {
  }

  static AppListing listing(ClientAuthenticationMethod method) {
    AppListing listing = vendorListing("ledger", "vendor-ledger", "invoices.read");
    listing.getSpec().clientAuthentication = new AppListingSpec.ClientAuthentication();
    listing.getSpec().clientAuthentication.method = method;
    listing.getSpec().clientAuthentication.serviceAccountName =
        method == ClientAuthenticationMethod.ServiceAccountToken ? "connector" : null;
    return listing;
  }

  /** An Active activation holding a record issued an hour ago for {@code method}, delivered as the operator writes it. */
  static Situation holding(ClientAuthenticationMethod method, Consumer<Situation> change) {
    Activation a = activation("tenant-acme", "ledger", "ledger", "invoices.read");
    ActivationStatus.Credential record = new ActivationStatus.Credential();
    record.clientId = "ac-1";
    record.revision = 0L;
    record.grantedScopes = List.of("invoices.read");
    record.deliveredTo = "vendor-ledger/" + DeliveryNames.secretName(a);
    record.issuedAt = Times.formatPrecise(ISSUED);
    record.expiresAt = Times.formatPrecise(ISSUED.plus(Duration.ofHours(48)));
    if (method == ClientAuthenticationMethod.ClientSecret) {
      record.verifier = SecretVerifier.create(SECRET);
    } else {
      record.clientAuthentication = method;
    }
    a.setStatus(new ActivationStatus());
    a.getStatus().phase = Phase.Active;
    a.getStatus().credential = record;
    DeliveredCredentials delivered = new DeliveredCredentials("vendor-ledger", DeliveryNames.secretName(a),
        a.getMetadata().getUid(), 0, "ac-1", method == ClientAuthenticationMethod.ClientSecret ? SECRET : null,
        ISSUED, ISSUED.plus(Duration.ofHours(48)), record.grantedScopes, DeliveredContent.expected(a, record, null));
    Situation situation = new Situation(a, listing(ClientAuthenticationMethod.ServiceAccountToken), delivered);
    change.accept(situation);
    return situation;
  }

  /** The same Secret with a clientSecret key someone added. */
  static Situation withSecretAdded(Situation s) {
    DeliveredCredentials d = s.delivered();
    return new Situation(s.activation(), s.listing(), new DeliveredCredentials(d.namespace(), d.name(),
        d.activationUid(), d.revision(), d.clientId(), SECRET, d.issuedAt(), d.expiresAt(), d.scopes(), d.content()));
  }

  static Situation fresh(ClientAuthenticationMethod method) {
    return new Situation(activation("tenant-acme", "ledger", "ledger", "invoices.read"), listing(method), null);
  }

  static ActivationPlan plan(Situation s, Instant now) {
    return ActivationPlanner.plan(new ActivationPlanner.Observed(s.activation(), s.listing(), List.of(s.activation()),
        null, s.delivered(), now));
  }

  static Arguments row(String name, Situation situation, Instant now, CredentialAction action, Phase phase,
      String event) {
    return Arguments.of(name, situation, now, action, phase, event);
  }

  static Stream<Arguments> cases() {
    ClientAuthenticationMethod sa = ClientAuthenticationMethod.ServiceAccountToken;
    return Stream.of(
        row("a new ServiceAccountToken activation is issued a client ID", fresh(sa), NOW,
            CredentialAction.ISSUE_NEW_CLIENT, Phase.Active, "CredentialsIssued"),
        row("a new PrivateKeyJWT activation is issued a client ID", fresh(ClientAuthenticationMethod.PrivateKeyJWT),
            NOW, CredentialAction.ISSUE_NEW_CLIENT, Phase.Active, "CredentialsIssued"),
        row("a delivered Secret without a secret agrees with its record", holding(sa, s -> { }), NOW,
            CredentialAction.NONE, Phase.Active, null),
        row("a secret someone added to it is removed by delivering it again", withSecretAdded(holding(sa, s -> { })),
            NOW, CredentialAction.ISSUE_SAME_CLIENT, Phase.Active, "DeliveredSecretReplaced"),
        row("the delivered Secret lost: delivered again for the same client ID", new Situation(
            holding(sa, s -> { }).activation(), listing(sa), null), NOW, CredentialAction.ISSUE_SAME_CLIENT,
            Phase.Active, "CredentialsRedelivered"),
        row("the listing moved from ClientSecret to ServiceAccountToken: reissued without a secret",
            holding(ClientAuthenticationMethod.ClientSecret, s -> { }), NOW, CredentialAction.ISSUE_SAME_CLIENT,
            Phase.Active, "ClientAuthenticationChanged"),
        row("suspended: the delivered Secret is withdrawn", holding(sa, s -> s.activation().getSpec().suspended = true),
            NOW, CredentialAction.WITHDRAW, Phase.Suspended, "Suspended"),
        row("unused past its deadline: expired", holding(sa, s -> { }), ISSUED.plus(Duration.ofHours(48)),
            CredentialAction.EXPIRE, Phase.Expired, "CredentialsExpired"),
        row("used once: no deadline applies", holding(sa, s -> s.activation().getStatus().credential.firstUsedAt =
            Times.formatPrecise(NOW)), ISSUED.plus(Duration.ofDays(30)), CredentialAction.NONE, Phase.Active, null),
        row("a raised revision issues a new client ID", holding(sa, s -> s.activation().getSpec().revision = 1), NOW,
            CredentialAction.ISSUE_NEW_CLIENT, Phase.Active, "CredentialsIssued"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void secretlessLifecycle(String name, Situation situation, Instant now, CredentialAction action, Phase phase,
      String event) {
    ActivationPlan plan = plan(situation, now);
    assertEquals(action, plan.action());
    assertEquals(phase, plan.phase());
    assertEquals(event, plan.event() == null ? null : plan.event().name());
    assertEquals(situation.listing().getSpec().clientAuthenticationMethod(), plan.clientAuthentication(),
        "the executor issues for the listing's method");
  }

  @org.junit.jupiter.api.Test
  void theTenantIsToldNoSecretExistsAndARemovedSecretIsSaidSo() {
    ActivationPlan fresh = plan(fresh(ClientAuthenticationMethod.ServiceAccountToken), NOW);
    assertEquals(true, fresh.message().contains("a client ID and no secret: the vendor authenticates by "
        + "ServiceAccountToken"), fresh.message());
    ActivationPlan replaced = plan(withSecretAdded(holding(ClientAuthenticationMethod.ServiceAccountToken, s -> { })),
        NOW);
    String said = io.appconnector.operator.values.Conditions.find(replaced.conditions(),
        io.appconnector.operator.values.Conditions.CREDENTIALS_ISSUED).getMessage();
    assertEquals("The delivered Secret held a secret although this client authenticates without one; it was "
        + "delivered again without it at " + Times.formatPrecise(NOW) + ".", said);
  }
}
