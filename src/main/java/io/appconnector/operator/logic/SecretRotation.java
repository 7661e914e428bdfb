package io.appconnector.operator.logic;

import io.appconnector.operator.values.GoDuration;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.PreviousSecret;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.values.Times;
import java.time.Duration;
import java.time.Instant;

/**
 * Rotation with overlap: a new secret for the same client ID, delivered beside the previous one,
 * both accepted until the new one is first used or the grace period ends, whichever comes first;
 * then the previous one is retired. A pure function of the record in status, the delivered Secret,
 * the listing's policy and the time, so a restart never rotates or retires early (every deadline is
 * in status). {@code spec.revision} is not this: it gives a new client ID, at once.
 */
public final class SecretRotation {
  public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
  static final Duration SHORTEST_GRACE = Duration.ofMinutes(1);
  static final Duration LONGEST_GRACE = Duration.ofHours(720);
  static final Duration SHORTEST_ROTATE_EVERY = Duration.ofHours(1);

  private SecretRotation() {
  }

  public enum Step {
    /** Nothing to do now (see {@link Decision#nextLook()}). */
    NONE,
    /** Issue a new secret for the same client ID; the current one becomes the previous one. */
    ROTATE,
    /**
     * A rotation was recorded but its Secret never delivered (a crash in between): the Secret still
     * holds the previous secret. Issue a new secret again; the previous one and its deadline stay.
     */
    RESUME,
    /** End the overlap: remove the previous secret's verifier, then the key from the Secret. */
    RETIRE
  }

  /**
   * @param event the Event reason of the step (null for NONE)
   * @param why what happened, for the Event
   * @param retiresAt when the previous secret retires at the latest (ROTATE, RESUME)
   * @param nextLook when to look again for this rotation's sake (null: only when something changes)
   */
  public record Decision(Step step, PlanEvent event, String why, Instant retiresAt, Instant nextLook) {
    static final Decision NONE = new Decision(Step.NONE, null, null, null, null);

    static Decision waitUntil(Instant at) {
      return new Decision(Step.NONE, null, null, null, at);
    }
  }

  /**
   * What to do about rotation after the credential plan: only for an Active vendor-built activation
   * whose record is current and whose delivered Secret is at hand. {@code plan} is the credential
   * plan; a plan that issues a new client, re-issues or withdraws ends any overlap itself.
   */
  public static Decision decide(Activation activation, AppListingSpec listing, ActivationPlan plan,
      DeliveredCredentials delivered, Instant now) {
    if (plan.phase() != Phase.Active || listing == null || listing.developedBy != AppListingSpec.Party.Vendor
        || activation.getStatus() == null) {
      return Decision.NONE;
    }
    long revision = activation.getSpec().revision;
    Credential record = ActivationPlanner.currentRecord(activation.getStatus(), revision);
    if (record == null || record.verifier == null || delivered == null || delivered.revision() != revision
        || !delivered.location().equals(record.deliveredTo)) {
      return Decision.NONE;
    }
    PreviousSecret previous = record.previousSecret;
    boolean holdsCurrent = SecretVerifier.matches(record.verifier, delivered.clientSecret());
    if (!holdsCurrent) {
      if (previous != null && record.secretFirstUsedAt == null && SecretVerifier.matches(previous.verifier,
          delivered.clientSecret()) && now.isBefore(retiresAt(previous))) {
        return new Decision(Step.RESUME, PlanEvent.SecretRotated, "the new secret recorded for this client ID was not "
            + "delivered; a new one is delivered beside the previous secret, which retires as recorded",
            retiresAt(previous), retiresAt(previous));
      }
      return Decision.NONE;
    }
    if (previous != null) {
      if (record.secretFirstUsedAt != null) {
        return new Decision(Step.RETIRE, PlanEvent.PreviousSecretRetired, "the new secret was first used at "
            + record.secretFirstUsedAt, null, null);
      }
      if (!now.isBefore(retiresAt(previous))) {
        return new Decision(Step.RETIRE, PlanEvent.PreviousSecretRetired, "the grace period ended at " + previous.retiresAt
            + " before the new secret was used", null, null);
      }
      if (previousHeld(record, delivered) == null) {
        return new Decision(Step.RETIRE, PlanEvent.PreviousSecretRetired, "the delivered Secret no longer holds it", null,
            null);
      }
      return Decision.waitUntil(retiresAt(previous));
    }
    long asked = activation.getSpec().rotateSecret;
    long done = record.rotation == null ? 0 : record.rotation;
    Instant retiresAt = now.plus(gracePeriod(listing));
    if (asked > done) {
      return new Decision(Step.ROTATE, PlanEvent.SecretRotated, "spec.rotateSecret was raised to " + asked, retiresAt,
          retiresAt);
    }
    Duration every = rotateEvery(listing);
    if (every == null) {
      return Decision.NONE;
    }
    Instant issued = Times.parse(record.secretIssuedAt != null ? record.secretIssuedAt : record.issuedAt);
    if (issued == null) {
      return Decision.NONE;
    }
    Instant due = issued.plus(every);
    if (now.isBefore(due)) {
      return Decision.waitUntil(due);
    }
    return new Decision(Step.ROTATE, PlanEvent.SecretRotated, "the listing rotates secrets every " + GoDuration.format(every),
        retiresAt, retiresAt);
  }

