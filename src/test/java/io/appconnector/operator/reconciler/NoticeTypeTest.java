package io.appconnector.operator.reconciler;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.logic.ActivationPlan;
import io.appconnector.operator.logic.ActivationPlanner;
import io.appconnector.operator.logic.VendorNotice;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which plans the vendor hears of: actions with an event, and consent given again. */
class NoticeTypeTest {
  final AppListing ledger = vendorListing("ledger", "vendor-ledger", "invoices.read");

  ActivationPlan plan(Activation a) {
    return ActivationPlanner.plan(new ActivationPlanner.Observed(a, ledger, List.of(a), null, null,
        Instant.parse("2026-11-25T10:00:00Z")));
  }

  @Test
  void aFirstIssueIsIssued() {
    Activation a = activation("tenant-acme", "ledger", "ledger", "invoices.read");
    assertEquals(VendorNotice.Type.ISSUED, ActivationReconciler.noticeType(a, plan(a)));
  }

  @Test
  void consentGivenAgainAfterTheListingAskedForMoreIsConsentRenewed() {
    Activation a = activation("tenant-acme", "ledger", "ledger", "invoices.read");
    a.setStatus(new ActivationStatus());
    a.getStatus().phase = Phase.AwaitingConsent;
    ActivationPlan plan = new ActivationPlan(Phase.Active, "Active", List.of(), io.appconnector.operator.logic.CredentialAction.NONE,
        List.of("invoices.read"), null, "vendor-ledger", null, null, null, null);
    assertEquals(VendorNotice.Type.CONSENT_RENEWED, ActivationReconciler.noticeType(a, plan));
  }

  @Test
  void consentMissingIsNotSent() {
    Activation a = activation("tenant-acme", "ledger", "ledger");
    assertNull(ActivationReconciler.noticeType(a, plan(a)));
  }
}
