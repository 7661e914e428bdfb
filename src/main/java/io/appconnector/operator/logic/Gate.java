package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;

/** The outcome of one precondition: passed, or blocked with the phase, condition and words to show. */
public record Gate(boolean passed, String condition, Phase phase, String reason, String message) {

  public static Gate pass(String condition, String reason, String message) {
    return new Gate(true, condition, null, reason, message);
  }

  public static Gate block(String condition, Phase phase, String reason, String message) {
    return new Gate(false, condition, phase, reason, message);
  }
}
