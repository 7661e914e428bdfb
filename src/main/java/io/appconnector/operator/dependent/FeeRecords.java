package io.appconnector.operator.dependent;

import static io.appconnector.operator.logic.DeliveryNames.*;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.status.Times;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;

/**
 * Fee-change records: ConfigMaps in the tenant's namespace with no owner, so they outlive the
 * Activation and billing can read them ({@code kubectl get cm -l appconnector.io/role=fee-change}).
 */
public class FeeRecords {
  public static final String STATE_PENDING = "Pending";
  public static final String STATE_EFFECTIVE = "Effective";
  public static final String STATE_CANCELLED = "Cancelled";

  private final KubernetesClient client;

  public FeeRecords(KubernetesClient client) {
    this.client = client;
  }

  /** Creates the pending record, or leaves an existing one as it is. Returns its name. */
  public String ensurePending(Activation activation, Instant requestedAt, Instant effectiveFrom) {
    String name = feeRecordName(activation);
    ConfigMap record = new ConfigMapBuilder()
        .withNewMetadata().withNamespace(activation.getMetadata().getNamespace()).withName(name)
        .addToLabels(MANAGED_BY, OPERATOR).addToLabels(ROLE, ROLE_FEE_RECORD)
        .addToLabels(LISTING, labelValue(activation.getSpec().listing))
        .addToLabels(ACTIVATION, labelValue(activation.getMetadata().getName()))
        .addToAnnotations(ACTIVATION_UID, activation.getMetadata().getUid())
        .endMetadata()
        .addToData("tenant", activation.getMetadata().getNamespace())
        .addToData("listing", activation.getSpec().listing)
        .addToData("activation", activation.getMetadata().getName())
        .addToData("state", STATE_PENDING)
        .addToData("requestedAt", Times.format(requestedAt))
        .addToData("effectiveFrom", Times.format(effectiveFrom))
        .build();
    try {
      client.configMaps().resource(record).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    return name;
  }

  /** Moves a record to a new state, if it exists, was written for this activation and is still pending. */
  public void transition(Activation activation, String state, Instant at) {
    var resource = client.configMaps().inNamespace(activation.getMetadata().getNamespace())
        .withName(feeRecordName(activation));
    ConfigMap current = resource.get();
    if (current == null || current.getData() == null || !STATE_PENDING.equals(current.getData().get("state"))
        || current.getMetadata().getAnnotations() == null
        || !activation.getMetadata().getUid().equals(current.getMetadata().getAnnotations().get(ACTIVATION_UID))) {
      return;
    }
    resource.edit(cm -> new ConfigMapBuilder(cm).addToData("state", state)
        .addToData(STATE_CANCELLED.equals(state) ? "cancelledAt" : "effectiveAt", Times.format(at)).build());
  }
}
