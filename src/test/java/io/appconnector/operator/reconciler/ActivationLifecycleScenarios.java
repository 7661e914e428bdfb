package io.appconnector.operator.reconciler;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.billable;
import static io.appconnector.operator.Fixtures.platformListing;
import static io.appconnector.operator.Fixtures.vendorListing;
import static io.appconnector.operator.Fixtures.withLifetime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.BillingState;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.dependent.DeliveredSecrets;
import io.appconnector.operator.dependent.FeeRecords;
import io.appconnector.operator.logic.BillingCalendar;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.logic.VendorSecret;
import io.appconnector.operator.values.Times;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.ReconcileLog;
import io.appconnector.operator.support.Resources;
import io.appconnector.operator.support.TestClock;
import io.appconnector.operator.token.FirstUse;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The activation lifecycle end to end, with the operator running as production runs it. Runs
 * against the Fabric8 mock server and against a real kube-apiserver (subclasses).
 */
abstract class ActivationLifecycleScenarios extends OperatorScenarios {

  @Test
  void withFullConsentOnePairIsDeliveredAndRecordedAndNoRetryOrRestartMakesASecond() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read", "contacts.read"));
    Activation a = create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read", "contacts.read"));
    Activation active = awaitPhase(tenant, "ledger", Phase.Active);

    DeliveredCredentials d = deliveredFor(a);
    assertNotNull(d, "credentials delivered into the vendor's namespace");
    assertEquals(tenant, client().secrets().inNamespace(vendor).withName(d.name()).get().getMetadata().getLabels()
        .get(DeliveryNames.TENANT), "labelled with the tenant so the vendor finds it");
    assertTrue(d.clientSecret().length() >= 43, "at least 256 bits, base64url");
    assertEquals(List.of("invoices.read", "contacts.read"), d.scopes());
    var record = active.getStatus().credential;
    assertEquals(d.clientId(), record.clientId);
    assertTrue(SecretVerifier.matches(record.verifier, d.clientSecret()), "status keeps a verifier of the secret");
    assertFalse(Serialization.asJson(active.getStatus()).contains(d.clientSecret()), "status never holds the secret");
    assertEquals("True", active.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready"))
        .findFirst().orElseThrow().getStatus());
    assertEquals(active.getMetadata().getGeneration(), active.getStatus().observedGeneration);

