package io.appconnector.operator.logic;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The credential record each kind of plan leaves in status, and what the delivered Secret holds with it. */
class NextCredentialTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  static final CredentialGenerator GENERATOR = new CredentialGenerator();

  final AppListing ledger = vendorListing("ledger", "vendor-ledger", "invoices.read");

  /** One reconcile's plan, rotation step and resulting credential. */
  record Step(ActivationPlan plan, SecretRotation.Decision rotation, NextCredential next) {
  }

  Step step(Activation activation, DeliveredCredentials delivered, Instant now) {
    ActivationPlan plan = ActivationPlanner.plan(new ActivationPlanner.Observed(activation, ledger,
        List.of(activation), null, delivered, now, null, List.of(), List.of(), ApiPods.DEFAULT,
        ActivationPlanner.DEFAULT_LIFETIME, CredentialLoop.TOKEN_URL));
    SecretRotation.Decision rotation = SecretRotation.decide(activation, ledger.getSpec(), plan, delivered, now);
    return new Step(plan, rotation, NextCredential.of(activation, plan, delivered, rotation, now, GENERATOR));
  }

  /** An activation issued at T0 (through the loop the reconciler runs), with its delivered Secret. */
  CredentialLoop issued() {
    CredentialLoop loop = new CredentialLoop(ledger, activation("tenant-acme", "ledger", "ledger", "invoices.read"));
    loop.reconcile(T0);
    return loop;
  }

  @Test
  void aFirstIssueRecordsANewPairWhoseVerifierMatchesTheSecretToDeliver() {
    Activation fresh = activation("tenant-acme", "ledger", "ledger", "invoices.read");

    Step s = step(fresh, null, T0);

    Credential record = s.next().record();
    assertEquals(CredentialAction.ISSUE_NEW_CLIENT, s.plan().action());
    assertTrue(s.next().deliver());
    assertFalse(s.next().withdraw());
    assertTrue(record.clientId.startsWith("ac-"));
    assertNotNull(s.next().secret());
    assertTrue(SecretVerifier.matches(record.verifier, s.next().secret()));
    assertNull(s.next().previousSecret());
    assertEquals("vendor-ledger/appconnector.tenant-acme.ledger", record.deliveredTo);
    assertEquals(Times.formatPrecise(T0), record.issuedAt);
    assertEquals(Times.formatPrecise(T0.plus(ActivationPlanner.DEFAULT_LIFETIME)), record.expiresAt,
        "unused credentials are due at the plan's deadline");
    assertEquals(List.of("invoices.read"), record.grantedScopes);
    assertNull(fresh.getStatus(), "the activation read from the cache is not changed");
  }

  static Stream<Arguments> withdrawals() {
    return Stream.of(
        Arguments.of("suspended: withdrawn, not expired", (Consumer<Activation>) a -> a.getSpec().suspended = true,
            T0.plusSeconds(60), false),
        Arguments.of("unused past its deadline: expired", (Consumer<Activation>) a -> { },
            T0.plus(ActivationPlanner.DEFAULT_LIFETIME).plusSeconds(1), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withdrawals")
  void aWithdrawalKeepsTheClientIdAndForgetsTheVerifierAndWhereItWasDelivered(String name, Consumer<Activation> change,
      Instant at, boolean expired) {
    CredentialLoop loop = issued();
    Activation a = Serialization.clone(loop.activation);
    change.accept(a);
    Credential before = a.getStatus().credential;

    Step s = step(a, loop.delivered(), at);

    Credential record = s.next().record();
    assertTrue(s.next().withdraw(), "the delivered Secret is deleted once this is recorded");
    assertFalse(s.next().deliver());
    assertEquals(before.clientId, record.clientId);
    assertNull(record.verifier);
    assertNull(record.deliveredTo);
    assertEquals(expired ? Times.formatPrecise(at) : null, record.expiredAt);
    assertNotNull(before.verifier, "the cached record is not changed");
  }

  @Test
  void aRepairRedeliversTheSecretItReadWithoutANewOneOrANewRecord() {
    CredentialLoop loop = issued();
    DeliveredCredentials delivered = loop.delivered();
    loop.secret.getMetadata().getLabels().remove(io.appconnector.operator.values.DeliveryNames.TENANT);

    Step s = step(loop.activation, DeliveredCredentials.read(loop.secret), T0.plusSeconds(60));

    assertEquals(CredentialAction.REPAIR, s.plan().action(), s.plan().toString());
    assertTrue(s.next().deliver());
    assertEquals(delivered.clientSecret(), s.next().secret());
    assertEquals(loop.activation.getStatus().credential.verifier, s.next().record().verifier);
  }

  @Test
  void aRotationKeepsTheClientIdAndMovesTheOldVerifierToThePreviousSecret() {
    CredentialLoop loop = issued();
    loop.exchangeCurrent(T0.plusSeconds(30));
    loop.reconcile(T0.plusSeconds(31));
    String old = loop.delivered().clientSecret();
    Activation a = Serialization.clone(loop.activation);
    a.getSpec().rotateSecret = 1;

    Step s = step(a, loop.delivered(), T0.plusSeconds(3600));

    Credential record = s.next().record();
    assertEquals(SecretRotation.Step.ROTATE, s.rotation().step());
    assertEquals(a.getStatus().credential.clientId, record.clientId);
    assertNotEquals(old, s.next().secret());
    assertTrue(SecretVerifier.matches(record.verifier, s.next().secret()));
    assertEquals(old, s.next().previousSecret());
    assertTrue(SecretVerifier.matches(record.previousSecret.verifier, old));
    assertEquals(Times.formatPrecise(T0.plusSeconds(3600)), record.secretIssuedAt);
  }
}
