package io.appconnector.operator.logic;

import io.appconnector.operator.values.Conditions;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * The conditions GitOps tools read besides Ready. Flux (kstatus) looks only at {@code Reconciling}
 * and {@code Stalled}: an activation that cannot go on until someone changes something (Rejected,
 * Expired, AwaitingConsent) is Stalled, so kstatus reports it Failed at once instead of waiting for
 * a timeout; one the operator or a Secret still has to complete (Pending, AwaitingVendorCredentials)
 * is Reconciling, so kstatus reports it InProgress. Both carry the Ready condition's reason and
 * message, and appear only while True, as kstatus's own conventions have them.
 */
public final class GitOpsConditions {
  public static final String STALLED = "Stalled";
  public static final String RECONCILING = "Reconciling";

  private GitOpsConditions() {
  }

  /** {@code conditions} (Ready and the gates) with Stalled or Reconciling added as the phase implies. */
  public static List<Condition> forPhase(Phase phase, List<Condition> conditions) {
    List<Condition> all = new ArrayList<>(conditions);
    all.removeIf(c -> STALLED.equals(c.getType()) || RECONCILING.equals(c.getType()));
    String type = switch (phase) {
      case Rejected, Expired, AwaitingConsent -> STALLED;
      case Pending, AwaitingVendorCredentials -> RECONCILING;
      case Active, Suspended -> null;
    };
    if (type != null) {
      Condition ready = Conditions.find(conditions, Conditions.READY);
      all.add(Conditions.of(type, true, ready == null ? phase.name() : ready.getReason(),
          ready == null ? phase.name() : ready.getMessage()));
    }
    return all;
  }
}
