package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;

/**
 * Records the first use of the current secret during a rotation's overlap
 * ({@code secretFirstUsedAt}), which retires the previous secret: the token endpoint refuses it from then on, and the operator removes it. The
 * write carries the resourceVersion, so concurrent replicas record one time; a secret rotated away
 * meanwhile (another verifier) records nothing.
 */
final class SecretFirstUse {
  private static final int ATTEMPTS = 10;

  private SecretFirstUse() {
  }

  /** @return whether this call recorded it (false: recorded before, or no longer this secret). */
  static boolean record(KubernetesClient client, String namespace, String name, String clientId, String verifier,
      Instant at) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Activation activation = client.resources(Activation.class).inNamespace(namespace).withName(name).get();
      Credential credential = activation == null || activation.getStatus() == null ? null
          : activation.getStatus().credential;
      if (credential == null || !clientId.equals(credential.clientId) || !verifier.equals(credential.verifier)
          || credential.secretFirstUsedAt != null) {
        return false;
      }
      credential.secretFirstUsedAt = Times.formatPrecise(at);
      try {
        client.resource(activation).updateStatus();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != java.net.HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
      }
    }
    throw new IllegalStateException("could not record the first use of a new secret of " + namespace + "/" + name
        + " after " + ATTEMPTS + " conflicting writes");
  }
}
