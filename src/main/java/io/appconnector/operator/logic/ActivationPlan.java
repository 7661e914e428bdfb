package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Billing;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.BillingState;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import io.appconnector.operator.values.Conditions;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an activation should look like after this reconcile: phase, message and conditions, what to
 * do with its credentials, its billing, and when to look again. Made by {@link ActivationPlanner}
 * through the named factories below.
 *
 * @param lifetime how long issued credentials may stay unused (Vendor-built listings)
 * @param vendorNamespace where credentials are delivered (Vendor-built listings)
 * @param requeueAt when the credentials expire unless used (null: no deadline)
 * @param event what is worth an Event, or null for nothing beyond a change of phase
 * @param billing the billing status (without the fee record's name, which the writer fills in), or null
 * @param networkPolicy the NetworkPolicy that should exist for this activation, or null for none
 * @param clientAuthentication how the vendor authenticates; issuing generates a secret only for ClientSecret
 */
public record ActivationPlan(Phase phase, String message, List<Condition> conditions, CredentialAction action,
    List<String> grantedScopes, Duration lifetime, String vendorNamespace, Instant requeueAt,
    PlanEvent event, Billing billing, NetworkPolicy networkPolicy, ClientAuthenticationMethod clientAuthentication) {

  public ActivationPlan(Phase phase, String message, List<Condition> conditions, CredentialAction action,
      List<String> grantedScopes, Duration lifetime, String vendorNamespace, Instant requeueAt, PlanEvent event,
      Billing billing, NetworkPolicy networkPolicy) {
    this(phase, message, conditions, action, grantedScopes, lifetime, vendorNamespace, requeueAt, event, billing,
        networkPolicy, ClientAuthenticationMethod.ClientSecret);
  }

  /** This plan for a listing whose vendor authenticates by {@code method}. */
  ActivationPlan withClientAuthentication(ClientAuthenticationMethod method) {
    return new ActivationPlan(phase, message, conditions, action, grantedScopes, lifetime, vendorNamespace, requeueAt,
        event, billing, networkPolicy, method);
  }

  /** A gate blocked: nothing is issued; credentials held are withdrawn when {@code withdraw}. */
  static ActivationPlan blocked(Gate gate, List<Condition> conditions, boolean withdraw, String vendorNamespace,
      PlanEvent event) {
    return new ActivationPlan(gate.phase(), gate.message(), conditions,
        withdraw ? CredentialAction.WITHDRAW : CredentialAction.NONE, List.of(), null, vendorNamespace, null,
        event, null, null);
  }

  /** A Platform-built listing: the operator issues nothing, the platform's connector uses the tenant's Secret. */
  static ActivationPlan platformBuilt(Phase phase, String message, List<Condition> conditions, List<String> granted) {
    return new ActivationPlan(phase, message, conditions, CredentialAction.NONE, granted, null, null, null, null, null,
        null);
  }

  /** A Vendor-built listing: what happens to the credentials delivered into the vendor's namespace. */
  static ActivationPlan vendorBuilt(Phase phase, String message, List<Condition> conditions, CredentialAction action,
      List<String> granted, Duration lifetime, String vendorNamespace, Instant requeueAt, PlanEvent event) {
    return new ActivationPlan(phase, message, conditions, action, granted, lifetime, vendorNamespace, requeueAt, event,
        null, null);
  }

  /** This plan with the trusted-network fence's words and policy. */
  ActivationPlan fenced(String message, List<Condition> conditions, NetworkPolicy policy) {
    return new ActivationPlan(phase, message, conditions, action, grantedScopes, lifetime, vendorNamespace, requeueAt,
        event, billing, policy, clientAuthentication);
  }

  /** This plan with its billing status. */
  ActivationPlan billed(Billing billing) {
    return new ActivationPlan(phase, message, conditions, action, grantedScopes, lifetime, vendorNamespace, requeueAt,
        event, billing, networkPolicy, clientAuthentication);
  }

  public boolean ready() {
    return phase == Phase.Active;
  }

  /**
   * Whether this plan revokes, replaces or rewrites a delivered Secret: such a plan is decided again
   * on fresh reads, since a cache can lag behind a first use recorded a moment ago or a Secret just written.
   */
  public boolean revokesOrReplaces() {
    return action == CredentialAction.EXPIRE || action == CredentialAction.REPAIR
        || event == PlanEvent.DeliveredSecretReplaced || event == PlanEvent.CredentialsRedelivered
        || event == PlanEvent.ClientAuthenticationChanged;
  }

  /**
   * Whether this plan starts billing an activation that had none, as Included or as a fee change:
   * that choice stands for good, so it is decided again on a fresh read of the tenant's Namespace.
   */
  public boolean startsBilling(ActivationStatus previous) {
    return (previous == null || previous.billing == null) && billing != null
        && billing.state != BillingState.NotBillable;
  }

  /** When to look again: the credentials' expiry or a pending fee change's date, whichever is first; null for neither. */
  public Instant nextLook() {
    Instant next = requeueAt;
    if (billing != null && billing.state == BillingState.FeeChangePending) {
      Instant effective = Times.parse(billing.effectiveFrom);
      next = next == null || effective.isBefore(next) ? effective : next;
    }
    return next;
  }

  /** Whether an Event tells of what is done to the credentials (else only a change of phase is told). */
  public boolean acts() {
    return event != null && action != CredentialAction.NONE;
  }

  /**
   * The status this plan gives the activation, with the credential record {@code record}; the
   * conditions keep their transition times unless their status flipped.
   */
  public ActivationStatus status(Activation activation, Credential record, Instant now) {
    ActivationStatus previous = activation.getStatus() == null ? new ActivationStatus() : activation.getStatus();
    ActivationStatus status = new ActivationStatus();
    status.phase = phase;
    status.message = message;
    status.observedGeneration = activation.getMetadata().getGeneration();
    status.conditions = Conditions.merge(previous.conditions, GitOpsConditions.forPhase(phase, conditions),
        Objects.requireNonNullElse(activation.getMetadata().getGeneration(), 0L), now);
    status.credential = record;
    status.billing = billing == null ? null : Serialization.clone(billing);
    return status;
  }
}
