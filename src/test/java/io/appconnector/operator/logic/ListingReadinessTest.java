package io.appconnector.operator.logic;

import static io.appconnector.operator.Fixtures.platformListing;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.logic.ListingReadiness.Blocked;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListingReadinessTest {
  final AppListingSpec ledger = vendorListing("ledger", "vendor-ledger", "invoices.read").getSpec();

  @ParameterizedTest(name = "{0}, vendor namespace present: {1}, blocked: {2} -> {3}")
  @CsvSource({
      "Approved, true, 0, True, Ready",
      "Retired, true, 0, False, Retired",
      "Draft, true, 0, False, NotApproved",
      "Pending, false, 2, False, NotApproved",
      "Approved, false, 0, False, VendorNamespaceMissing",
      "Approved, true, 2, False, ActivationsBlocked"})
  void theReadyConditionSaysWhatStandsInTheWay(AppListingSpec.Lifecycle lifecycle, boolean vendorNamespace, int blocked,
      String status, String reason) {
    ledger.lifecycle = lifecycle;
    List<Blocked> stuck = IntStream.range(0, blocked).mapToObj(i -> new Blocked("tenant-" + i + "/ledger", "DeliveryConflict"))
        .toList();
    Condition ready = ListingReadiness.ready(ledger, vendorNamespace, 3, stuck);
    assertEquals(status, ready.getStatus());
    assertEquals(reason, ready.getReason());
  }

  @Test
  void blockedActivationsAreNamedForThePlatformTeamUpToFive() {
    List<Blocked> stuck = IntStream.range(0, 7).mapToObj(i -> new Blocked("tenant-" + i + "/ledger", "DeliveryFailed"))
        .toList();
    String message = ListingReadiness.ready(ledger, true, 0, stuck).getMessage();
    assertTrue(message.startsWith("7 activation(s) cannot be served: tenant-0/ledger (DeliveryFailed)"), message);
    assertTrue(message.contains("tenant-4/ledger") && !message.contains("tenant-5/ledger"), message);
  }

  @Test
  void aServiceAccountTokenListingWhoseServiceAccountIsMissingSaysWhatToDo() {
    ledger.clientAuthentication = new AppListingSpec.ClientAuthentication();
    ledger.clientAuthentication.method = AppListingSpec.ClientAuthenticationMethod.ServiceAccountToken;
    ledger.clientAuthentication.serviceAccountName = "ledger-connector";
    Condition missing = ListingReadiness.ready(ledger, true, false, 0, List.of());
    assertEquals(List.of("False", "ServiceAccountMissing"), List.of(missing.getStatus(), missing.getReason()));
    assertEquals("ServiceAccount 'ledger-connector' does not exist in namespace 'vendor-ledger', so no token of it can "
        + "be exchanged; have the vendor create it and run its connector under it, or correct "
        + "spec.clientAuthentication.serviceAccountName.", missing.getMessage());
    assertEquals("Ready", ListingReadiness.ready(ledger, true, true, 0, List.of()).getReason());
    assertEquals("VendorNamespaceMissing", ListingReadiness.ready(ledger, false, false, 0, List.of()).getReason(),
        "a missing namespace is the first thing to fix");
  }

  @Test
  void aListingThatNamesNoServiceAccountIsNotAskedForOne() {
    assertEquals("Ready", ListingReadiness.ready(ledger, true, false, 0, List.of()).getReason());
  }

  @Test
  void aPlatformBuiltListingNeedsNoVendorNamespace() {
    AppListingSpec crm = platformListing("crm", AppListingSpec.AuthMethod.ApiKey).getSpec();
    assertEquals("Ready", ListingReadiness.ready(crm, false, 0, List.of()).getReason());
  }
}
