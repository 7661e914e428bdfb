package io.appconnector.operator.logic;

/** What the reconciler does to a Vendor-built activation's credentials. */
public enum CredentialAction {
  /** Nothing to write (or nothing issued at all: a gate failed, or the listing is Platform-built). */
  NONE,
  /** Generate a new client ID and secret and deliver them (first issue, or a raised revision). */
  ISSUE_NEW_CLIENT,
  /** Keep the client ID, deliver a new secret (restore after suspension, or the delivered Secret was lost). */
  ISSUE_SAME_CLIENT,
  /** The delivered Secret holds the recorded secret but says something else too: rewrite it from the record. */
  REPAIR,
  /** Suspended: remove the delivered Secret and the verifier, keep the client ID. */
  WITHDRAW,
  /** Unused past the lifetime: remove the delivered Secret and the verifier, mark expired. */
  EXPIRE
}