  /** The previous secret the delivered Secret holds, when the record vouches for it; else null. */
  public static String previousHeld(Credential record, DeliveredCredentials delivered) {
    if (record == null || record.previousSecret == null || delivered == null
        || delivered.previousClientSecret() == null) {
      return null;
    }
    return SecretVerifier.matches(record.previousSecret.verifier, delivered.previousClientSecret())
        ? delivered.previousClientSecret() : null;
  }

  /**
   * Whether the token endpoint accepts this secret as the previous one now: during the overlap,
   * before its deadline and before the new secret's first use.
   */
  public static boolean acceptsPrevious(Credential credential, String secret, Instant now) {
    PreviousSecret previous = credential.previousSecret;
    boolean matches = SecretVerifier.matches(previous == null ? null : previous.verifier, secret);
    return matches && credential.secretFirstUsedAt == null && now.isBefore(retiresAt(previous));
  }

  /** Whether an exchange with the current secret is its first use during a rotation's overlap (to be recorded). */
  public static boolean firstUseOfCurrentSecret(Credential credential) {
    return credential.previousSecret != null && credential.secretFirstUsedAt == null;
  }

  /** The listing's grace period, kept within what the CRD allows even if the stored value is not. */
  public static Duration gracePeriod(AppListingSpec listing) {
    String own = listing.credentialPolicy().rotationGracePeriod;
    Duration grace;
    try {
      grace = own == null || own.isBlank() ? DEFAULT_GRACE : GoDuration.parse(own);
    } catch (IllegalArgumentException e) {
      return DEFAULT_GRACE;
    }
    return grace.compareTo(SHORTEST_GRACE) < 0 ? SHORTEST_GRACE
        : grace.compareTo(LONGEST_GRACE) > 0 ? LONGEST_GRACE : grace;
  }

  /** The listing's rotation period, or null when it rotates only on request. */
  public static Duration rotateEvery(AppListingSpec listing) {
    String own = listing.credentialPolicy().rotateEvery;
    if (own == null || own.isBlank()) {
      return null;
    }
    try {
      Duration every = GoDuration.parse(own);
      return every.compareTo(SHORTEST_ROTATE_EVERY) < 0 ? SHORTEST_ROTATE_EVERY : every;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Instant retiresAt(PreviousSecret previous) {
    Instant at;
    try {
      at = previous == null ? null : Times.parse(previous.retiresAt);
    } catch (java.time.format.DateTimeParseException e) {
      at = null;
    }
    // A record without a readable deadline keeps nothing alive.
    return at == null ? Instant.MIN : at;
  }
}
