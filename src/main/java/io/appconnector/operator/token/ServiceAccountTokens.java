package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;

/**
 * ServiceAccountToken: the vendor's pod sends its projected ServiceAccount token (audience: the
 * token endpoint) as the client assertion, with client_id naming the activation's client. The API
 * server reviews it (TokenReview, under the token server's own ServiceAccount); {@link
 * ServiceAccountRules} decide what the review must say. Nothing is kept: every exchange is
 * reviewed afresh, so a deleted pod or ServiceAccount stops exchanges at once.
 */
final class ServiceAccountTokens implements ClientAuthenticator {
  /** A ServiceAccount token is a JWT; more than this is not one (the form body is bounded anyway). */
  private static final int LONGEST_TOKEN = 8 * 1024;

  private final KubernetesClient client;
  private final String audience;

  ServiceAccountTokens(KubernetesClient client, String audience) {
    this.client = client;
    this.audience = audience;
  }

  @Override
  public ClientAuthenticationMethod method() {
    return ClientAuthenticationMethod.ServiceAccountToken;
  }

  @Override
  public String metadataName() {
    return "kubernetes_service_account_token";
  }

  @Override
  public String refusal(String clientId, String assertion, AppListing listing, Instant now) {
    if (assertion.length() > LONGEST_TOKEN || assertion.chars().filter(c -> c == '.').count() != 2) {
      return "service_account_token_malformed";
    }
    TokenReview review = new TokenReviewBuilder().withNewSpec().withToken(assertion).withAudiences(audience)
        .endSpec().build();
    TokenReview reviewed = client.authentication().v1().tokenReviews().create(review);
    return ServiceAccountRules.refusal(reviewed == null ? null : reviewed.getStatus(), audience,
        listing.getSpec().vendor.namespace, listing.getSpec().clientAuthentication.serviceAccountName);
  }
}
