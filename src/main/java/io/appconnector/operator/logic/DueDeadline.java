package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.BillingState;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.values.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Which deadline recorded in an activation's status has come: an unused credential's expiry, an
 * idle expiry, the end of a rotation's overlap, a scheduled rotation, a fee change's date (what the
 * reconciler's next look is made of). The reconcile queue runs an activation with a due deadline
 * ahead of those without, so a burst of new activations does not make an expiry late.
 *
 * <p>Only deadlines the next reconcile acts on count (an Active record for the current revision, a
 * fee change still pending), so the reconcile that acts on one clears it and nothing stays ahead for
 * good. Never early: a deadline is due from its instant on, as the planner has it.
 */
public final class DueDeadline {
  private DueDeadline() {
  }

  /**
   * The earliest deadline of {@code activation} that has come at {@code now}, or null when none has.
   * {@code listing} (null when unknown) gives the idle lifetime and the rotation period; without it
   * only the deadlines written in status count.
   */
  public static Instant of(Activation activation, AppListingSpec listing, Instant now) {
    ActivationStatus status = activation.getStatus();
    if (status == null) {
      return null;
    }
    Instant earliest = null;
    if (status.billing != null && status.billing.state == BillingState.FeeChangePending) {
      earliest = earlier(earliest, time(status.billing.effectiveFrom));
    }
    Credential record = status.phase == Phase.Active && activation.getSpec() != null
        ? ActivationPlanner.currentRecord(status, activation.getSpec().revision) : null;
    if (record != null && record.expiredAt == null && LiveCredential.live(record)) {
      if (record.firstUsedAt == null) {
        earliest = earlier(earliest, time(record.expiresAt));
      } else if (listing != null) {
        earliest = earlier(earliest, idleDeadline(record, listing));
      }
      if (record.previousSecret != null) {
        // The overlap ends at its deadline or at the new secret's first use, whichever comes first.
        earliest = earlier(earliest, time(record.previousSecret.retiresAt));
        earliest = earlier(earliest, time(record.secretFirstUsedAt));
      } else if (listing != null && listing.developedBy == AppListingSpec.Party.Vendor) {
        earliest = earlier(earliest, scheduledRotation(record, listing));
      }
    }
    return earliest != null && !now.isBefore(earliest) ? earliest : null;
  }

  private static Instant idleDeadline(Credential record, AppListingSpec listing) {
    try {
      return IdleExpiry.deadline(record, listing);
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  private static Instant scheduledRotation(Credential record, AppListingSpec listing) {
    Duration every;
    try {
      every = SecretRotation.rotateEvery(listing);
    } catch (RuntimeException unreadable) {
      return null;
    }
    Instant issued = time(record.secretIssuedAt != null ? record.secretIssuedAt : record.issuedAt);
    return every == null || issued == null ? null : issued.plus(every);
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || (b != null && b.isBefore(a)) ? b : a;
  }

  /** A time as status holds it; one that does not parse (a hand-edited status) is no deadline here. */
  private static Instant time(String text) {
    try {
      return Times.parse(text);
    } catch (DateTimeParseException unreadable) {
      return null;
    }
  }
}
