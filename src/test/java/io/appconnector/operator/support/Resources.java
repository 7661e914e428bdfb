package io.appconnector.operator.support;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Consumer;

/** What end-to-end scenarios do to listings and activations, as a user or a GitOps tool would. */
public final class Resources {
  private Resources() {
  }

  /** Creates a fixture listing under a name unique to the test run. */
  public static AppListing createListing(KubernetesClient client, AppListing listing, String suffix) {
    listing.getMetadata().setName(listing.getMetadata().getName() + "-" + suffix);
    listing.getMetadata().setUid(null);
    return client.resource(listing).create();
  }

  /** Creates a fixture activation, leaving identity and timestamps to the API server. */
  public static Activation createActivation(KubernetesClient client, Activation activation) {
    activation.getMetadata().setUid(null);
    activation.getMetadata().setCreationTimestamp(null);
    activation.getMetadata().setGeneration(null);
    return client.resource(activation).create();
  }

  public static Activation get(KubernetesClient client, String ns, String name) {
    return client.resources(Activation.class).inNamespace(ns).withName(name).get();
  }

  public static Activation awaitPhase(KubernetesClient client, String ns, String name, Phase phase) {
    return Await.until(ns + "/" + name + " in phase " + phase, () -> get(client, ns, name),
        a -> a != null && a.getStatus() != null && a.getStatus().phase == phase);
  }

  /** Edits an activation's spec as a user would, trying again when the operator wrote in between. */
  public static Activation editSpec(KubernetesClient client, String ns, String name, Consumer<ActivationSpec> change) {
    for (int attempt = 0; ; attempt++) {
      try {
        return client.resources(Activation.class).inNamespace(ns).withName(name).edit(a -> {
          change.accept(a.getSpec());
          return a;
        });
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * Edits a listing as the platform team would, trying again when the operator wrote its status in
   * between (an edit carries the resourceVersion it read).
   */
  public static AppListing editListing(KubernetesClient client, String name, java.util.function.UnaryOperator<AppListing> change) {
    for (int attempt = 0; ; attempt++) {
      try {
        return client.resources(AppListing.class).withName(name).edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }
}
