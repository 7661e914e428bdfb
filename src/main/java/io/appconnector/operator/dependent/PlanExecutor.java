package io.appconnector.operator.dependent;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Billing;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.BillingState;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.logic.ActivationPlan;
import io.appconnector.operator.logic.DeliveredContent;
import io.appconnector.operator.logic.NextCredential;
import io.appconnector.operator.logic.SecretRotation;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.SecretTemplate;
import io.appconnector.operator.values.NamespacedName;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;

/**
 * Carries out a plan's writes in an order that survives a crash at any point: the record in status
 * always goes first. Issuing records the new pair (its verifier) and then delivers the Secret; a
 * crash in between leaves a record without a Secret, which the next reconcile re-delivers for the
 * same client ID. Revoking records first and deletes second (a record saying "revoked" makes the
 * next reconcile finish the delete), so access never outlives its record, and no delivered Secret
 * exists that its record does not vouch for.
 */
public class PlanExecutor {
  private final KubernetesClient client;
  private final CredentialGenerator generator;
  private final DeliveredSecrets deliveredSecrets;
  private final FeeRecords feeRecords;
  private final NetworkPolicies networkPolicies;
  private final String tokenUrl;

  /** {@code ownWrites} notes the delivered Secrets written, so their watch events cost no reconcile. */
  public PlanExecutor(KubernetesClient client, CredentialGenerator generator, String tokenUrl, OwnWrites ownWrites) {
    this(client, generator, tokenUrl, ownWrites, "default");
  }

  /** {@code operatorNamespace} holds the fee-change records, out of tenants' reach. */
  public PlanExecutor(KubernetesClient client, CredentialGenerator generator, String tokenUrl, OwnWrites ownWrites,
      String operatorNamespace) {
    this.client = client;
    this.generator = generator;
    this.deliveredSecrets = new DeliveredSecrets(client, ownWrites);
    this.feeRecords = new FeeRecords(client, operatorNamespace);
    this.networkPolicies = new NetworkPolicies(client);
    this.tokenUrl = tokenUrl;
  }

  /** Makes the activation's trusted-network NetworkPolicy match the plan (null: none). */
  public void fence(Activation activation, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy desired,
      io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy existing) {
    networkPolicies.reconcile(activation, desired, existing);
  }

  /**
   * The new status, and what is written once it is: a Secret to deliver (or repair), and a Secret to
   * delete. The record always goes first, so no delivered Secret exists without the record that
   * says it is the operator's, and a record without its Secret is re-delivered on the next reconcile.
   */
  public record Outcome(ActivationStatus status, DeliveredCredentials deleteAfterStatus, Delivery deliverAfterStatus) {
    /**
     * What status says while a Secret is being delivered: the status as it was, with the new record
     * (the intent), so a crash after the delivery leaves a Secret its record vouches for.
     */
    public ActivationStatus intent(ActivationStatus previous) {
      ActivationStatus intent = previous == null ? new ActivationStatus() : Serialization.clone(previous);
      intent.credential = status.credential;
      return intent;
    }
  }

  /** A Secret to write into the vendor's namespace, and the one it takes the place of (null: none). */
  public record Delivery(String activationUid, Secret desired, DeliveredCredentials replacing) {
    @Override
    public String toString() {
      return "Delivery[" + desired.getMetadata().getNamespace() + "/" + desired.getMetadata().getName() + "]";
    }
  }

  /** Thrown when a Secret the operator did not deliver for this activation sits where it would deliver. */
  public static class DeliveryConflictException extends RuntimeException {
    public DeliveryConflictException(String message) {
      super(message);
    }
  }

  /** The token URL written into delivered Secrets. */
  public String tokenUrl() {
    return tokenUrl;
  }

  /** The namespace of the fee-change records. */
  public String feeRecordNamespace() {
    return feeRecords.namespace();
  }

  /** {@code feeRecord}: the activation's fee-change record as cached, or null. */
  public Outcome execute(Activation activation, ActivationPlan plan, DeliveredCredentials delivered,
      ConfigMap feeRecord, Instant now) {
    return execute(activation, plan, delivered, feeRecord, now, null, null);
  }

  /**
   * As above, with the listing's {@code secretTemplate} for what is delivered, and a rotation step
   * (null: none), which takes the place of the plan's own action on the credentials.
   */
  public Outcome execute(Activation activation, ActivationPlan plan, DeliveredCredentials delivered,
      ConfigMap feeRecord, Instant now, SecretTemplate template, SecretRotation.Decision rotation) {
    NextCredential next = NextCredential.of(activation, plan, delivered, rotation, now, generator);
    Delivery delivery = null;
    if (next.deliver()) {
      NamespacedName where = NamespacedName.parse(next.record().deliveredTo);
      delivery = new Delivery(activation.getMetadata().getUid(), DeliveredSecrets.build(where.namespace(), where.name(),
          DeliveredContent.expected(activation, next.record(), tokenUrl, template), next.secret(),
          next.previousSecret()), delivered);
    }
    ActivationStatus status = plan.status(activation, next.record(), now);
    Billing billing = status.billing;
    if (billing != null && (billing.state == BillingState.FeeChangePending
        || billing.state == BillingState.FeeChangeEffective)) {
      // The record is kept saying what status says: created, carried over from the tenant's
      // namespace where it used to live, or rewritten when someone edited or deleted it.
      billing.record = feeRecords.ensure(activation, feeRecord, billing.state == BillingState.FeeChangePending
          ? FeeRecords.STATE_PENDING : FeeRecords.STATE_EFFECTIVE, billing.effectiveFrom, now);
    }
    return new Outcome(status, next.withdraw() ? delivered : null, delivery);
  }

  /**
   * Writes a Secret after its record: over the one it replaces when that one is at the same place,
   * else as a new one, then removes the one replaced. Throws {@link DeliveryConflictException}
   * when a Secret that is not this activation's sits at the name.
   */
  public void deliver(Delivery delivery) {
    DeliveredCredentials replacing = delivery.replacing();
    Secret desired = delivery.desired();
    boolean samePlace = replacing != null && replacing.namespace().equals(desired.getMetadata().getNamespace())
        && replacing.name().equals(desired.getMetadata().getName());
    Secret existing = samePlace ? deliveredSecrets.current(replacing) : null;
    if (existing != null) {
      deliveredSecrets.replace(existing, desired);
    } else {
      deliveredSecrets.deliver(delivery.activationUid(), desired);
    }
    if (replacing != null && !samePlace) {
      deliveredSecrets.delete(delivery.activationUid(), replacing);
    }
  }

  public void delete(Activation activation, DeliveredCredentials delivered) {
    deliveredSecrets.delete(activation.getMetadata().getUid(), delivered);
  }

  /** On deactivation: a fee change that has not taken effect is cancelled. */
  public void cancelPendingFees(Activation activation, ConfigMap feeRecord, Instant now) {
    Billing billing = activation.getStatus() == null ? null : activation.getStatus().billing;
    if (billing != null && (billing.state == BillingState.FeeChangePending
        || billing.state == BillingState.FeeChangeEffective)) {
      boolean effective = !now.isBefore(Times.parse(billing.effectiveFrom));
      feeRecords.ensure(activation, feeRecord, effective ? FeeRecords.STATE_EFFECTIVE : FeeRecords.STATE_CANCELLED,
          billing.effectiveFrom, now);
    }
  }
}
