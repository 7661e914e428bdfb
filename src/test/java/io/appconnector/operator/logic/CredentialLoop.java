package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.logic.ApiPods;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.dependent.DeliveredSecrets;
import io.appconnector.operator.dependent.OwnWrites;
import io.appconnector.operator.dependent.PlanExecutor;
import io.appconnector.operator.token.ExchangeRules;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The reconciler's decisions and writes without a cluster: plan, rotation, the executor's new status
 * and Secret, applied in the order the reconciler applies them. Status and the delivered Secret are
 * plain objects a test can edit (as a vendor, or as the token endpoint recording a first use), and
 * each step is taken at a time the test chooses.
 */
final class CredentialLoop {
  static final String TOKEN_URL = "https://tokens.example.test/oauth2/token";

  final AppListing listing;
  Activation activation;
  Secret secret;
  final List<String> events = new ArrayList<>();
  SecretRotation.Decision lastRotation;
  ActivationPlan lastPlan;
  private final PlanExecutor executor = new PlanExecutor(null, new CredentialGenerator(), TOKEN_URL, new OwnWrites());

  CredentialLoop(AppListing listing, Activation activation) {
    this.listing = listing;
    this.activation = activation;
  }

  DeliveredCredentials delivered() {
    return DeliveredCredentials.read(secret);
  }

  /** One reconcile at {@code now}; returns when the reconciler would look again (null: on a change only). */
  Instant reconcile(Instant now) {
    DeliveredCredentials delivered = delivered();
    ActivationPlan plan = ActivationPlanner.plan(new ActivationPlanner.Observed(activation, listing, List.of(activation),
        null, delivered, now, null, List.of(), List.of(), ApiPods.DEFAULT, ActivationPlanner.DEFAULT_LIFETIME,
        TOKEN_URL));
    SecretRotation.Decision rotation = SecretRotation.decide(activation, listing.getSpec(), plan, delivered, now);
    PlanExecutor.Outcome outcome = executor.execute(activation, plan, delivered, null, now,
        listing.getSpec().secretTemplate, rotation);
    lastPlan = plan;
    lastRotation = rotation;
    if (outcome.deliverAfterStatus() != null) {
      secret = outcome.deliverAfterStatus().desired();
    }
    if (outcome.deleteAfterStatus() != null) {
      secret = null;
    }
    Activation next = Serialization.clone(activation);
    next.setStatus(outcome.status());
    activation = next;
    if (rotation.event() != null) {
      events.add(rotation.event().reason());
    } else if (plan.event() != null && plan.action() != CredentialAction.NONE) {
      events.add(plan.event().reason());
    }
    Instant look = plan.requeueAt();
    if (rotation.nextLook() != null && (look == null || rotation.nextLook().isBefore(look))) {
      look = rotation.nextLook();
    }
    return look;
  }

  /** Whether the token endpoint would exchange this secret now (on the status as it stands). */
  boolean exchanges(String clientSecret, Instant now) {
    ActivationStatus.Credential c = activation.getStatus().credential;
    return ExchangeRules.decide(c.clientId, clientSecret, activation, listing, List.of(), new byte[] {127, 0, 0, 1},
        now, ExchangeRules.DEFAULT_TOKEN_LIFETIME).allowed();
  }

  /** What the token endpoint records when the current secret is exchanged during an overlap. */
  void exchangeCurrent(Instant now) {
    if (!exchanges(delivered().clientSecret(), now)) {
      throw new AssertionError("the current secret was refused");
    }
    ActivationStatus.Credential c = activation.getStatus().credential;
    if (c.firstUsedAt == null) {
      c.firstUsedAt = io.appconnector.operator.values.Times.formatPrecise(now);
    }
    if (SecretRotation.firstUseOfCurrentSecret(c)) {
      c.secretFirstUsedAt = io.appconnector.operator.values.Times.formatPrecise(now);
    }
  }
}
