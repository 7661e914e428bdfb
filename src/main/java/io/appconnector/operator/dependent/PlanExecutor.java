package io.appconnector.operator.dependent;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Billing;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.BillingState;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.credentials.ClientCredentials;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.logic.ActivationPlan;
import io.appconnector.operator.logic.BillingCalendar;
import io.appconnector.operator.logic.CredentialAction;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.status.Conditions;
import io.appconnector.operator.status.GitOpsConditions;
import io.appconnector.operator.status.Times;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Objects;

/**
 * Carries out a plan's writes in an order that survives a crash at any point. Issuing delivers the
 * Secret first and records it in status second (a delivered Secret without a record is adopted on
 * the next reconcile). Revoking records first and deletes second (a record saying "revoked" makes
 * the next reconcile finish the delete), so access never outlives its record.
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
    this.client = client;
    this.generator = generator;
    this.deliveredSecrets = new DeliveredSecrets(client, ownWrites);
    this.feeRecords = new FeeRecords(client);
    this.networkPolicies = new NetworkPolicies(client);
    this.tokenUrl = tokenUrl;
  }

  /** Makes the activation's trusted-network NetworkPolicy match the plan (null: none). */
  public void fence(Activation activation, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy desired,
      io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy existing) {
    networkPolicies.reconcile(activation, desired, existing);
  }

  /** The new status, and what must be deleted once it is written. */
  public record Outcome(ActivationStatus status, DeliveredCredentials deleteAfterStatus) {
  }

  /** Thrown when a Secret the operator did not deliver for this activation sits where it would deliver. */
  public static class DeliveryConflictException extends RuntimeException {
    public DeliveryConflictException(String message) {
      super(message);
    }
  }

  public Outcome execute(Activation activation, ActivationPlan plan, DeliveredCredentials delivered, Instant now) {
    ActivationStatus previous = activation.getStatus() == null ? new ActivationStatus() : activation.getStatus();
    // A copy: objects read from the informer cache are never mutated.
    Credential record = previous.credential == null ? null : Serialization.clone(previous.credential);
    long revision = activation.getSpec().revision;
    DeliveredCredentials deleteAfter = null;
    switch (plan.action()) {
      case ISSUE_NEW_CLIENT, ISSUE_SAME_CLIENT -> {
        if (delivered != null) {
          // An older revision's Secret, or one that no longer matches its record, makes way.
          deliveredSecrets.delete(activation, delivered);
        }
        boolean sameClient = plan.action() == CredentialAction.ISSUE_SAME_CLIENT && record != null;
        ClientCredentials credentials = sameClient
            ? new ClientCredentials(record.clientId, generator.newSecret()) : generator.generate();
        DeliveredCredentials created = deliveredSecrets.create(activation, plan.vendorNamespace(), credentials,
            plan.grantedScopes(), tokenUrl, revision, now, plan.requeueAt());
        if (created == null || !activation.getMetadata().getUid().equals(created.activationUid())) {
          throw new DeliveryConflictException("a Secret named " + plan.vendorNamespace() + "/"
              + io.appconnector.operator.logic.DeliveryNames.secretName(activation)
              + " exists that the operator did not deliver for this activation; delete it so credentials can be delivered");
        }
        String firstUsed = record != null && created.clientId().equals(record.clientId) ? record.firstUsedAt : null;
        record = recordOf(created, firstUsed);
      }
      case ADOPT_DELIVERED -> record = recordOf(delivered,
          record != null && delivered.clientId().equals(record.clientId) ? record.firstUsedAt : null);
      case WITHDRAW, EXPIRE -> {
        if (record == null && delivered != null && delivered.revision() == revision) {
          record = recordOf(delivered, null);
        }
        if (record != null) {
          record.verifier = null;
          record.deliveredTo = null;
          if (plan.action() == CredentialAction.EXPIRE && record.expiredAt == null) {
            record.expiredAt = Times.formatPrecise(now);
          }
        }
        deleteAfter = delivered;
      }
      case NONE -> {
        if (record != null && plan.phase() == ActivationStatus.Phase.Active && delivered != null
            && !plan.grantedScopes().equals(delivered.scopes())) {
          deliveredSecrets.updateScopes(delivered, plan.grantedScopes());
        }
      }
    }
    if (record != null && plan.phase() == ActivationStatus.Phase.Active && record.revision == revision) {
      record.grantedScopes = plan.grantedScopes();
    }
    ActivationStatus status = new ActivationStatus();
    status.phase = plan.phase();
    status.message = plan.message();
    status.observedGeneration = activation.getMetadata().getGeneration();
    status.conditions = Conditions.merge(previous.conditions, GitOpsConditions.forPhase(plan.phase(), plan.conditions()),
        Objects.requireNonNullElse(activation.getMetadata().getGeneration(), 0L), now);
    status.credential = record;
    status.billing = billing(activation, plan, previous.billing, now);
    return new Outcome(status, deleteAfter);
  }

  public void delete(Activation activation, DeliveredCredentials delivered) {
    deliveredSecrets.delete(activation, delivered);
  }

  private Billing billing(Activation activation, ActivationPlan plan, Billing previous, Instant now) {
    Billing billing = previous == null ? null : Serialization.clone(previous);
    if (billing == null && plan.ready()) {
      billing = new Billing();
      if (!plan.billable()) {
        billing.state = BillingState.NotBillable;
      } else if (unlimitedIntegrations(activation.getMetadata().getNamespace())) {
        billing.state = BillingState.IncludedInPlan;
      } else {
        Instant effective = BillingCalendar.effectiveFrom(now);
        billing.state = BillingState.FeeChangePending;
        billing.effectiveFrom = Times.format(effective);
        billing.record = feeRecords.ensurePending(activation, now, effective);
      }
    }
    if (billing != null && billing.state == BillingState.FeeChangePending
        && !now.isBefore(Times.parse(billing.effectiveFrom))) {
      feeRecords.transition(activation, FeeRecords.STATE_EFFECTIVE, now);
      billing.state = BillingState.FeeChangeEffective;
    }
    return billing;
  }

  /** On deactivation: a fee change that has not taken effect is cancelled. */
  public void cancelPendingFees(Activation activation, Instant now) {
    Billing billing = activation.getStatus() == null ? null : activation.getStatus().billing;
    if (billing != null && billing.state == BillingState.FeeChangePending) {
      boolean effective = !now.isBefore(Times.parse(billing.effectiveFrom));
      feeRecords.transition(activation, effective ? FeeRecords.STATE_EFFECTIVE : FeeRecords.STATE_CANCELLED, now);
    }
  }

  private boolean unlimitedIntegrations(String namespace) {
    Namespace ns = client.namespaces().withName(namespace).get();
    return ns != null && ns.getMetadata().getLabels() != null
        && "true".equals(ns.getMetadata().getLabels().get(BillingCalendar.UNLIMITED_LABEL));
  }

  static Credential recordOf(DeliveredCredentials delivered, String firstUsedAt) {
    Credential record = new Credential();
    record.clientId = delivered.clientId();
    record.verifier = SecretVerifier.create(delivered.clientSecret());
    record.revision = delivered.revision();
    record.grantedScopes = new ArrayList<>(delivered.scopes());
    record.deliveredTo = delivered.location();
    record.issuedAt = Times.formatPrecise(delivered.issuedAt());
    record.expiresAt = Times.formatPrecise(delivered.expiresAt());
    record.firstUsedAt = firstUsedAt;
    return record;
  }
}
