package io.appconnector.operator.logic;

import java.time.Instant;
import java.util.List;

/**
 * A delivered credential Secret as read back from the vendor's namespace: which activation and
 * revision it belongs to, and its contents. {@link #toString()} never shows the secret.
 */
public record DeliveredCredentials(String namespace, String name, String activationUid, long revision,
    String clientId, String clientSecret, Instant issuedAt, Instant expiresAt, List<String> scopes) {

  public String location() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return "DeliveredCredentials[" + location() + ", revision=" + revision + ", clientId=" + clientId + "]";
  }
}
