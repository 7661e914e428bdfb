package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import java.time.Instant;

/**
 * One way a vendor proves, with an RFC 7523 client assertion, that it is an activation's client.
 * A new method is one implementation and one line in {@link ClientAuthenticators}. It is asked only
 * for a known, live client whose listing names this method and that every other rule would grant,
 * so it never runs for made-up client IDs.
 */
public interface ClientAuthenticator {
  /** The listing's method this authenticator serves. */
  ClientAuthenticationMethod method();

  /** Its name in RFC 8414 metadata ({@code token_endpoint_auth_methods_supported}). */
  String metadataName();

  /**
   * Null when {@code assertion} proves that its sender is {@code clientId} under the rules of
   * {@code listing} at {@code now}; otherwise the refusal's reason for the operator's log (never
   * shown to the client, who hears invalid_client).
   */
  String refusal(String clientId, String assertion, AppListing listing, Instant now);
}
