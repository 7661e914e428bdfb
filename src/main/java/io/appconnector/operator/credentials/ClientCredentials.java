package io.appconnector.operator.credentials;

/** A client ID and its secret, as delivered to the vendor. {@link #toString()} never shows the secret. */
public record ClientCredentials(String clientId, String clientSecret) {
  @Override
  public String toString() {
    return "ClientCredentials[clientId=" + clientId + ", clientSecret=<redacted>]";
  }
}
