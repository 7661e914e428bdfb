package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.values.Times;
import java.time.Instant;

/**
 * The unused-credential rule, in one place for the planner, the token endpoint and the recording of
 * a first use: credentials nobody exchanged for a token before their deadline are expired.
 */
public final class UnusedCredentials {
  private UnusedCredentials() {
  }

  /** Whether the credential was never used and its deadline ({@code expiresAt}) has come at {@code now}. */
  public static boolean pastDeadline(Credential credential, Instant now) {
    Instant expiresAt = Times.parse(credential.expiresAt);
    return credential.firstUsedAt == null && expiresAt != null && !now.isBefore(expiresAt);
  }
}
