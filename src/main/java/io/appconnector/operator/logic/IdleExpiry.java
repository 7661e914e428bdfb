package io.appconnector.operator.logic;

import io.appconnector.operator.values.GoDuration;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.values.Times;
import java.time.Duration;
import java.time.Instant;

/**
 * The listing's optional idle lifetime: used credentials that were not used again for that long are
 * revoked, as unused ones are after their lifetime. The deadline is the last recorded use plus the
 * lifetime, so it is exact and survives a restart; the token endpoint writes a use at once (not in
 * its periodic flush) once the deadline is near, so the record is never behind at the deadline.
 */
public final class IdleExpiry {
  static final Duration SHORTEST = Duration.ofHours(1);

  private IdleExpiry() {
  }

  /** The listing's idle lifetime, or null when it has none (or one that does not parse). */
  public static Duration lifetime(AppListingSpec listing) {
    String own = listing == null ? null : listing.credentialPolicy().idleLifetime;
    if (own == null || own.isBlank()) {
      return null;
    }
    try {
      Duration idle = GoDuration.parse(own);
      return idle.compareTo(SHORTEST) < 0 ? SHORTEST : idle;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The last use recorded: the later of the first use and the last flushed use, or null if never used. */
  public static Instant lastUse(Credential credential) {
    Instant first = parse(credential.firstUsedAt);
    Instant last = parse(credential.lastUsedAt);
    if (first == null) {
      return last;
    }
    return last == null || last.isBefore(first) ? first : last;
  }

  /**
   * When used credentials are revoked for idleness, or null (never used, or no idle lifetime). It
   * counts from the last use, or from the pair's issue when later (a restore after suspension
   * starts the count afresh).
   */
  public static Instant deadline(Credential credential, AppListingSpec listing) {
    Duration idle = lifetime(listing);
    Instant last = credential == null ? null : lastUse(credential);
    if (idle == null || last == null) {
      return null;
    }
    Instant issued = parse(credential.issuedAt);
    return (issued != null && issued.isAfter(last) ? issued : last).plus(idle);
  }

  /** Whether used credentials are past their idle deadline at {@code now}. */
  public static boolean expired(Credential credential, AppListingSpec listing, Instant now) {
    Instant deadline = deadline(credential, listing);
    return deadline != null && !now.isBefore(deadline);
  }

  private static Instant parse(String text) {
    try {
      return Times.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
