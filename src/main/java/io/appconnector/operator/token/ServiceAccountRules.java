package io.appconnector.operator.token;

import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import java.util.List;
import java.util.Map;

/**
 * What a TokenReview must report for a projected ServiceAccount token to prove a client: the API
 * server authenticated it for the token endpoint's audience (signature, expiry, and the pod it is
 * bound to still existing are the API server's checks), it belongs to the listing's ServiceAccount
 * in the listing's vendor namespace, and it is bound to a pod. Tokens bound to nothing (such as
 * {@code kubectl create token}) or to a Secret are refused: a projected volume's token always names
 * its pod, and stops working when the pod is gone.
 */
public final class ServiceAccountRules {
  /** The user name the API server gives a ServiceAccount's tokens. */
  static final String PREFIX = "system:serviceaccount:";
  /** TokenReview's extra field naming the pod a token is bound to. */
  public static final String POD_NAME = "authentication.kubernetes.io/pod-name";

  private ServiceAccountRules() {
  }

  /** Null when the review proves the ServiceAccount {@code namespace/name}, else the reason for the log. */
  public static String refusal(TokenReviewStatus status, String audience, String namespace, String name) {
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
      // Expired, signed by someone else, for another audience, or its pod is gone: the API server says only no.
      return "service_account_token_not_authenticated";
    }
    if (status.getAudiences() == null || !status.getAudiences().contains(audience)) {
      return "service_account_token_wrong_audience";
    }
    String user = status.getUser().getUsername();
    if (user == null || !user.startsWith(PREFIX)) {
      return "not_a_service_account";
    }
    String[] parts = user.substring(PREFIX.length()).split(":", -1);
    if (parts.length != 2 || !parts[0].equals(namespace)) {
      return "service_account_of_another_namespace";
    }
    if (!parts[1].equals(name)) {
      return "another_service_account";
    }
    Map<String, List<String>> extra = status.getUser().getExtra();
    List<String> pod = extra == null ? null : extra.get(POD_NAME);
    if (pod == null || pod.isEmpty() || pod.get(0).isEmpty()) {
      return "service_account_token_not_bound_to_a_pod";
    }
    return null;
  }
}
