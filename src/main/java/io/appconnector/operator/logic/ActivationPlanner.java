package io.appconnector.operator.logic;

import static io.appconnector.operator.values.Conditions.CREDENTIALS_ISSUED;
import static io.appconnector.operator.values.Conditions.READY;

import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.values.GoDuration;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.values.Conditions;
import io.appconnector.operator.values.Times;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Decides an activation's next state from what is observed and the time: a pure function, so every
 * rule (gates, issuance, expiry, suspension) is tested without a cluster.
 */
public final class ActivationPlanner {
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(48);

  private ActivationPlanner() {
  }

  /**
   * Everything the decision depends on. {@code delivered} is the Secret delivered for this
   * activation, if any; {@code tenant}, {@code networks} and {@code tenantPolicies} are the
   * tenant's Namespace, TrustedNetworks and the operator's NetworkPolicies in it.
   */
  public record Observed(Activation activation, AppListing listing, Collection<Activation> sameListing,
      VendorSecret vendorSecret, DeliveredCredentials delivered, Instant now, Namespace tenant,
      Collection<TrustedNetwork> networks, Collection<NetworkPolicy> tenantPolicies, ApiPods apiPods,
      Duration defaultLifetime, String tokenUrl) {

    public Observed(Activation activation, AppListing listing, Collection<Activation> sameListing,
        VendorSecret vendorSecret, DeliveredCredentials delivered, Instant now) {
      this(activation, listing, sameListing, vendorSecret, delivered, now, null, List.of(), List.of(), ApiPods.DEFAULT,
          DEFAULT_LIFETIME, null);
    }
  }

  /** The credential plan, then the network fence for what is Active, then billing. */
  public static ActivationPlan plan(Observed in) {
    ActivationPlan plan = fenced(credentials(in), in);
    AppListingSpec listing = in.listing() == null ? null : in.listing().getSpec();
    boolean billable = listing != null && listing.pricing != null && listing.pricing.feeImpact;
    ActivationStatus previous = in.activation().getStatus();
    return plan.billed(BillingCalendar.decide(previous == null ? null : previous.billing, plan.ready(), billable,
        in.tenant(), in.now()));
  }

  private static ActivationPlan fenced(ActivationPlan plan, Observed in) {
    if (in.listing() == null) {
      return plan;
    }
    NetworkFence.Fence fence = NetworkFence.decide(in.activation(), in.listing().getSpec(), plan.ready(), in.tenant(),
        in.networks(), in.tenantPolicies(), in.apiPods());
    if (fence.condition() == null) {
      return plan;
    }
    List<Condition> conditions = new ArrayList<>(plan.conditions());
    conditions.add(conditions.size() - 1, fence.condition());
    String message = plan.message();
    if (fence.blocksReady()) {
      conditions.set(conditions.size() - 1, Conditions.of(READY, false, fence.condition().getReason(),
          fence.condition().getMessage()));
      message = fence.condition().getMessage();
    }
    return plan.fenced(message, conditions, fence.policy());
  }

  private static ActivationPlan credentials(Observed in) {
    Activation activation = in.activation();
    List<Condition> conditions = new ArrayList<>();
    for (ActivationGates.Check check : ActivationGates.CHAIN) {
      Gate gate = check.check(in);
      if (gate == null) {
        continue;
      }
      conditions.add(condition(gate));
      if (!gate.passed()) {
        return blocked(gate, conditions, in);
      }
    }
    AppListingSpec listing = in.listing().getSpec();
    List<String> granted = ActivationGates.grantedScopes(activation.getSpec(), listing);
    if (listing.developedBy == AppListingSpec.Party.Platform) {
      return platformBuilt(activation, conditions, granted);
    }
    return vendorBuilt(in, listing, conditions, granted)
        .withClientAuthentication(listing.clientAuthenticationMethod());
  }