    // A spec change reconciles again; a restart reconciles everything again.
    edit(tenant, "ledger", s -> s.networkSecurity = ActivationSpec.NetworkSecurity.TrustedOnly);
    Await.until("the edit observed", () -> get(tenant, "ledger"),
        x -> x.getStatus().observedGeneration.equals(x.getMetadata().getGeneration()));
    restartOperator();
    Await.until("the restarted operator reconciled", () -> nextLook(a), java.util.Optional::isPresent);
    assertEquals(1, delivered(vendor).size(), "exactly one delivered Secret");
    DeliveredCredentials after = deliveredFor(a);
    assertEquals(d.clientId(), after.clientId());
    assertEquals(d.clientSecret(), after.clientSecret());
    assertEquals(record.clientId, get(tenant, "ledger").getStatus().credential.clientId);
  }

  @Test
  void issuingTakesOneReconcileAndTheOperatorsOwnWritesBringNoOther() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    // Another tenant's activation first: once it is Active the operator has the listing cached, so the
    // measured activation is not first reconciled without it (Rejected) and then again on its event.
    create(activation(otherTenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    awaitPhase(otherTenant, "ledger", Phase.Active);
    Activation a = create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    Await.until("issued and its expiry scheduled", () -> nextLook(a),
        java.util.Optional::isPresent);
    Activation active = get(tenant, "ledger");
    assertEquals(Phase.Active, active.getStatus().phase);
    assertTrue(active.hasFinalizer(ActivationReconciler.FINALIZER), "the finalizer was added in the same pass");
    // The watch events of that pass (finalizer, delivered Secret, status) come before the next edit's:
    // had any of them brought a reconcile, the edit below would be the third, not the second.
    edit(tenant, "ledger", s -> s.suspended = true);
    Await.until("suspended and the expiry cancelled", () -> nextLook(a),
        java.util.Optional::isEmpty);
    assertEquals(Phase.Suspended, get(tenant, "ledger").getStatus().phase);
    assertEquals(2, reconciles(a), "one reconcile to issue, one for the edit");
  }

  @Test
  void withoutConsentNothingIsIssuedAndTheConditionSaysWhatToDo() {
    AppListing l = listing(billable(vendorListing("ledger", vendor, "invoices.read")));
    Activation a = activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read");
    a.getSpec().consent.feeChangeAccepted = false;
    create(a);
    Activation waiting = awaitPhase(tenant, "ledger", Phase.AwaitingConsent);
    var ready = waiting.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
    assertEquals("False", ready.getStatus());
    assertEquals("FeeChangeNotAccepted", ready.getReason());
    assertTrue(ready.getMessage().contains("feeChangeAccepted: true"));
    assertTrue(delivered(vendor).isEmpty());
    assertNull(waiting.getStatus().credential);
  }

  @Test
  void anUnapprovedOrMissingListingIsRejectedWithAReason() {
    AppListing draft = vendorListing("draft", vendor, "invoices.read");
    draft.getSpec().lifecycle = AppListingSpec.Lifecycle.Draft;
    AppListing l = listing(draft);
    create(activation(tenant, "draft", l.getMetadata().getName(), "invoices.read"));
    create(activation(tenant, "ghost", "no-such-listing", "invoices.read"));
    assertEquals("ListingNotApproved", readyReason(awaitPhase(tenant, "draft", Phase.Rejected)));
    assertEquals("ListingNotFound", readyReason(awaitPhase(tenant, "ghost", Phase.Rejected)));
    assertTrue(delivered(vendor).isEmpty());

    // Approving the listing later issues credentials without touching the activation.
    client().resources(AppListing.class).withName(l.getMetadata().getName())
        .edit(x -> {
          x.getSpec().lifecycle = AppListingSpec.Lifecycle.Approved;
          return x;
        });
    awaitPhase(tenant, "draft", Phase.Active);
  }


  @Test
  void unusedCredentialsExpireAtTheirDeadlineNotBeforeAndARaisedRevisionIssuesAFreshPair() {
    AppListing l = listing(withLifetime(vendorListing("short", vendor, "invoices.read"), "2s"));
    Activation a = create(activation(tenant, "short", l.getMetadata().getName(), "invoices.read"));
    Activation active = awaitPhase(tenant, "short", Phase.Active);
    Instant expiresAt = Times.parse(active.getStatus().credential.expiresAt);
    String firstClient = active.getStatus().credential.clientId;

    Activation expired = awaitPhase(tenant, "short", Phase.Expired);
    Instant expiredAt = Times.parse(expired.getStatus().credential.expiredAt);
    assertFalse(expiredAt.isBefore(expiresAt), "never early: expired " + expiredAt + ", deadline " + expiresAt);
    assertTrue(Duration.between(expiresAt, expiredAt).toMillis() < 1500, "on time: " + expiredAt + " vs " + expiresAt);
    assertNull(expired.getStatus().credential.verifier, "verifier removed");
    assertTrue(expired.getStatus().message.contains("Raise spec.revision to 1"));
    Await.until("delivered Secret removed", () -> delivered(vendor), List::isEmpty);
    Await.until("an Expired event", () -> events(a), ev -> ev.contains("CredentialsExpired"));

    edit(tenant, "short", s -> s.revision = 1);
    Activation fresh = Await.until("a fresh pair for revision 1", () -> get(tenant, "short"),
        x -> x.getStatus().phase == Phase.Active && Long.valueOf(1).equals(x.getStatus().credential.revision));
    assertNotEquals(firstClient, fresh.getStatus().credential.clientId);
    assertEquals(1, delivered(vendor).size());
  }


  @Test
  void aRestartOneHourBeforeTheDeadlineNeitherLosesNorShortensTheExpiry() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    Activation a = create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    Instant expiresAt = Times.parse(awaitPhase(tenant, "ledger", Phase.Active).getStatus().credential.expiresAt);
    assertEquals(Duration.ofHours(48), Duration.between(
        Times.parse(get(tenant, "ledger").getStatus().credential.issuedAt), expiresAt));

    stopOperator();
    clock.jumpTo(expiresAt.minus(Duration.ofHours(1)));
    startOperator();
    ReconcileLog.NextLook scheduled = Await.until("the restarted operator scheduled the expiry",
        () -> nextLook(a), java.util.Optional::isPresent).orElseThrow();
    assertTrue(scheduled.justAfter(expiresAt), "the timer comes from status, unchanged by the restart: "
        + scheduled + " for " + expiresAt);
    assertEquals(Phase.Active, get(tenant, "ledger").getStatus().phase);

    stopOperator();
    clock.jumpTo(expiresAt.minusMillis(1500));
    startOperator();
    Activation expired = awaitPhase(tenant, "ledger", Phase.Expired);
    Instant expiredAt = Times.parse(expired.getStatus().credential.expiredAt);
    assertFalse(expiredAt.isBefore(expiresAt), "not early: " + expiredAt + " < " + expiresAt);
    assertTrue(Duration.between(expiresAt, expiredAt).toMillis() < 1500, "on time: " + expiredAt);
  }

  @Test
  void aRecordedFirstUseStopsTheExpiry() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    Activation a = create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    Activation active = awaitPhase(tenant, "ledger", Phase.Active);
    String clientId = active.getStatus().credential.clientId;
    assertEquals(FirstUse.Result.NOT_USABLE, FirstUse.record(client(), tenant, "ledger", "ac-unknown", clock.instant()));
    assertEquals(FirstUse.Result.RECORDED, FirstUse.record(client(), tenant, "ledger", clientId, clock.instant()));
    assertEquals(FirstUse.Result.ALREADY_RECORDED, FirstUse.record(client(), tenant, "ledger", clientId, clock.instant()));

    stopOperator();
    clock.jumpTo(Times.parse(active.getStatus().credential.expiresAt).plusSeconds(60));
    startOperator();
    Await.until("the restarted operator reconciled past the deadline",
        () -> get(tenant, "ledger").getStatus().message, m -> m.contains("in use since"));
    assertEquals(Phase.Active, get(tenant, "ledger").getStatus().phase);
    assertEquals(1, delivered(vendor).size());
    Await.until("that reconcile ended", () -> reconciles(a), n -> n > 0);
    assertTrue(nextLook(a).isEmpty(), "no expiry scheduled once used");
  }

  @Test
  void suspendingWithdrawsTheSecretAndRestoringBringsBackTheSameClientId() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    String clientId = awaitPhase(tenant, "ledger", Phase.Active).getStatus().credential.clientId;

    edit(tenant, "ledger", s -> s.suspended = true);
    Activation suspended = awaitPhase(tenant, "ledger", Phase.Suspended);
    assertNull(suspended.getStatus().credential.verifier, "credentials refused while suspended");
    Await.until("delivered Secret withdrawn", () -> delivered(vendor), List::isEmpty);

    edit(tenant, "ledger", s -> s.suspended = false);
    Activation restored = awaitPhase(tenant, "ledger", Phase.Active);
    assertEquals(clientId, restored.getStatus().credential.clientId);
    DeliveredCredentials d = Await.until("Secret delivered again", () -> deliveredFor(restored), x -> x != null);
    assertEquals(clientId, d.clientId());
    assertTrue(SecretVerifier.matches(restored.getStatus().credential.verifier, d.clientSecret()));
  }

  @Test
  void deletingAnActivationWhileTheOperatorIsStoppedStillCleansTheVendorNamespace() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    awaitPhase(tenant, "ledger", Phase.Active);
    assertEquals(1, delivered(vendor).size());

    stopOperator();
    client().resources(Activation.class).inNamespace(tenant).withName("ledger").delete();
    assertNotNull(get(tenant, "ledger"), "the finalizer holds the activation until the operator cleans up");
    startOperator();
    Await.until("the activation is gone", () -> get(tenant, "ledger"), x -> x == null);
    assertTrue(delivered(vendor).isEmpty(), "delivered Secret removed");
  }

  @Test
  void aBillableActivationShowsAPendingFeeChangeThatDeactivationCancels() {
    AppListing l = listing(billable(vendorListing("ledger", vendor, "invoices.read")));
    create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    Activation active = awaitPhase(tenant, "ledger", Phase.Active);
    assertEquals(BillingState.FeeChangePending, active.getStatus().billing.state);
    Instant effective = Times.parse(active.getStatus().billing.effectiveFrom);
    assertEquals(BillingCalendar.effectiveFrom(Times.parse(active.getStatus().credential.issuedAt)), effective);
    // In the operator's namespace, where tenants cannot write; listed per tenant by label.
    ConfigMap record = Await.until("the fee record", () -> client().configMaps().inNamespace(OPERATOR_NAMESPACE)
        .withLabel(DeliveryNames.TENANT, tenant).withLabel(DeliveryNames.ROLE, DeliveryNames.ROLE_FEE_RECORD).list()
        .getItems(), items -> items.size() == 1).get(0);
    assertEquals(active.getStatus().billing.record, record.getMetadata().getName());
    assertEquals(FeeRecords.STATE_PENDING, record.getData().get("state"));

    client().resources(Activation.class).inNamespace(tenant).withName("ledger").delete();
    Await.until("the activation is gone", () -> get(tenant, "ledger"), x -> x == null);
    ConfigMap after = client().configMaps().inNamespace(OPERATOR_NAMESPACE).withName(record.getMetadata().getName()).get();
    assertNotNull(after, "the fee record outlives the activation");
    assertEquals(FeeRecords.STATE_CANCELLED, after.getData().get("state"));
  }

  @Test
  void aTenantWithUnlimitedIntegrationsGetsNoFeeChange() {
    client().namespaces().withName(tenant).edit(n -> {
      n.getMetadata().setLabels(Map.of(BillingCalendar.UNLIMITED_LABEL, "true"));
      return n;
    });
    AppListing l = listing(billable(vendorListing("ledger", vendor, "invoices.read")));
    create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    assertEquals(BillingState.IncludedInPlan, awaitPhase(tenant, "ledger", Phase.Active).getStatus().billing.state);
  }

  @Test
  void aPlatformBuiltListingWaitsForTheMissingKeysAndReactsWhenTheSecretChanges() {
    AppListing l = listing(platformListing("crm", AppListingSpec.AuthMethod.OAuth2));
    client().resource(new SecretBuilder().withNewMetadata().withNamespace(tenant).withName("crm-creds")
        .addToLabels(VendorSecret.LABEL, "true").endMetadata()
        .addToStringData("clientId", "id-from-vendor").build()).create();
    Activation a = activation(tenant, "crm", l.getMetadata().getName());
    a.getSpec().vendorCredentialsSecretRef = new ActivationSpec.SecretRef();
    a.getSpec().vendorCredentialsSecretRef.name = "crm-creds";
    create(a);
    Activation waiting = awaitPhase(tenant, "crm", Phase.AwaitingVendorCredentials);
    assertTrue(waiting.getStatus().message.contains("clientSecret, tokenUrl"), waiting.getStatus().message);
    assertFalse(Serialization.asJson(waiting.getStatus()).contains("id-from-vendor"), "values never reach status");

    client().secrets().inNamespace(tenant).withName("crm-creds").edit(s -> new SecretBuilder(s)
        .addToStringData("clientSecret", "vendor-secret").addToStringData("tokenUrl", "https://crm.example/token").build());
    awaitPhase(tenant, "crm", Phase.Active);
  }

  @Test
  void aSingleTenantListingGoesToTheNextTenantOnlyAfterTheHolderDeactivates() {
    AppListing single = vendorListing("stock", vendor, "stock.read");
    single.getSpec().installation = AppListingSpec.Installation.SingleTenant;
    AppListing l = listing(single);
    create(activation(tenant, "stock", l.getMetadata().getName(), "stock.read"));
    awaitPhase(tenant, "stock", Phase.Active);
    create(activation(otherTenant, "stock", l.getMetadata().getName(), "stock.read"));
    assertEquals("ListingNotAvailable", readyReason(awaitPhase(otherTenant, "stock", Phase.Rejected)));

    client().resources(Activation.class).inNamespace(tenant).withName("stock").delete();
    awaitPhase(otherTenant, "stock", Phase.Active);
  }

  @Test
  void aDeliveredSecretWithoutItsRecordIsReplacedNeverAdopted() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    stopOperator();
    Activation a = create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    // A Secret carrying the activation's UID with no record in status: nothing proves it is the
    // operator's (the record is always written before the Secret), so it is never adopted.
    ActivationStatus.Credential claimed = new ActivationStatus.Credential();
    claimed.clientId = "ac-planted";
    claimed.revision = 0L;
    claimed.issuedAt = Times.formatPrecise(clock.instant());
    claimed.expiresAt = Times.formatPrecise(clock.instant().plus(Duration.ofDays(365)));
    claimed.grantedScopes = List.of("invoices.read");
    client().resource(DeliveredSecrets.build(vendor, DeliveryNames.secretName(a),
        io.appconnector.operator.logic.DeliveredContent.expected(a, claimed, "https://tokens.example.test/oauth2/token"),
        "planted-secret")).create();
    startOperator();
    Activation active = Await.until("a pair of its own", () -> get(tenant, "ledger"), x -> x.getStatus() != null
        && x.getStatus().phase == Phase.Active && deliveredFor(x) != null
        && !"planted-secret".equals(deliveredFor(x).clientSecret()));
    assertNotEquals("ac-planted", active.getStatus().credential.clientId);
    assertFalse(SecretVerifier.matches(active.getStatus().credential.verifier, "planted-secret"));
    assertEquals(1, delivered(vendor).size());
  }

  @Test
  void statusIsWrittenOnlyWhenItChanges() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    Activation a = create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    awaitPhase(tenant, "ledger", Phase.Active);
    String version = Await.until("status settled", () -> get(tenant, "ledger"),
        x -> nextLook(a).isPresent()).getMetadata().getResourceVersion();
    restartOperator();
    Await.until("the restarted operator reconciled", () -> nextLook(a),
        java.util.Optional::isPresent);
    assertEquals(version, get(tenant, "ledger").getMetadata().getResourceVersion(), "a no-op reconcile writes nothing");
  }

  @Test
  void aPendingFeeChangeTakesEffectOnTheFirstDayOfTheNextMonth() {
    AppListing l = listing(billable(vendorListing("ledger", vendor, "invoices.read")));
    create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    Activation active = awaitPhase(tenant, "ledger", Phase.Active);
    FirstUse.record(client(), tenant, "ledger", active.getStatus().credential.clientId, clock.instant());
    Instant effective = Times.parse(active.getStatus().billing.effectiveFrom);

    stopOperator();
    clock.jumpTo(effective.minusSeconds(1));
    startOperator();
    Activation after = Await.until("the fee change took effect", () -> get(tenant, "ledger"),
        x -> x.getStatus().billing.state == BillingState.FeeChangeEffective, Duration.ofSeconds(30));
    assertEquals(FeeRecords.STATE_EFFECTIVE, Await.until("the record says so", () -> client().configMaps()
        .inNamespace(OPERATOR_NAMESPACE).withName(after.getStatus().billing.record).get().getData().get("state"),
        FeeRecords.STATE_EFFECTIVE::equals));
  }

  @Test
  void whenTheListingRequestsMoreDataTheOldConsentNoLongerCoversItUntilRenewed() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    String name = l.getMetadata().getName();
    create(activation(tenant, "ledger", name, "invoices.read"));
    String clientId = awaitPhase(tenant, "ledger", Phase.Active).getStatus().credential.clientId;

    Resources.editListing(client(), name, x -> {
      x.getSpec().lifecycle = AppListingSpec.Lifecycle.Draft;
      return x;
    });
    Resources.editListing(client(), name, x -> {
      AppListingSpec.DataScope more = new AppListingSpec.DataScope();
      more.scope = "payments.read";
      more.description = "payments";
      x.getSpec().dataAccess.add(more);
      return x;
    });
    Resources.editListing(client(), name, x -> {
      x.getSpec().lifecycle = AppListingSpec.Lifecycle.Approved;
      return x;
    });
    Activation stale = Await.until("consent reported stale", () -> get(tenant, "ledger"),
        x -> x.getStatus().phase == Phase.AwaitingConsent);
    assertEquals("DataAccessConsentMissing", readyReason(stale));
    assertTrue(stale.getStatus().message.contains("payments.read"), stale.getStatus().message);

    edit(tenant, "ledger", s -> s.consent.dataAccess = List.of("invoices.read", "payments.read"));
    Activation renewed = awaitPhase(tenant, "ledger", Phase.Active);
    assertEquals(clientId, renewed.getStatus().credential.clientId, "renewed consent restores the same pair");
    assertEquals(List.of("invoices.read", "payments.read"), renewed.getStatus().credential.grantedScopes);
    Await.until("the delivered scopes follow", () -> deliveredFor(renewed).scopes(),
        sc -> sc.equals(List.of("invoices.read", "payments.read")));
  }
}
