package io.appconnector.operator.values;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Kubernetes-convention conditions: CamelCase type and reason, a message saying what to do next,
 * observedGeneration, and a lastTransitionTime that changes only when the status flips.
 */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String LISTING_AVAILABLE = "ListingAvailable";
  public static final String CONSENT_GIVEN = "ConsentGiven";
  public static final String VENDOR_CREDENTIALS_VALID = "VendorCredentialsValid";
  public static final String CREDENTIALS_ISSUED = "CredentialsIssued";

  private Conditions() {
  }

  public static Condition of(String type, boolean status, String reason, String message) {
    return new ConditionBuilder().withType(type).withStatus(status ? "True" : "False")
        .withReason(reason).withMessage(message).build();
  }

  /**
   * The desired conditions stamped with generation and transition times; a condition keeps its
   * previous lastTransitionTime unless its status changed.
   */
  public static List<Condition> merge(List<Condition> previous, List<Condition> desired, long generation,
      Instant now) {
    List<Condition> result = new ArrayList<>();
    for (Condition want : desired) {
      Condition before = find(previous, want.getType());
      String transition = before != null && Objects.equals(before.getStatus(), want.getStatus())
          && before.getLastTransitionTime() != null ? before.getLastTransitionTime() : Times.format(now);
      result.add(new ConditionBuilder(want).withObservedGeneration(generation)
          .withLastTransitionTime(transition).build());
    }
    return result;
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