  private static ActivationPlan platformBuilt(Activation activation, List<Condition> conditions, List<String> granted) {
    if (activation.getSpec().suspended) {
      String message = "Suspended: the platform's connector is paused for this tenant. Set spec.suspended: false to restore.";
      conditions.add(Conditions.of(READY, false, PlanEvent.Suspended.reason(), message));
      return ActivationPlan.platformBuilt(Phase.Suspended, message, conditions, granted);
    }
    String message = "Active: the platform's connector is unlocked and uses the credentials in Secret '"
        + activation.getSpec().vendorCredentialsSecretRef.name + "'.";
    conditions.add(Conditions.of(READY, true, "Active", message));
    return ActivationPlan.platformBuilt(Phase.Active, message, conditions, granted);
  }

  private static ActivationPlan vendorBuilt(Observed in, AppListingSpec listing, List<Condition> conditions,
      List<String> granted) {
    Activation activation = in.activation();
    long revision = activation.getSpec().revision;
    Duration lifetime = lifetime(listing, in.defaultLifetime());
    String lifetimeText = GoDuration.format(lifetime);
    String vendorNs = listing.vendor.namespace;
    Credential record = currentRecord(activation.getStatus(), revision);
    DeliveredCredentials delivered = in.delivered() != null && in.delivered().revision() == revision
        && vendorNs.equals(in.delivered().namespace()) ? in.delivered() : null;
    Instant now = in.now();

    if (record != null && record.expiredAt != null) {
      String message = record.firstUsedAt != null ? idleMessage(listing, record.expiredAt, revision)
          : "Expired: the credentials were not used within " + lifetimeText
          + " and were revoked at " + record.expiredAt + ". Raise spec.revision to " + (revision + 1) + " to issue a fresh pair.";
      return vendorPlan(Phase.Expired, message, PlanEvent.CredentialsExpired.reason(), false, conditions,
          in.delivered() == null ? CredentialAction.NONE : CredentialAction.EXPIRE, granted, lifetime, vendorNs, null, null);
    }
    if (activation.getSpec().suspended) {
      boolean holding = in.delivered() != null || (record != null && LiveCredential.live(record));
      String message = "Suspended: the delivered Secret is withdrawn and tokens are refused. Set spec.suspended: false to "
          + "restore access with the same client ID.";
      return vendorPlan(Phase.Suspended, message, PlanEvent.Suspended.reason(), false, conditions,
          holding ? CredentialAction.WITHDRAW : CredentialAction.NONE, granted, lifetime, vendorNs, null,
          holding ? PlanEvent.Suspended : null);
    }
    // The record in status is the truth about the pair; a delivered Secret is only its copy.
    Instant issuedAt = record == null ? null : Times.parse(record.issuedAt);
    Instant expiresAt = record == null ? null : Times.parse(record.expiresAt);
    boolean used = record != null && record.firstUsedAt != null;
    boolean holding = record != null && record.clientId != null && LiveCredential.live(record);
    // A listing that changed how its vendor authenticates: the same client ID, issued for the new method.
    boolean methodChanged = holding && LiveCredential.method(record) != listing.clientAuthenticationMethod();
    if (holding && UnusedCredentials.pastDeadline(record, now)) {
      // The same words as once expiredAt is recorded, so the next reconcile has nothing to write.
      String message = "Expired: the credentials were not used within " + lifetimeText
          + " and were revoked at " + Times.formatPrecise(now) + ". Raise spec.revision to " + (revision + 1)
          + " to issue a fresh pair.";
      return vendorPlan(Phase.Expired, message, PlanEvent.CredentialsExpired.reason(), false, conditions, CredentialAction.EXPIRE,
          granted, lifetime, vendorNs, null, PlanEvent.CredentialsExpired);
    }
    Instant idleDeadline = holding && used ? IdleExpiry.deadline(record, listing) : null;
    if (idleDeadline != null && !now.isBefore(idleDeadline)) {
      return vendorPlan(Phase.Expired, idleMessage(listing, Times.formatPrecise(now), revision),
          PlanEvent.CredentialsExpired.reason(), false, conditions, CredentialAction.EXPIRE, granted, lifetime, vendorNs,
          null, PlanEvent.CredentialsIdleExpired);
    }
    CredentialAction action;
    PlanEvent event;
    List<String> differences = List.of();
    if (holding && delivered != null) {
      // A secretless client's Secret must hold no secret at all; anyone's added one is removed.
      boolean secretHolds = LiveCredential.secretless(record) ? delivered.clientSecret() == null
          : delivered.clientSecret() != null && SecretVerifier.matches(record.verifier, delivered.clientSecret());
      Credential expectedRecord = io.fabric8.kubernetes.client.utils.Serialization.clone(record);
      expectedRecord.grantedScopes = granted;
      java.util.Map<String, String> expected = DeliveredContent.expected(activation, expectedRecord, in.tokenUrl(),
          listing.secretTemplate);
      if (in.tokenUrl() != null && secretHolds) {
        // The hash is of everything the Secret holds, so it is compared only where all of it is known.
        expected = DeliveredContent.withContentHash(expected, delivered.clientSecret(),
            SecretRotation.previousHeld(record, delivered));
      }
      boolean agrees = delivered.location().equals(record.deliveredTo)
          && DeliveredContent.agrees(expected, delivered.content());
      differences = DeliveredContent.differences(expected, delivered.content());
      if (methodChanged) {
        action = CredentialAction.ISSUE_SAME_CLIENT;
        event = PlanEvent.ClientAuthenticationChanged;
      } else if (!secretHolds) {
        // The secret cannot be restored (only its verifier is kept): the same client ID gets a fresh
        // secret, with the recorded expiry, never a later one.
        action = CredentialAction.ISSUE_SAME_CLIENT;
        event = PlanEvent.DeliveredSecretReplaced;
      } else if (!agrees) {
        action = CredentialAction.REPAIR;
        event = granted.equals(record.grantedScopes) ? PlanEvent.DeliveredSecretRepaired : null;
      } else {
        action = CredentialAction.NONE;
        event = null;
      }
    } else if (holding) {
      action = CredentialAction.ISSUE_SAME_CLIENT;
      event = PlanEvent.CredentialsRedelivered;
    } else if (record != null && record.clientId != null) {
      action = CredentialAction.ISSUE_SAME_CLIENT;
      event = PlanEvent.Restored;
      issuedAt = now;
      expiresAt = used ? expiresAt : now.plus(lifetime);
    } else {
      // No record for this revision: a Secret found anyway is not provably the operator's, so it is
      // replaced, never adopted.
      action = CredentialAction.ISSUE_NEW_CLIENT;
      event = PlanEvent.CredentialsIssued;
      issuedAt = now;
      expiresAt = now.plus(lifetime);
    }
    // The vendor's namespace is not the tenant's to know; the Secret's name is its own.
    String where = "'" + DeliveryNames.secretName(activation) + "' in the vendor's namespace";
    if (listing.clientAuthenticationMethod() != AppListingSpec.ClientAuthenticationMethod.ClientSecret) {
      where += " (a client ID and no secret: the vendor authenticates by " + listing.clientAuthenticationMethod() + ")";
    }
    String message = used
        ? "Active: credentials delivered to the vendor as Secret " + where + " and in use since " + record.firstUsedAt + "."
        : "Active: credentials delivered to the vendor as Secret " + where + "; they expire at " + Times.formatPrecise(expiresAt)
            + " unless the vendor exchanges them for a token before then.";
    ActivationPlan plan = vendorPlan(Phase.Active, message, PlanEvent.CredentialsIssued.reason(), true, conditions, action, granted,
        lifetime, vendorNs, used ? idleDeadline : expiresAt, event);
    String repaired = event == PlanEvent.DeliveredSecretRepaired
        ? "The delivered Secret disagreed with this activation's record in "
            + (differences.isEmpty() ? "its location" : String.join(", ", differences))
            + " and was rewritten from the record at " + Times.formatPrecise(now) + "; the secret is unchanged."
        : event == PlanEvent.DeliveredSecretReplaced && LiveCredential.secretless(record)
            ? "The delivered Secret held a secret although this client authenticates without one; it was delivered "
                + "again without it at " + Times.formatPrecise(now) + "."
        : event == PlanEvent.DeliveredSecretReplaced
            ? "The delivered Secret held a secret this activation's record does not vouch for; the same client ID got a "
                + "fresh secret at " + Times.formatPrecise(now) + ", with the recorded expiry."
            : null;
    if (repaired != null) {
      // Says what was repaired until the next reconcile that repairs nothing.
      conditions.replaceAll(c -> CREDENTIALS_ISSUED.equals(c.getType())
          ? Conditions.of(CREDENTIALS_ISSUED, true, event.reason(), repaired) : c);
    }
    return plan;
  }

