package io.appconnector.operator.logic;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.values.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rotation with overlap, decided and written without a cluster, on a clock the test moves. */
class SecretRotationTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  final AppListing ledger = vendorListing("ledger", "vendor-ledger", "invoices.read");

  CredentialLoop issuedAndUsed(AppListing listing) {
    CredentialLoop loop = new CredentialLoop(listing, activation("tenant-acme", "ledger", "ledger", "invoices.read"));
    loop.reconcile(T0);
    assertEquals(Phase.Active, loop.activation.getStatus().phase);
    loop.exchangeCurrent(T0.plusSeconds(60));
    assertNull(loop.reconcile(T0.plusSeconds(61)), "used and not rotating: nothing to wait for");
    return loop;
  }

  static AppListing withGrace(AppListing listing, String grace, String every) {
    listing.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    listing.getSpec().credentialPolicy.rotationGracePeriod = grace;
    listing.getSpec().credentialPolicy.rotateEvery = every;
    return listing;
  }

  @Test
  void raisingRotateSecretDeliversANewSecretForTheSameClientBesideThePreviousOne() {
    CredentialLoop loop = issuedAndUsed(ledger);
    Credential before = loop.activation.getStatus().credential;
    String oldSecret = loop.delivered().clientSecret();
    loop.activation.getSpec().rotateSecret = 1;
    Instant at = T0.plusSeconds(3600);

    Instant next = loop.reconcile(at);

    Credential after = loop.activation.getStatus().credential;
    DeliveredCredentials d = loop.delivered();
    assertEquals(SecretRotation.Step.ROTATE, loop.lastRotation.step());
    assertEquals(before.clientId, after.clientId, "same client ID");
    assertEquals(before.clientId, d.clientId());
    assertNotEquals(oldSecret, d.clientSecret(), "a new secret under the same key");
    assertEquals(oldSecret, d.previousClientSecret(), "the previous one under previousClientSecret");
    assertTrue(SecretVerifier.matches(after.verifier, d.clientSecret()));
    assertTrue(SecretVerifier.matches(after.previousSecret.verifier, oldSecret));
    assertEquals(Times.formatPrecise(at.plus(SecretRotation.DEFAULT_GRACE)), after.previousSecret.retiresAt);
    assertEquals(before.issuedAt, after.previousSecret.issuedAt);
    assertEquals(before.firstUsedAt, after.previousSecret.firstUsedAt);
    assertEquals(Times.formatPrecise(at), after.secretIssuedAt);
    assertEquals(1L, after.rotation);
    assertEquals(before.issuedAt, after.issuedAt, "the pair's issue time and expiry stay");
    assertEquals(before.revision, after.revision);
    assertEquals(at.plus(SecretRotation.DEFAULT_GRACE), next, "the next look is the previous secret's deadline");
    assertEquals(Times.formatPrecise(at.plus(SecretRotation.DEFAULT_GRACE)),
        d.content().get(DeliveredContent.ANNOTATION + DeliveredContent.PREVIOUS_RETIRES_AT));
    assertEquals(List.of("CredentialsIssued", "SecretRotated"), loop.events);
  }

  @Test
  void duringTheOverlapBothSecretsExchangeAndARepeatedReconcileChangesNothing() {
    CredentialLoop loop = issuedAndUsed(ledger);
    String oldSecret = loop.delivered().clientSecret();
    loop.activation.getSpec().rotateSecret = 1;
    loop.reconcile(T0.plusSeconds(3600));
    String newSecret = loop.delivered().clientSecret();
    Credential rotated = loop.activation.getStatus().credential;

    Instant later = T0.plusSeconds(7200);
    assertTrue(loop.exchanges(oldSecret, later), "the previous secret still exchanges");
    assertTrue(loop.exchanges(newSecret, later), "the new one exchanges");
    assertFalse(loop.exchanges("not-" + newSecret, later));

    loop.reconcile(later);
    assertEquals(SecretRotation.Step.NONE, loop.lastRotation.step());
    assertEquals(rotated.verifier, loop.activation.getStatus().credential.verifier, "no second rotation");
    assertEquals(rotated.previousSecret.retiresAt, loop.activation.getStatus().credential.previousSecret.retiresAt);
    assertEquals(oldSecret, loop.delivered().previousClientSecret());
  }

  @Test
  void theNewSecretsFirstUseRetiresThePreviousOneAtOnce() {
    CredentialLoop loop = issuedAndUsed(ledger);
    String oldSecret = loop.delivered().clientSecret();
    loop.activation.getSpec().rotateSecret = 1;
    loop.reconcile(T0.plusSeconds(3600));
    String newSecret = loop.delivered().clientSecret();

    Instant used = T0.plusSeconds(3700);
    loop.exchangeCurrent(used);
    assertFalse(loop.exchanges(oldSecret, used), "refused from the first use on, before the operator acts");
    Instant next = loop.reconcile(used.plusMillis(5));

    assertEquals(SecretRotation.Step.RETIRE, loop.lastRotation.step());
    Credential after = loop.activation.getStatus().credential;
    assertNull(after.previousSecret);
    assertEquals(Times.formatPrecise(used), after.secretFirstUsedAt);
    assertNull(loop.delivered().previousClientSecret(), "the key is gone from the Secret");
    assertNull(loop.delivered().content().get(DeliveredContent.ANNOTATION + DeliveredContent.PREVIOUS_RETIRES_AT));
    assertEquals(newSecret, loop.delivered().clientSecret());
    assertTrue(loop.exchanges(newSecret, used.plusSeconds(1)));
    assertNull(next);
    assertEquals("PreviousSecretRetired", loop.events.get(loop.events.size() - 1));
  }

  @Test
  void withoutAUseOfTheNewSecretThePreviousOneRetiresExactlyAtTheEndOfTheGracePeriod() {
    CredentialLoop loop = issuedAndUsed(withGrace(ledger, "2h", null));
    String oldSecret = loop.delivered().clientSecret();
    loop.activation.getSpec().rotateSecret = 1;
    Instant rotated = T0.plusSeconds(3600);
    Instant deadline = loop.reconcile(rotated);
    assertEquals(rotated.plus(Duration.ofHours(2)), deadline);

    Instant justBefore = deadline.minusMillis(1);
    assertTrue(loop.exchanges(oldSecret, justBefore));
    assertEquals(deadline, loop.reconcile(justBefore), "not retired a millisecond early");
    assertNotNull(loop.activation.getStatus().credential.previousSecret);

    assertFalse(loop.exchanges(oldSecret, deadline), "refused at the deadline, whether the operator acted or not");
    assertNull(loop.reconcile(deadline));
    assertEquals(SecretRotation.Step.RETIRE, loop.lastRotation.step());
    assertNull(loop.activation.getStatus().credential.previousSecret);
    assertNull(loop.delivered().previousClientSecret());
  }

  @Test
  void aRotationAskedForDuringAnOverlapWaitsForItToEnd() {
    CredentialLoop loop = issuedAndUsed(withGrace(ledger, "2h", null));
    loop.activation.getSpec().rotateSecret = 1;
    Instant first = T0.plusSeconds(3600);
    loop.reconcile(first);
    String second = loop.delivered().clientSecret();
    loop.activation.getSpec().rotateSecret = 2;
    assertEquals(first.plus(Duration.ofHours(2)), loop.reconcile(first.plusSeconds(10)));
    assertEquals(second, loop.delivered().clientSecret(), "no rotation while one overlaps");

    loop.reconcile(first.plus(Duration.ofHours(2)));
    assertEquals(SecretRotation.Step.RETIRE, loop.lastRotation.step());
    loop.reconcile(first.plus(Duration.ofHours(2)).plusMillis(1));
    assertEquals(SecretRotation.Step.ROTATE, loop.lastRotation.step());
    assertEquals(second, loop.delivered().previousClientSecret());
    assertEquals(2L, loop.activation.getStatus().credential.rotation);
  }

  @Test
  void theListingsRotationPeriodRotatesExactlyThatLongAfterTheSecretWasIssued() {
    CredentialLoop loop = new CredentialLoop(withGrace(ledger, "1h", "720h"),
        activation("tenant-acme", "ledger", "ledger", "invoices.read"));
    loop.reconcile(T0);
    loop.exchangeCurrent(T0.plusSeconds(1));
    Instant due = T0.plus(Duration.ofHours(720));
    assertEquals(due, loop.reconcile(T0.plusSeconds(2)));
    assertEquals(due, loop.reconcile(due.minusMillis(1)));
    assertNull(loop.activation.getStatus().credential.previousSecret, "not a millisecond early");

    assertEquals(due.plus(Duration.ofHours(1)), loop.reconcile(due));
    assertEquals(SecretRotation.Step.ROTATE, loop.lastRotation.step());
    assertEquals(0L, loop.activation.getStatus().credential.rotation, "a policy rotation is not a tenant's request");
    loop.reconcile(due.plus(Duration.ofHours(1)));
    assertEquals(due.plus(Duration.ofHours(720)), loop.reconcile(due.plus(Duration.ofHours(1)).plusMillis(1)),
        "the next rotation counts from this secret's issue");
  }

  @Test
  void aRotationWhoseSecretWasNeverDeliveredIsResumedWithoutLosingThePreviousSecret() {
    CredentialLoop loop = issuedAndUsed(ledger);
    String oldSecret = loop.delivered().clientSecret();
    io.fabric8.kubernetes.api.model.Secret beforeRotation = loop.secret;
    loop.activation.getSpec().rotateSecret = 1;
    loop.reconcile(T0.plusSeconds(3600));
    Credential recorded = loop.activation.getStatus().credential;
    loop.secret = beforeRotation; // the operator stopped between the record and the delivery

    loop.reconcile(T0.plusSeconds(3605));

    assertEquals(SecretRotation.Step.RESUME, loop.lastRotation.step());
    Credential after = loop.activation.getStatus().credential;
    assertEquals(recorded.previousSecret.retiresAt, after.previousSecret.retiresAt, "the deadline stays as recorded");
    assertEquals(recorded.previousSecret.verifier, after.previousSecret.verifier);
    assertEquals(oldSecret, loop.delivered().previousClientSecret());
    assertTrue(SecretVerifier.matches(after.verifier, loop.delivered().clientSecret()));
    assertTrue(loop.exchanges(oldSecret, T0.plusSeconds(3606)), "the vendor's secret never stopped working");
  }

  @Test
  void aPreviousSecretRemovedFromTheDeliveredSecretIsRetiredNotRecreated() {
    CredentialLoop loop = issuedAndUsed(ledger);
    String oldSecret = loop.delivered().clientSecret();
    loop.activation.getSpec().rotateSecret = 1;
    loop.reconcile(T0.plusSeconds(3600));
    loop.secret.getData().remove(DeliveredContent.KEY_PREVIOUS_CLIENT_SECRET);

    loop.reconcile(T0.plusSeconds(3601));

    assertEquals(SecretRotation.Step.RETIRE, loop.lastRotation.step());
    assertNull(loop.activation.getStatus().credential.previousSecret);
    assertFalse(loop.exchanges(oldSecret, T0.plusSeconds(3602)));
  }

  @Test
  void raisingTheRevisionDuringAnOverlapIssuesANewClientAndEndsTheOverlap() {
    CredentialLoop loop = issuedAndUsed(ledger);
    String clientId = loop.activation.getStatus().credential.clientId;
    String oldSecret = loop.delivered().clientSecret();
    loop.activation.getSpec().rotateSecret = 1;
    loop.reconcile(T0.plusSeconds(3600));
    loop.activation.getSpec().revision = 1;

    loop.reconcile(T0.plusSeconds(3700));

    Credential after = loop.activation.getStatus().credential;
    assertNotEquals(clientId, after.clientId);
    assertNull(after.previousSecret);
    assertNull(loop.delivered().previousClientSecret());
    assertEquals(1L, after.rotation, "the request is answered by the new pair, not rotated again");
    loop.reconcile(T0.plusSeconds(3701));
    assertEquals(SecretRotation.Step.NONE, loop.lastRotation.step());
    assertFalse(loop.exchanges(oldSecret, T0.plusSeconds(3702)));
  }

  @Test
  void suspendingDuringAnOverlapWithdrawsBothSecrets() {
    CredentialLoop loop = issuedAndUsed(ledger);
    loop.activation.getSpec().rotateSecret = 1;
    loop.reconcile(T0.plusSeconds(3600));
    loop.activation.getSpec().suspended = true;
    loop.reconcile(T0.plusSeconds(3700));
    assertNull(loop.secret);
    assertNull(loop.activation.getStatus().credential.previousSecret);
    assertNull(loop.activation.getStatus().credential.verifier);
  }

  @ParameterizedTest(name = "rotationGracePeriod {0} is taken as {1}")
  @CsvSource({",PT24H", "90m,PT1H30M", "1s,PT1M", "9999h,PT720H", "garbage,PT24H"})
  void theGracePeriodHasASaneDefaultAndBounds(String configured, Duration expected) {
    assertEquals(expected, SecretRotation.gracePeriod(withGrace(ledger, configured, null).getSpec()));
  }
}
