package io.appconnector.operator.reconciler;

import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkStatus;
import io.appconnector.operator.logic.NetworkReadiness;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;

/** Keeps a TrustedNetwork's status (Ready, the count of networks) in step with its spec; writes only on change. */
public class TrustedNetworkReconciler implements Reconciler<TrustedNetwork> {
  private final Clock clock;

  public TrustedNetworkReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public UpdateControl<TrustedNetwork> reconcile(TrustedNetwork network, Context<TrustedNetwork> context) {
    TrustedNetworkStatus status = NetworkReadiness.status(network, clock.instant());
    if (Serialization.jsonMapper().valueToTree(status).equals(Serialization.jsonMapper().valueToTree(network.getStatus()))) {
      return UpdateControl.noUpdate();
    }
    TrustedNetwork patch = new TrustedNetwork();
    patch.setMetadata(new ObjectMetaBuilder().withName(network.getMetadata().getName())
        .withNamespace(network.getMetadata().getNamespace()).build());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }
}
