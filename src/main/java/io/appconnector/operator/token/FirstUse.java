package io.appconnector.operator.token;

import io.appconnector.operator.logic.UnusedCredentials;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.logic.LiveCredential;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;

/**
 * Records the first successful use of an activation's credentials in its status, which stops the
 * unused-credential expiry. Safe with many callers at once: the write carries the resourceVersion,
 * so exactly one first use is recorded and a conflict is simply read again.
 */
public final class FirstUse {
  private static final int ATTEMPTS = 10;

  private FirstUse() {
  }

  public enum Result { RECORDED, ALREADY_RECORDED, NOT_USABLE }

  /**
   * @return RECORDED when this call recorded the first use; ALREADY_RECORDED when an earlier one
   *     did; NOT_USABLE when the activation is gone or its credential for this client ID is not
   *     live (withdrawn, expired or replaced), in which case nothing is written.
   */
  public static Result record(KubernetesClient client, String namespace, String name, String clientId, Instant at) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Activation activation = client.resources(Activation.class).inNamespace(namespace).withName(name).get();
      Credential credential = activation == null || activation.getStatus() == null ? null
          : activation.getStatus().credential;
      if (credential == null || !clientId.equals(credential.clientId)) {
        return Result.NOT_USABLE;
      }
      if (credential.firstUsedAt != null) {
        return Result.ALREADY_RECORDED;
      }
      if (!LiveCredential.live(credential) || credential.expiredAt != null || UnusedCredentials.pastDeadline(credential, at)) {
        return Result.NOT_USABLE;
      }
      credential.firstUsedAt = Times.formatPrecise(at);
      try {
        client.resource(activation).updateStatus();
        return Result.RECORDED;
      } catch (KubernetesClientException e) {
        if (e.getCode() != java.net.HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
      }
    }
    throw new RetryLater("could not record first use of " + namespace + "/" + name
        + " after " + ATTEMPTS + " conflicting writes");
  }
}
