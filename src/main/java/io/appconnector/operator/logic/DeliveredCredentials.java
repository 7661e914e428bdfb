package io.appconnector.operator.logic;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A delivered credential Secret as read back from the vendor's namespace: which activation and
 * revision it belongs to, its secret, and everything else it says ({@link DeliveredContent}), any of
 * which a vendor may have edited, and during a rotation's overlap the previous secret. Fields that do not parse are null (revision -1). {@link #toString()}
 * never shows the secret.
 */
public record DeliveredCredentials(String namespace, String name, String activationUid, long revision,
    String clientId, String clientSecret, Instant issuedAt, Instant expiresAt, List<String> scopes,
    Map<String, String> content, String previousClientSecret) {

  /** A Secret outside a rotation's overlap (no previous secret). */
  public DeliveredCredentials(String namespace, String name, String activationUid, long revision, String clientId,
      String clientSecret, Instant issuedAt, Instant expiresAt, List<String> scopes, Map<String, String> content) {
    this(namespace, name, activationUid, revision, clientId, clientSecret, issuedAt, expiresAt, scopes, content, null);
  }

  public DeliveredCredentials(String namespace, String name, String activationUid, long revision, String clientId,
      String clientSecret, Instant issuedAt, Instant expiresAt, List<String> scopes) {
    this(namespace, name, activationUid, revision, clientId, clientSecret, issuedAt, expiresAt, scopes, Map.of());
  }

  public String location() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return "DeliveredCredentials[" + location() + ", revision=" + revision + ", clientId=" + clientId + "]";
  }
}
