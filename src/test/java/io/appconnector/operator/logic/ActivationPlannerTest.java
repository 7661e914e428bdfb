package io.appconnector.operator.logic;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.billable;
import static io.appconnector.operator.Fixtures.platformListing;
import static io.appconnector.operator.Fixtures.vendorListing;
import static io.appconnector.operator.Fixtures.withLifetime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.values.Conditions;
import io.appconnector.operator.values.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActivationPlannerTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static final Duration H48 = Duration.ofHours(48);

  final AppListing ledger = vendorListing("ledger", "vendor-ledger", "invoices.read", "contacts.read");
  final Activation acme = activation("tenant-acme", "ledger", "ledger", "invoices.read", "contacts.read");

  static ActivationPlan plan(Activation a, AppListing listing, DeliveredCredentials delivered, Instant now) {
    return ActivationPlanner.plan(new ActivationPlanner.Observed(a, listing, List.of(a), null, delivered, now));
  }

  static String readyReason(ActivationPlan plan) {
    return Conditions.find(plan.conditions(), Conditions.READY).getReason();
  }

  /** A Secret as the operator delivers it: everything it says agrees with the record made of it. */
  DeliveredCredentials delivered(Activation a, String clientId, String secret, Instant issuedAt, long revision) {
    ActivationStatus.Credential said = new ActivationStatus.Credential();
    said.clientId = clientId;
    said.revision = revision;
    said.issuedAt = Times.formatPrecise(issuedAt);
    said.expiresAt = Times.formatPrecise(issuedAt.plus(H48));
    said.grantedScopes = List.of("invoices.read", "contacts.read");
    return new DeliveredCredentials("vendor-ledger", DeliveryNames.secretName(a), a.getMetadata().getUid(), revision,
        clientId, secret, issuedAt, issuedAt.plus(H48), said.grantedScopes, DeliveredContent.expected(a, said, null));
  }

  /** The same Secret with one of the things it says changed, as a vendor could. */
  static DeliveredCredentials edited(DeliveredCredentials d, String key, String value) {
    java.util.Map<String, String> content = new java.util.LinkedHashMap<>(d.content());
    content.put(key, value);
    return new DeliveredCredentials(d.namespace(), d.name(), d.activationUid(), d.revision(), d.clientId(),
        d.clientSecret(), d.issuedAt(), d.expiresAt(), d.scopes(), content);
  }

  /** Puts into status the record the executor writes after delivering. */
  static void record(Activation a, DeliveredCredentials d, String firstUsedAt) {
    a.setStatus(new ActivationStatus());
    a.getStatus().phase = Phase.Active;
    a.getStatus().credential = new ActivationStatus.Credential();
    a.getStatus().credential.clientId = d.clientId();
    a.getStatus().credential.verifier = SecretVerifier.create(d.clientSecret());
    a.getStatus().credential.revision = d.revision();
    a.getStatus().credential.deliveredTo = d.location();
    a.getStatus().credential.issuedAt = Times.formatPrecise(d.issuedAt());
    a.getStatus().credential.expiresAt = Times.formatPrecise(d.expiresAt());
    a.getStatus().credential.firstUsedAt = firstUsedAt;
  }

  @Test
  void whenTheListingDoesNotExistNothingIsIssuedAndTheActivationIsRejected() {
    ActivationPlan plan = plan(acme, null, null, NOW);
    assertEquals(Phase.Rejected, plan.phase());
    assertEquals(CredentialAction.NONE, plan.action());
    assertEquals("ListingNotFound", readyReason(plan));
    assertTrue(plan.message().contains("'ledger' does not exist"), plan.message());
  }

  @Test
  void whenTheListingIsNotApprovedTheActivationIsRejected() {
    ledger.getSpec().lifecycle = AppListingSpec.Lifecycle.Pending;
    ActivationPlan plan = plan(acme, ledger, null, NOW);
    assertEquals(Phase.Rejected, plan.phase());
    assertEquals("ListingNotApproved", readyReason(plan));
    assertEquals(CredentialAction.NONE, plan.action());
  }

  @Test
  void aPrivateListingIsVisibleOnlyToTheTenantsItNamesAndReadsLikeAMissingOneToOthers() {
    ledger.getSpec().visibility = AppListingSpec.Visibility.Private;
    ledger.getSpec().allowedTenants = List.of("tenant-globex");
    ActivationPlan hidden = plan(acme, ledger, null, NOW);
    ActivationPlan missing = plan(acme, null, null, NOW);
    assertEquals("ListingNotFound", readyReason(hidden));
    assertEquals(missing.message(), hidden.message(), "the tenant cannot tell a private listing from a missing one");
    assertTrue(hidden.message().contains("add your tenant ID 'tenant-acme'"), hidden.message());
    assertFalse(hidden.message().contains("tenant-globex"));
    ledger.getSpec().lifecycle = AppListingSpec.Lifecycle.Draft;
    assertEquals(missing.message(), plan(acme, ledger, null, NOW).message(), "nor its lifecycle");
    ledger.getSpec().lifecycle = AppListingSpec.Lifecycle.Approved;

    ledger.getSpec().allowedTenants = List.of("tenant-globex", "tenant-acme");
    assertEquals(CredentialAction.ISSUE_NEW_CLIENT, plan(acme, ledger, null, NOW).action());
  }

  @Test
  void aSingleTenantListingIsHeldByTheOldestActivationAndRefusedToOthers() {
    ledger.getSpec().installation = AppListingSpec.Installation.SingleTenant;
    Activation older = activation("tenant-globex", "ledger", "ledger", "invoices.read", "contacts.read");
    older.getMetadata().setCreationTimestamp("2025-06-01T00:00:00Z");
    List<Activation> both = List.of(acme, older);

    ActivationPlan refused = ActivationPlanner.plan(new ActivationPlanner.Observed(acme, ledger, both, null, null, NOW));
    assertEquals("ListingNotAvailable", readyReason(refused));
    assertEquals(CredentialAction.NONE, refused.action());
    assertFalse(refused.message().contains("tenant-globex"), "another tenant is never named: " + refused.message());

    ActivationPlan held = ActivationPlanner.plan(new ActivationPlanner.Observed(older, ledger, both, null, null, NOW));
    assertEquals(CredentialAction.ISSUE_NEW_CLIENT, held.action());
  }

  @Test
  void aSecondActivationOfOneListingInOneTenantIsADuplicate() {
    Activation second = activation("tenant-acme", "ledger-again", "ledger", "invoices.read", "contacts.read");
    second.getMetadata().setCreationTimestamp("2026-02-01T00:00:00Z");
    ActivationPlan plan = ActivationPlanner.plan(
        new ActivationPlanner.Observed(second, ledger, List.of(acme, second), null, null, NOW));
    assertEquals("DuplicateActivation", readyReason(plan));
  }

  @Test
  void whenTheFeeChangeIsNotAcceptedOnABillableListingNothingIsIssued() {
    billable(ledger);
    acme.getSpec().consent.feeChangeAccepted = false;
    ActivationPlan plan = plan(acme, ledger, null, NOW);
    assertEquals(Phase.AwaitingConsent, plan.phase());
    assertEquals("FeeChangeNotAccepted", readyReason(plan));
    assertEquals(CredentialAction.NONE, plan.action());
    assertTrue(plan.message().contains("feeChangeAccepted: true"), plan.message());
  }

  @Test
  void whenConsentMissesARequestedScopeNothingIsIssuedAndTheMessageNamesIt() {
    acme.getSpec().consent.dataAccess = List.of("invoices.read");
    ActivationPlan plan = plan(acme, ledger, null, NOW);
    assertEquals(Phase.AwaitingConsent, plan.phase());
    assertEquals("DataAccessConsentMissing", readyReason(plan));
    assertTrue(plan.message().contains("not consented: contacts.read"), plan.message());
  }

  @Test
  void whenTheListingLaterRequestsMoreDataTheOldConsentStopsIssuing() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    AppListingSpec.DataScope payments = new AppListingSpec.DataScope();
    payments.scope = "payments.read";
    payments.description = "payments";
    ledger.getSpec().dataAccess.add(payments);
    ActivationPlan plan = plan(acme, ledger, d, NOW.plusSeconds(60));
    assertEquals(Phase.AwaitingConsent, plan.phase());
    assertEquals(CredentialAction.NONE, plan.action());
    assertFalse(plan.ready());
    assertTrue(plan.message().contains("payments.read"), plan.message());
  }

  @Test
  void withFullConsentANewPairIsIssuedWithTheGrantedScopesAndA48HourDeadline() {
    acme.getSpec().scopes = new ActivationSpec.Scopes();
    acme.getSpec().scopes.declined = List.of("contacts.read");
    ActivationPlan plan = plan(acme, ledger, null, NOW);
    assertEquals(Phase.Active, plan.phase());
    assertEquals(CredentialAction.ISSUE_NEW_CLIENT, plan.action());
    assertEquals(List.of("invoices.read"), plan.grantedScopes());
    assertEquals(NOW.plus(H48), plan.requeueAt());
    assertEquals("vendor-ledger", plan.vendorNamespace());
  }

  @Test
  void aDeliveredSecretWithoutItsRecordIsReplacedNeverAdopted() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW.minus(Duration.ofDays(30)), 0);
    ActivationPlan plan = plan(acme, ledger, d, NOW);
    assertEquals(CredentialAction.ISSUE_NEW_CLIENT, plan.action());
    assertEquals(NOW.plus(H48), plan.requeueAt(), "the deadline is the new pair's, not one the Secret states");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} edited: rewritten from the record, the secret kept")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"data:clientId", "annotation:appconnector.io/client-id",
      "annotation:appconnector.io/expires-at", "data:expiresAt", "label:appconnector.io/tenant",
      "annotation:appconnector.io/activation-ref", "data:tenantId"})
  void aDeliveredSecretThatSaysSomethingElseIsRepairedFromTheRecord(String key) {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    acme.getStatus().credential.grantedScopes = List.of("invoices.read", "contacts.read");
    ActivationPlan plan = plan(acme, ledger, edited(d, key, key.endsWith("xpires-at") || key.endsWith("xpiresAt")
        ? "" : "ac-of-another-tenant"), NOW.plusSeconds(5));
    assertEquals(CredentialAction.REPAIR, plan.action());
    assertEquals(PlanEvent.DeliveredSecretRepaired, plan.event());
    assertEquals(NOW.plus(H48), plan.requeueAt(), "the recorded expiry stands");
    var issued = Conditions.find(plan.conditions(), Conditions.CREDENTIALS_ISSUED);
    assertEquals("DeliveredSecretRepaired", issued.getReason());
    assertTrue(issued.getMessage().contains(key), "the condition says what was repaired: " + issued.getMessage());
  }

  @Test
  void aDeliveredSecretWithAnotherSecretGetsAFreshOneForTheSameClientAndNeverALaterExpiry() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    DeliveredCredentials tampered = new DeliveredCredentials(d.namespace(), d.name(), d.activationUid(), 0, "ac-1",
        "chosen-by-the-vendor", NOW.plus(H48), NOW.plus(Duration.ofDays(365)), d.scopes(), d.content());
    ActivationPlan plan = plan(acme, ledger, tampered, NOW.plus(Duration.ofHours(47)));
    assertEquals(CredentialAction.ISSUE_SAME_CLIENT, plan.action());
    assertEquals(PlanEvent.DeliveredSecretReplaced, plan.event());
    assertEquals(NOW.plus(H48), plan.requeueAt());
    assertEquals(Phase.Expired, plan(acme, ledger, tampered, NOW.plus(H48)).phase(), "expires as recorded");
  }

  @Test
  void aRecordedPairIsLeftAloneAndTheNextLookIsAtItsDeadline() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    ActivationPlan plan = plan(acme, ledger, d, NOW.plusSeconds(5));
    assertEquals(CredentialAction.NONE, plan.action());
    assertEquals(Phase.Active, plan.phase());
    assertEquals(NOW.plus(H48), plan.requeueAt());
  }

  @Test
  void unusedCredentialsExpireExactlyAtTheirDeadlineAndNotBefore() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    ActivationPlan before = plan(acme, ledger, d, NOW.plus(H48).minusMillis(1));
    assertEquals(Phase.Active, before.phase());
    assertEquals(CredentialAction.NONE, before.action());

    ActivationPlan at = plan(acme, ledger, d, NOW.plus(H48));
    assertEquals(Phase.Expired, at.phase());
    assertEquals(CredentialAction.EXPIRE, at.action());
    assertTrue(at.message().contains("Raise spec.revision to 1"), at.message());
  }

  @Test
  void theLifetimeComesFromTheListingDownToSeconds() {
    withLifetime(ledger, "45s");
    ActivationPlan plan = plan(acme, ledger, null, NOW);
    assertEquals(NOW.plusSeconds(45), plan.requeueAt());
  }

  @Test
  void aRecordedFirstUseStopsTheExpiry() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, Times.formatPrecise(NOW.plusSeconds(30)));
    ActivationPlan plan = plan(acme, ledger, d, NOW.plus(H48).plusSeconds(1));
    assertEquals(Phase.Active, plan.phase());
    assertNull(plan.requeueAt());
  }

  @Test
  void anExpiredActivationStaysExpiredUntilItsRevisionIsRaised() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    acme.getStatus().credential.verifier = null;
    acme.getStatus().credential.expiredAt = Times.formatPrecise(NOW.plus(H48));
    ActivationPlan expired = plan(acme, ledger, null, NOW.plus(H48).plusSeconds(10));
    assertEquals(Phase.Expired, expired.phase());
    assertEquals(CredentialAction.NONE, expired.action());

    acme.getSpec().revision = 1;
    ActivationPlan fresh = plan(acme, ledger, null, NOW.plus(H48).plusSeconds(10));
    assertEquals(CredentialAction.ISSUE_NEW_CLIENT, fresh.action());
    assertEquals(Phase.Active, fresh.phase());
  }

  @Test
  void suspendingWithdrawsTheDeliveredSecretAndRestoringKeepsTheClientId() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    acme.getSpec().suspended = true;
    ActivationPlan suspended = plan(acme, ledger, d, NOW.plusSeconds(10));
    assertEquals(Phase.Suspended, suspended.phase());
    assertEquals(CredentialAction.WITHDRAW, suspended.action());
    assertNull(suspended.requeueAt(), "no expiry while suspended");

    acme.getStatus().credential.verifier = null;
    acme.getStatus().credential.deliveredTo = null;
    acme.getSpec().suspended = false;
    ActivationPlan restored = plan(acme, ledger, null, NOW.plusSeconds(20));
    assertEquals(CredentialAction.ISSUE_SAME_CLIENT, restored.action());
    assertEquals(Phase.Active, restored.phase());
  }

  @Test
  void aLostDeliveredSecretIsReissuedForTheSameClient() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    ActivationPlan plan = plan(acme, ledger, null, NOW.plusSeconds(10));
    assertEquals(CredentialAction.ISSUE_SAME_CLIENT, plan.action());
    assertEquals(PlanEvent.CredentialsRedelivered, plan.event());
  }

  @Test
  void aPlatformBuiltListingWaitsForTheVendorCredentialSecretAndNamesTheMissingKeys() {
    AppListing oauth = platformListing("crm", AppListingSpec.AuthMethod.OAuth2);
    Activation a = activation("tenant-acme", "crm", "crm");
    ActivationPlan noRef = ActivationPlanner.plan(new ActivationPlanner.Observed(a, oauth, List.of(a), null, null, NOW));
    assertEquals(Phase.AwaitingVendorCredentials, noRef.phase());
    assertEquals("VendorCredentialsSecretNotSet", readyReason(noRef));

    a.getSpec().vendorCredentialsSecretRef = new ActivationSpec.SecretRef();
    a.getSpec().vendorCredentialsSecretRef.name = "crm-creds";
    ActivationPlan missing = ActivationPlanner.plan(
        new ActivationPlanner.Observed(a, oauth, List.of(a), VendorSecret.missing(), null, NOW));
    assertEquals("VendorCredentialsSecretNotFound", readyReason(missing));

    ActivationPlan partial = ActivationPlanner.plan(new ActivationPlanner.Observed(a, oauth, List.of(a),
        new VendorSecret(true, true, Set.of("clientId")), null, NOW));
    assertEquals("VendorCredentialsIncomplete", readyReason(partial));
    assertTrue(partial.message().contains("lacks the keys clientSecret, tokenUrl"), partial.message());

    ActivationPlan complete = ActivationPlanner.plan(new ActivationPlanner.Observed(a, oauth, List.of(a),
        new VendorSecret(true, true, Set.of("clientId", "clientSecret", "tokenUrl")), null, NOW));
    assertEquals(Phase.Active, complete.phase());
    assertEquals(CredentialAction.NONE, complete.action(), "Platform-built listings issue no credentials");
  }

  @Test
  void eachAuthMethodRequiresItsOwnKeys() {
    assertEquals(List.of("apiKey"), RequiredKeys.of(AppListingSpec.AuthMethod.ApiKey));
    assertEquals(List.of("username", "password"), RequiredKeys.of(AppListingSpec.AuthMethod.Basic));
    assertEquals(List.of("clientId", "clientSecret", "tokenUrl"), RequiredKeys.of(AppListingSpec.AuthMethod.OAuth2));
    assertEquals(List.of("appId", "appSecret"), RequiredKeys.of(AppListingSpec.AuthMethod.AppCredentials));
    assertEquals(List.of("shopDomain"), RequiredKeys.of(AppListingSpec.AuthMethod.ShopDomain));
  }

  enum Squatter {
    PRIVATE_NOT_OFFERED, CONSENT_MISSING, FEE_NOT_ACCEPTED, BEING_DELETED
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "an older activation with {0} does not hold a SingleTenant listing")
  @org.junit.jupiter.params.provider.EnumSource(Squatter.class)
  void onlyAnEligibleActivationHoldsASingleTenantListing(Squatter kind) {
    billable(ledger);
    ledger.getSpec().installation = AppListingSpec.Installation.SingleTenant;
    ledger.getSpec().visibility = AppListingSpec.Visibility.Private;
    ledger.getSpec().allowedTenants = List.of("tenant-acme", "tenant-squat");
    Activation squatter = activation("tenant-squat", "ledger", "ledger", "invoices.read", "contacts.read");
    squatter.getMetadata().setCreationTimestamp("2025-01-01T00:00:00Z");
    switch (kind) {
      case PRIVATE_NOT_OFFERED -> ledger.getSpec().allowedTenants = List.of("tenant-acme");
      case CONSENT_MISSING -> squatter.getSpec().consent.dataAccess = List.of("invoices.read");
      case FEE_NOT_ACCEPTED -> squatter.getSpec().consent.feeChangeAccepted = false;
      case BEING_DELETED -> squatter.getMetadata().setDeletionTimestamp("2026-11-25T09:00:00Z");
    }
    ActivationPlan plan = ActivationPlanner.plan(
        new ActivationPlanner.Observed(acme, ledger, List.of(squatter, acme), null, null, NOW));
    assertEquals(CredentialAction.ISSUE_NEW_CLIENT, plan.action(), readyReason(plan));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "listing {0}: the delivered Secret is withdrawn")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"Retired", "deleted", "no longer offered"})
  void aListingThatIsRetiredDeletedOrNoLongerOfferedWithdrawsTheCredentialsAndApprovalRestoresThem(String what) {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    AppListing listing = ledger;
    switch (what) {
      case "Retired" -> ledger.getSpec().lifecycle = AppListingSpec.Lifecycle.Retired;
      case "deleted" -> listing = null;
      default -> {
        ledger.getSpec().visibility = AppListingSpec.Visibility.Private;
        ledger.getSpec().allowedTenants = List.of("tenant-globex");
      }
    }
    ActivationPlan withdrawn = plan(acme, listing, d, NOW.plusSeconds(10));
    assertEquals(Phase.Rejected, withdrawn.phase());
    assertEquals(CredentialAction.WITHDRAW, withdrawn.action());
    assertEquals(PlanEvent.CredentialsWithdrawn, withdrawn.event());

    acme.getStatus().credential.verifier = null;
    acme.getStatus().credential.deliveredTo = null;
    AppListing approved = vendorListing("ledger", "vendor-ledger", "invoices.read", "contacts.read");
    ActivationPlan restored = plan(acme, approved, null, NOW.plusSeconds(20));
    assertEquals(CredentialAction.ISSUE_SAME_CLIENT, restored.action());
    assertEquals(PlanEvent.Restored, restored.event());
  }

  @Test
  void whileTheListingIsBackInDraftTheDeliveredSecretStays() {
    DeliveredCredentials d = delivered(acme, "ac-1", "s3cret-value", NOW, 0);
    record(acme, d, null);
    ledger.getSpec().lifecycle = AppListingSpec.Lifecycle.Draft;
    assertEquals(CredentialAction.NONE, plan(acme, ledger, d, NOW.plusSeconds(10)).action());
  }

  @Test
  void theActiveMessageNamesTheSecretButNotTheVendorsNamespace() {
    ActivationPlan plan = plan(acme, ledger, null, NOW);
    assertTrue(plan.message().contains(DeliveryNames.secretName(acme)), plan.message());
    assertFalse(plan.message().contains("vendor-ledger"), plan.message());
  }
}
