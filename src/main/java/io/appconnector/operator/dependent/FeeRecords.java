package io.appconnector.operator.dependent;

import static io.appconnector.operator.values.DeliveryNames.*;

import io.appconnector.operator.values.NamespacedName;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Fee-change records: ConfigMaps in the operator's own namespace, where tenants cannot write, with
 * no owner so they outlive the Activation. Billing lists them per tenant by label
 * ({@code kubectl get cm -n <operator namespace> -l appconnector.io/role=fee-change,appconnector.io/tenant=<tenant>}).
 * A record that says something other than the activation's billing state is rewritten from it; one
 * deleted is written again.
 */
public class FeeRecords {
  public static final String STATE_PENDING = "Pending";
  public static final String STATE_EFFECTIVE = "Effective";
  public static final String STATE_CANCELLED = "Cancelled";

  private final KubernetesClient client;
  private final String namespace;

  public FeeRecords(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  public String namespace() {
    return namespace;
  }

  /** The record's name: unique per (tenant, activation), since an activation's UID is unique. */
  public static String name(Activation activation) {
    return boundedName("fee-change." + activation.getMetadata().getNamespace() + "." + activation.getMetadata().getName()
        + "." + activation.getMetadata().getUid(), 253);
  }

  /** What the record of this activation says in the given state. */
  ConfigMap desired(Activation activation, String state, String effectiveFrom, String requestedAt, String stateSince) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("tenant", activation.getMetadata().getNamespace());
    data.put("listing", activation.getSpec().listing);
    data.put("activation", activation.getMetadata().getName());
    data.put("state", state);
    if (requestedAt != null) {
      data.put("requestedAt", requestedAt);
    }
    data.put("effectiveFrom", effectiveFrom);
    if (stateSince != null && !STATE_PENDING.equals(state)) {
      data.put(STATE_CANCELLED.equals(state) ? "cancelledAt" : "effectiveAt", stateSince);
    }
    return new ConfigMapBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name(activation))
        .addToLabels(MANAGED_BY, OPERATOR).addToLabels(ROLE, ROLE_FEE_RECORD)
        .addToLabels(TENANT, activation.getMetadata().getNamespace())
        .addToLabels(LISTING, labelValue(activation.getSpec().listing))
        .addToLabels(ACTIVATION, labelValue(activation.getMetadata().getName()))
        .addToAnnotations(ACTIVATION_UID, activation.getMetadata().getUid())
        .addToAnnotations(ACTIVATION_REF, NamespacedName.ref(activation))
        .endMetadata().withData(data).build();
  }

  /**
   * Makes the record say {@code state}: created when missing (first time, deleted, or an activation
   * whose record still lives in the tenant's namespace as before), rewritten when it says anything
   * else. {@code existing} is the record as cached. Returns the record's name.
   */
  public String ensure(Activation activation, ConfigMap existing, String state, String effectiveFrom, Instant now) {
    Map<String, String> was = existing == null || existing.getData() == null ? Map.of() : existing.getData();
    String requestedAt = parsable(was.get("requestedAt")) ? was.get("requestedAt") : null;
    String since = was.get(STATE_CANCELLED.equals(state) ? "cancelledAt" : "effectiveAt");
    ConfigMap desired = desired(activation, state, effectiveFrom, existing == null ? Times.format(now) : requestedAt,
        parsable(since) ? since : Times.format(now));
    if (existing == null) {
      // When it is there already and not yet in the cache, its watch event brings it, and a reconcile if it differs.
      CreateOrAdopt.createUnlessExists(() -> client.configMaps().resource(desired).create());
      return desired.getMetadata().getName();
    }
    if (!Objects.equals(existing.getData(), desired.getData())
        || !Objects.equals(existing.getMetadata().getLabels(), desired.getMetadata().getLabels())
        || !existing.getMetadata().getAnnotations().equals(desired.getMetadata().getAnnotations())) {
      ConfigMap update = new ConfigMapBuilder(desired).editMetadata()
          .withResourceVersion(existing.getMetadata().getResourceVersion()).endMetadata().build();
      client.configMaps().resource(update).update();
    }
    return desired.getMetadata().getName();
  }

  private static boolean parsable(String time) {
    try {
      return time != null && Times.parse(time) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
