package io.appconnector.operator.reconciler;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.dependent.PlanExecutor;
import io.appconnector.operator.values.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A failed reconcile as the tenant reads it on its activation, and as the platform team reads it
 * (log, Event on the AppListing). The tenant's words never name the vendor's namespace or anything
 * else outside its own namespace; the detail does.
 */
final class Failures {
  private Failures() {
  }

  /**
   * @param forPlatform whether the platform team must act (the detail goes to an Event on the listing)
   */
  record Report(String reason, String message, String detail, boolean forPlatform) {
  }

  static Report report(Activation activation, Exception failure) {
    Throwable e = failure;
    while (e.getCause() != null && e.getCause() != e) {
      e = e.getCause();
    }
    // Some causes (an interrupted call while the operator stops) carry no message: name the type.
    String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    String listing = "AppListing '" + activation.getSpec().listing + "'";
    if (e instanceof PlanExecutor.DeliveryConflictException) {
      return new Report("DeliveryConflict", "The credentials could not be delivered to the vendor: an object the "
          + "operator did not write is in the way. The platform team sees the details on " + listing
          + "; delivery is retried automatically.", detail, true);
    }
    if (e instanceof KubernetesClientException k && k.getCode() == 404) {
      return new Report("DeliveryFailed", "The credentials could not be delivered: the vendor is not set up to "
          + "receive them yet. The platform team sees the details on " + listing
          + "; delivery is retried automatically.", detail, true);
    }
    String kind = e instanceof KubernetesClientException k && k.getCode() > 0 ? "HTTP " + k.getCode()
        : e.getClass().getSimpleName();
    return new Report("ReconcileError", "The operator could not finish this activation (" + kind
        + ") and retries automatically. If this persists, ask the platform team to check the operator's log.",
        detail, false);
  }

  /**
   * The status that reports the failure: Ready=False with its reason and message, and a phase that
   * no longer says Active (credentials that could not be delivered are not usable). Null when the
   * status already says so.
   */
  static ActivationStatus status(Activation activation, Report report, Instant now) {
    ActivationStatus status = activation.getStatus() == null ? new ActivationStatus() : activation.getStatus();
    Condition previous = Conditions.find(status.conditions, Conditions.READY);
    if (previous != null && Objects.equals(previous.getMessage(), report.message())
        && Objects.equals(previous.getReason(), report.reason())) {
      return null;
    }
    ActivationStatus updated = Serialization.clone(status);
    if (updated.phase == null || updated.phase == ActivationStatus.Phase.Active) {
      updated.phase = ActivationStatus.Phase.Pending;
    }
    updated.message = report.message();
    Condition ready = Conditions.of(Conditions.READY, false, report.reason(), report.message());
    updated.conditions.removeIf(c -> Conditions.READY.equals(c.getType()));
    updated.conditions.addAll(Conditions.merge(status.conditions, List.of(ready),
        Objects.requireNonNullElse(activation.getMetadata().getGeneration(), 0L), now));
    return updated;
  }
}
