package io.appconnector.operator.logic;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.billable;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Billing;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.BillingState;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plan answers its own questions: its billing (decided from the listing, the tenant's Namespace
 * and the time), when to look again, and whether it must be decided again on fresh reads.
 */
class ActivationPlanTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @ParameterizedTest(name = "fee impact {0}, unlimited tenant {1}, billed before as {2}: {3} from {4}")
  @CsvSource(nullValues = "-", value = {
      "false, false, -, NotBillable, -",
      "true, false, -, FeeChangePending, 2026-12-01T00:00:00Z",
      "true, true, -, IncludedInPlan, -",
      "true, false, NotBillable, NotBillable, -",
      "false, true, FeeChangePending, FeeChangePending, 2026-12-01T00:00:00Z"})
  void theFirstActiveReconcileChoosesTheBillingAndLaterOnesKeepIt(boolean feeImpact, boolean unlimited,
      BillingState before, BillingState expected, String effectiveFrom) {
    AppListing listing = vendorListing("ledger", "vendor-ledger", "invoices.read");
    if (feeImpact) {
      billable(listing);
    }
    Activation a = activation("tenant-acme", "ledger", "ledger", "invoices.read");
    if (before != null) {
      a.setStatus(new ActivationStatus());
      a.getStatus().billing = new Billing();
      a.getStatus().billing.state = before;
      a.getStatus().billing.effectiveFrom = before == BillingState.FeeChangePending ? "2026-12-01T00:00:00Z" : null;
    }
    ActivationPlan plan = ActivationPlanner.plan(new ActivationPlanner.Observed(a, listing, List.of(a), null, null,
        NOW, tenant(unlimited), List.of(), List.of(), ApiPods.DEFAULT, ActivationPlanner.DEFAULT_LIFETIME, null));
    assertEquals(expected, plan.billing().state);
    assertEquals(effectiveFrom, plan.billing().effectiveFrom);
    assertEquals(before == null && expected != BillingState.NotBillable, plan.startsBilling(a.getStatus()),
        "a new choice that depends on the tenant's Namespace is decided on a fresh read of it");
  }

  @ParameterizedTest(name = "a fee change pending until {0}, looked at {1}: {2}")
  @CsvSource({
      "2026-12-01T00:00:00Z, 2026-11-30T23:59:59Z, FeeChangePending",
      "2026-12-01T00:00:00Z, 2026-12-01T00:00:00Z, FeeChangeEffective",
      "2026-12-01T00:00:00Z, 2027-01-15T00:00:00Z, FeeChangeEffective"})
  void aPendingFeeChangeTakesEffectOnItsDate(String effectiveFrom, Instant now, BillingState expected) {
    Billing pending = new Billing();
    pending.state = BillingState.FeeChangePending;
    pending.effectiveFrom = effectiveFrom;
    pending.record = "appconnector-system/fee-change.tenant-acme.ledger.uid";
    Billing after = BillingCalendar.decide(pending, true, true, null, now);
    assertEquals(expected, after.state);
    assertEquals(pending.record, after.record, "the record's name is carried over");
    assertEquals(BillingState.FeeChangePending, pending.state, "what was read is never changed");
  }

  @ParameterizedTest(name = "credentials expiring at {0}, a fee change pending until {1}: look again at {2}")
  @CsvSource(nullValues = "-", value = {
      "2026-11-27T10:00:00Z, 2026-12-01T00:00:00Z, 2026-11-27T10:00:00Z",
      "2026-12-27T10:00:00Z, 2026-12-01T00:00:00Z, 2026-12-01T00:00:00Z",
      "-, 2026-12-01T00:00:00Z, 2026-12-01T00:00:00Z",
      "2026-11-27T10:00:00Z, -, 2026-11-27T10:00:00Z",
      "-, -, -"})
  void thePlanSaysWhenToLookAgain(Instant expiry, String feeChange, Instant expected) {
    Billing billing = null;
    if (feeChange != null) {
      billing = new Billing();
      billing.state = BillingState.FeeChangePending;
      billing.effectiveFrom = feeChange;
    }
    ActivationPlan plan = ActivationPlan.vendorBuilt(ActivationStatus.Phase.Active, "Active", List.of(),
        CredentialAction.NONE, List.of(), null, "vendor-ledger", expiry, null).billed(billing);
    assertEquals(expected, plan.nextLook());
  }

  @ParameterizedTest(name = "{0} with event {1}: decided again on fresh reads = {2}")
  @CsvSource(nullValues = "-", value = {
      "NONE, -, false",
      "ISSUE_NEW_CLIENT, CredentialsIssued, false",
      "ISSUE_SAME_CLIENT, Restored, false",
      "ISSUE_SAME_CLIENT, CredentialsRedelivered, true",
      "ISSUE_SAME_CLIENT, DeliveredSecretReplaced, true",
      "REPAIR, DeliveredSecretRepaired, true",
      "REPAIR, -, true",
      "EXPIRE, CredentialsExpired, true",
      "WITHDRAW, Suspended, false",
      "WITHDRAW, CredentialsWithdrawn, false"})
  void aPlanThatRevokesOrReplacesADeliveredSecretSaysSo(CredentialAction action, PlanEvent event, boolean expected) {
    ActivationPlan plan = ActivationPlan.vendorBuilt(ActivationStatus.Phase.Active, "Active", List.of(), action,
        List.of(), null, "vendor-ledger", null, event);
    assertEquals(expected, plan.revokesOrReplaces());
  }

  private static Namespace tenant(boolean unlimited) {
    NamespaceBuilder ns = new NamespaceBuilder().withNewMetadata().withName("tenant-acme").endMetadata();
    if (unlimited) {
      ns.editMetadata().addToLabels(BillingCalendar.UNLIMITED_LABEL, "true").endMetadata();
    }
    return ns.build();
  }
}
