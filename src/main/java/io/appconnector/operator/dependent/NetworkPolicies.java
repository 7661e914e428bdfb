package io.appconnector.operator.dependent;

import io.appconnector.operator.values.NamespacedName;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.logic.NetworkFence;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps a TrustedOnly activation's NetworkPolicy as planned. Only policies the operator wrote for
 * this activation (label and activation annotation) are ever changed or deleted.
 */
public class NetworkPolicies {
  private final KubernetesClient client;

  public NetworkPolicies(KubernetesClient client) {
    this.client = client;
  }

  /** Makes the activation's policy match {@code desired} (null: no policy). {@code existing} is what the cache shows. */
  public void reconcile(Activation activation, NetworkPolicy desired, NetworkPolicy existing) {
    if (desired == null) {
      delete(activation, existing);
      return;
    }
    if (existing == null) {
      if (CreateOrAdopt.createUnlessExists(() -> client.resource(desired).create()) != null) {
        return;
      }
      existing = client.resource(desired).get();
      if (existing == null) {
        throw new KubernetesClientException("the NetworkPolicy " + desired.getMetadata().getNamespace() + "/"
            + desired.getMetadata().getName() + " exists but could not be read", HttpURLConnection.HTTP_CONFLICT, null);
      }
    }
    if (!ownedBy(existing, activation)) {
      throw new PlanExecutor.DeliveryConflictException("a NetworkPolicy named " + desired.getMetadata().getNamespace()
          + "/" + desired.getMetadata().getName() + " exists that the operator did not write for this activation; "
          + "rename or delete it so the trusted-network fence can be applied");
    }
    if (!Objects.equals(existing.getSpec(), desired.getSpec())
        || !Objects.equals(existing.getMetadata().getOwnerReferences(), desired.getMetadata().getOwnerReferences())) {
      NetworkPolicy update = new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder(desired)
          .editMetadata().withResourceVersion(existing.getMetadata().getResourceVersion()).endMetadata().build();
      client.resource(update).update();
    }
  }

  public void delete(Activation activation, NetworkPolicy existing) {
    if (existing != null && ownedBy(existing, activation)) {
      client.resource(existing).delete();
    }
  }

  static boolean ownedBy(NetworkPolicy policy, Activation activation) {
    Map<String, String> labels = policy.getMetadata().getLabels();
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    return labels != null && DeliveryNames.OPERATOR.equals(labels.get(DeliveryNames.MANAGED_BY))
        && NetworkFence.ROLE_POLICY.equals(labels.get(DeliveryNames.ROLE))
        && annotations != null && NamespacedName.ref(activation).equals(annotations.get(DeliveryNames.ACTIVATION_REF));
  }
}
