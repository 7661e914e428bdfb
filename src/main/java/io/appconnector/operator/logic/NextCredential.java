package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.PreviousSecret;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.values.NamespacedName;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;

/**
 * The credential record a plan leaves in status, and the secrets the delivered Secret holds with it:
 * a new pair or a new secret for the same client ID, a repair of what was delivered, a rotation
 * step, or a withdrawal. A function of the activation, the plan, what is delivered and the time; the
 * generator supplies the new client IDs and secrets. The executor writes what this decides.
 *
 * @param record the record for status (a copy: objects read from a cache are never changed), or null
 * @param deliver whether the delivered Secret is (re)written, holding {@code secret} and {@code previousSecret}
 * @param secret the current secret the delivered Secret holds (null for a secretless client)
 * @param previousSecret the previous secret while a rotation's overlap lasts, else null
 * @param withdraw whether the delivered Secret is deleted once the record is written
 */
public record NextCredential(Credential record, boolean deliver, String secret, String previousSecret,
    boolean withdraw) {

  /** {@code rotation}: a rotation step, or null; a step other than NONE takes the place of the plan's action. */
  public static NextCredential of(Activation activation, ActivationPlan plan, DeliveredCredentials delivered,
      SecretRotation.Decision rotation, Instant now, CredentialGenerator generator) {
    boolean rotating = rotation != null && rotation.step() != SecretRotation.Step.NONE;
    CredentialAction action = rotating ? CredentialAction.NONE : plan.action();
    ActivationStatus previous = activation.getStatus() == null ? new ActivationStatus() : activation.getStatus();
    Credential record = previous.credential == null ? null : Serialization.clone(previous.credential);
    long revision = activation.getSpec().revision;
    String secretValue = null;
    String previousValue = null;
    boolean deliver = false;
    boolean withdraw = false;
    switch (action) {
      case ISSUE_NEW_CLIENT, ISSUE_SAME_CLIENT -> {
        boolean sameClient = action == CredentialAction.ISSUE_SAME_CLIENT && record != null;
        boolean keepTimes = sameClient && LiveCredential.live(record);
        // A vendor that authenticates with a ServiceAccount token or its own key gets no secret at all.
        boolean secretless = plan.clientAuthentication() != AppListingSpec.ClientAuthenticationMethod.ClientSecret;
        Credential next = new Credential();
        next.clientId = sameClient ? record.clientId : generator.newClientId();
        if (secretless) {
          next.clientAuthentication = plan.clientAuthentication();
        } else {
          secretValue = generator.newSecret();
          next.verifier = SecretVerifier.create(secretValue);
        }
        next.revision = revision;
        next.grantedScopes = new ArrayList<>(plan.grantedScopes());
        // Every issue goes to the injective name (one at an older name is removed once this is
        // written); a repair rewrites the Secret where the record says.
        next.deliveredTo = new NamespacedName(plan.vendorNamespace(), DeliveryNames.secretName(activation)).toString();
        // Re-delivering the same pair never moves its expiry: it stays as recorded.
        next.issuedAt = keepTimes ? record.issuedAt : Times.formatPrecise(now);
        // Used credentials keep their recorded expiry (the plan's next look is then an idle deadline).
        next.expiresAt = keepTimes || plan.requeueAt() == null || (sameClient && record.firstUsedAt != null)
            ? (record == null ? null : record.expiresAt) : Times.formatPrecise(plan.requeueAt());
        next.firstUsedAt = sameClient ? record.firstUsedAt : null;
        // A new secret answers any rotation asked for so far; an overlap in course ends with it.
        next.rotation = activation.getSpec().rotateSecret;
        next.secretIssuedAt = secretless ? null : Times.formatPrecise(now);
        next.lastUsedAt = sameClient ? record.lastUsedAt : null;
        next.useCount = sameClient ? record.useCount : null;
        record = next;
        deliver = true;
      }
      case REPAIR -> {
        secretValue = record != null && LiveCredential.secretless(record) ? null : delivered.clientSecret();
        previousValue = SecretRotation.previousHeld(record, delivered);
        deliver = true;
      }
      case WITHDRAW, EXPIRE -> {
        if (record != null) {
          record.verifier = null;
          record.deliveredTo = null;
          record.previousSecret = null;
          if (action == CredentialAction.EXPIRE && record.expiredAt == null) {
            record.expiredAt = Times.formatPrecise(now);
          }
        }
        withdraw = true;
      }
      case NONE -> {
      }
    }
    if (rotating && record != null) {
      String fresh = rotate(activation, record, rotation, now, generator);
      secretValue = fresh != null ? fresh : delivered.clientSecret();
      previousValue = rotation.step() == SecretRotation.Step.RETIRE ? null : delivered.clientSecret();
      deliver = true;
    }
    if (record != null && plan.phase() == ActivationStatus.Phase.Active && record.revision == revision) {
      record.grantedScopes = plan.grantedScopes();
    }
    return new NextCredential(record, deliver, secretValue, previousValue, withdraw);
  }

  /**
   * Applies a rotation step to the record (a copy) and returns the secret the delivered Secret holds
   * as current afterwards: a new one when rotating, null (the one delivered) when retiring.
   */
  private static String rotate(Activation activation, Credential record, SecretRotation.Decision rotation,
      Instant now, CredentialGenerator generator) {
    switch (rotation.step()) {
      case ROTATE, RESUME -> {
        if (rotation.step() == SecretRotation.Step.ROTATE) {
          PreviousSecret previous = new PreviousSecret();
          previous.verifier = record.verifier;
          previous.issuedAt = record.secretIssuedAt != null ? record.secretIssuedAt : record.issuedAt;
          // Its own first use when recorded, else the pair's when that came after this secret's issue.
          previous.firstUsedAt = record.secretFirstUsedAt != null ? record.secretFirstUsedAt
              : record.firstUsedAt != null && (previous.issuedAt == null
                  || !Times.parse(record.firstUsedAt).isBefore(Times.parse(previous.issuedAt))) ? record.firstUsedAt
              : null;
          previous.retiresAt = Times.formatPrecise(rotation.retiresAt());
          record.previousSecret = previous;
          record.rotation = Math.max(activation.getSpec().rotateSecret, record.rotation == null ? 0 : record.rotation);
        }
        String fresh = generator.newSecret();
        record.verifier = SecretVerifier.create(fresh);
        record.secretIssuedAt = Times.formatPrecise(now);
        record.secretFirstUsedAt = null;
        return fresh;
      }
      case RETIRE -> {
        record.previousSecret = null;
        return null;
      }
      default -> throw new IllegalArgumentException("not a rotation step: " + rotation.step());
    }
  }
}
