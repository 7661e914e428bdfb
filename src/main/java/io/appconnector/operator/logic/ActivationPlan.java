package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What an activation should look like after this reconcile: phase, message and conditions, what to
 * do with its credentials, and when to look again (null: only when something changes).
 *
 * @param lifetime how long issued credentials may stay unused (Vendor-built listings)
 * @param vendorNamespace where credentials are delivered (Vendor-built listings)
 * @param billable whether this activation changes the tenant's fees
 * @param networkPolicy the NetworkPolicy that should exist for this activation, or null for none
 * @param clientAuthentication how the vendor authenticates; issuing generates a secret only for ClientSecret
 */
public record ActivationPlan(Phase phase, String message, List<Condition> conditions, CredentialAction action,
    List<String> grantedScopes, Duration lifetime, String vendorNamespace, boolean billable, Instant requeueAt,
    String event, NetworkPolicy networkPolicy, ClientAuthenticationMethod clientAuthentication) {

  public ActivationPlan(Phase phase, String message, List<Condition> conditions, CredentialAction action,
      List<String> grantedScopes, Duration lifetime, String vendorNamespace, boolean billable, Instant requeueAt,
      String event, NetworkPolicy networkPolicy) {
    this(phase, message, conditions, action, grantedScopes, lifetime, vendorNamespace, billable, requeueAt, event,
        networkPolicy, ClientAuthenticationMethod.ClientSecret);
  }

  /** This plan for a listing whose vendor authenticates by {@code method}. */
  public ActivationPlan withClientAuthentication(ClientAuthenticationMethod method) {
    return new ActivationPlan(phase, message, conditions, action, grantedScopes, lifetime, vendorNamespace, billable,
        requeueAt, event, networkPolicy, method);
  }

  public boolean ready() {
    return phase == Phase.Active;
  }
}
