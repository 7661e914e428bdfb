package io.appconnector.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.dependent.PlanExecutor;
import io.appconnector.operator.values.Conditions;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailuresTest {
  static final String VENDOR = "vendor-secret-ns";

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("a Secret someone else put at the delivery name", new PlanExecutor.DeliveryConflictException(
            "a Secret named " + VENDOR + "/appconnector.t.a exists that the operator did not deliver"), "DeliveryConflict", true),
        Arguments.of("the vendor namespace missing", new KubernetesClientException("creating the delivered Secret "
            + VENDOR + "/appconnector.t.a failed: HTTP 404", 404, null), "DeliveryFailed", true),
        Arguments.of("anything else", new RuntimeException(new KubernetesClientException("secrets in " + VENDOR
            + " are forbidden", 403, null)), "ReconcileError", false));
  }

  @ParameterizedTest(name = "{0}: {2}, reaches the tenant without the vendor namespace")
  @MethodSource("failures")
  void aFailureReachesTheActivationsStatusInWordsThatNameNothingOutsideTheTenant(String what, Exception failure,
      String reason, boolean forPlatform) {
    Activation a = Fixtures.activation("tenant-acme", "ledger", "ledger");
    a.setStatus(new ActivationStatus());
    a.getStatus().phase = ActivationStatus.Phase.Active;
    Failures.Report report = Failures.report(a, failure);
    assertEquals(reason, report.reason());
    assertEquals(forPlatform, report.forPlatform());
    assertFalse(report.message().contains(VENDOR), report.message());
    assertTrue(report.detail().contains(VENDOR), "the detail, for the log and the listing's Event, says where");

    ActivationStatus status = Failures.status(a, report, Instant.parse("2026-11-30T12:00:00Z"));
    assertEquals(ActivationStatus.Phase.Pending, status.phase, "credentials that could not be delivered are not Active");
    assertEquals("False", Conditions.find(status.conditions, Conditions.READY).getStatus());
    assertEquals(reason, Conditions.find(status.conditions, Conditions.READY).getReason());
    a.setStatus(status);
    assertNull(Failures.status(a, report, Instant.parse("2026-11-30T12:00:01Z")), "written once");
  }
}
