package io.appconnector.operator.logic;

/**
 * What a plan does to an activation's credentials that is worth telling: each constant's name is
 * the reason of the Event (and of the CredentialsIssued condition while it says what was repaired).
 */
public enum PlanEvent {
  /** No record for this revision: a new client ID and secret are issued and delivered. */
  CredentialsIssued,
  /** The record holds a pair whose delivered Secret is missing: it is delivered again, same client ID. */
  CredentialsRedelivered,
  /** A client ID kept through a suspension or a withdrawal gets a fresh secret. */
  Restored,
  /** The delivered Secret holds a secret the record does not vouch for: the same client ID gets a fresh one. */
  DeliveredSecretReplaced,
  /** The delivered Secret holds the recorded secret but says something else too: rewritten from the record. */
  DeliveredSecretRepaired,
  /** Unused past the deadline: the delivered Secret is removed and tokens are refused. */
  CredentialsExpired,
  /** The tenant suspended the activation: the delivered Secret is withdrawn. */
  Suspended,
  /** The listing was deleted, Retired or is no longer offered to the tenant: the delivered Secret is withdrawn. */
  CredentialsWithdrawn,
  /** Used, then not used for the listing's idle lifetime: the delivered Secret is removed and tokens are refused. */
  CredentialsIdleExpired,
  /** A new secret for the same client ID, delivered beside the previous one (a rotation's overlap begins). */
  SecretRotated,
  /** The previous secret of a rotation stops working: the new one was used, or the grace period ended. */
  PreviousSecretRetired,
  /** The listing changed how its vendor authenticates: the same client ID is issued for the new method. */
  ClientAuthenticationChanged;

  /** The Event's reason. */
  public String reason() {
    return name();
  }
}