  private static ActivationPlan vendorPlan(Phase phase, String message, String reason, boolean issued,
      List<Condition> conditions, CredentialAction action, List<String> granted, Duration lifetime, String vendorNs,
      Instant requeueAt, PlanEvent event) {
    conditions.add(Conditions.of(CREDENTIALS_ISSUED, issued, reason, message));
    conditions.add(Conditions.of(READY, phase == Phase.Active, reason, message));
    return ActivationPlan.vendorBuilt(phase, message, conditions, action, granted, lifetime, vendorNs, requeueAt, event);
  }

  private static String idleMessage(AppListingSpec listing, String revokedAt, long revision) {
    java.time.Duration idle = IdleExpiry.lifetime(listing);
    return "Expired: the credentials were not used for " + (idle == null ? "the listing's idle lifetime"
        : GoDuration.format(idle)) + " after their last use and were revoked at " + revokedAt
        + ". Raise spec.revision to " + (revision + 1) + " to issue a fresh pair.";
  }

  /** Listing-gate reasons that withdraw delivered credentials, as suspension does. */
  static final java.util.Set<String> WITHDRAWING =
      java.util.Set.of(ActivationGates.LISTING_NOT_FOUND, ActivationGates.LISTING_RETIRED);

  private static ActivationPlan blocked(Gate gate, List<Condition> conditions, Observed in) {
    conditions.add(Conditions.of(READY, false, gate.reason(), gate.message()));
    // A failed gate issues nothing; credentials issued earlier stay recorded but tokens are refused
    // while the activation is not Active. Suspension, and a listing deleted, Retired or no longer
    // offered to the tenant, withdraw them (the client ID stays, so approval again restores access).
    Credential record = currentRecord(in.activation().getStatus(), in.activation().getSpec().revision);
    boolean holding = in.delivered() != null || (record != null && LiveCredential.live(record));
    boolean withdraw = holding && (in.activation().getSpec().suspended || WITHDRAWING.contains(gate.reason()));
    return ActivationPlan.blocked(gate, conditions, withdraw,
        in.listing() == null ? null : in.listing().getSpec().vendor.namespace,
        withdraw && !in.activation().getSpec().suspended ? PlanEvent.CredentialsWithdrawn : null);
  }

  private static Condition condition(Gate gate) {
    return Conditions.of(gate.condition(), gate.passed(), gate.reason(), gate.message());
  }

  static Credential currentRecord(ActivationStatus status, long revision) {
    if (status == null || status.credential == null || status.credential.revision == null
        || status.credential.revision != revision) {
      return null;
    }
    return status.credential;
  }

  /** The listing's unused-credential lifetime, or the operator's default when the listing sets none. */
  public static Duration lifetime(AppListingSpec listing, Duration operatorDefault) {
    String own = listing.credentialPolicy().unusedCredentialLifetime;
    return own == null || own.isBlank() ? operatorDefault : GoDuration.parse(own);
  }
}
