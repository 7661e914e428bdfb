package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The client-assertion methods the token endpoint accepts, one line each. Client secrets
 * (client_secret_basic and client_secret_post) are checked by {@link ExchangeRules} itself.
 */
public final class ClientAuthenticators {
  private final Map<ClientAuthenticationMethod, ClientAuthenticator> byMethod = new EnumMap<>(
      ClientAuthenticationMethod.class);

  /** Every method, with what each needs: the API server for TokenReview, the endpoint's own addresses. */
  public static ClientAuthenticators standard(KubernetesClient client, TokenSettings settings) {
    return new ClientAuthenticators()
        // A projected ServiceAccount token of the vendor's namespace, reviewed by the API server.
        .register(new ServiceAccountTokens(client, settings.tokenEndpoint()))
        // A short JWT signed with the vendor's own key (private_key_jwt), never replayed.
        .register(new PrivateKeyAssertions(List.of(settings.tokenEndpoint(), settings.issuer()),
            new AssertionReplays(AssertionReplays.PER_CLIENT, AssertionReplays.TOTAL), new VendorKeySets()));
  }

  public ClientAuthenticators register(ClientAuthenticator authenticator) {
    byMethod.put(authenticator.method(), authenticator);
    return this;
  }

  /** Null when the assertion proves the client under its listing's method, else the log reason. */
  public String refusal(String clientId, String assertion, AppListing listing, Instant now) {
    ClientAuthenticator authenticator = byMethod.get(listing.getSpec().clientAuthenticationMethod());
    return authenticator == null ? "method_not_served" : authenticator.refusal(clientId, assertion, listing, now);
  }

  /** The RFC 8414 names of every client authentication method served, the secret ones first. */
  public List<String> metadataNames() {
    List<String> names = new ArrayList<>(List.of("client_secret_basic", "client_secret_post"));
    byMethod.values().forEach(a -> names.add(a.metadataName()));
    return names;
  }
}
