package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.dependent.DeliveredSecrets;
import io.appconnector.operator.logic.ContentHash;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.values.Times;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.Operators;
import io.appconnector.operator.support.ReconcileLog;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rotation with overlap on a real kube-apiserver, the token endpoint and the operator as production
 * runs them: during the overlap both secrets exchange, the new one's first use retires the old one,
 * the grace deadline retires it otherwise, and a restart in the middle changes nothing.
 */
class SecretRotationIT extends TokenScenarios {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();

  ReconcileLog reconciles;

  @Override
  protected KubernetesClient client() {
    return api.client();
  }

  @Override
  void startOperator() {
    reconciles = new ReconcileLog(clock);
    operator = Operators.create(client(), new OperatorSettings(server.settings().tokenEndpoint(), Set.of(),
        operatorNs, false, "test"), clock, reconciles.install());
    operator.start();
  }

  AppListing rotatingListing(String grace) {
    AppListing l = vendorListing("ledger", vendorNs, "invoices.read");
    l.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    l.getSpec().credentialPolicy.rotationGracePeriod = grace;
    l.getSpec().secretTemplate = new AppListingSpec.SecretTemplate();
    l.getSpec().secretTemplate.annotations = new java.util.HashMap<>(java.util.Map.of("reloader.stakater.com/match", "true"));
    return listing(l);
  }

  DeliveredCredentials deliveredNow(Activation a) {
    return DeliveredCredentials.read(client().secrets().inNamespace(vendorNs).withName(DeliveryNames.secretName(a)).get());
  }

  /** Exchanges at the endpoint until it answers 200 (its cache may be a moment behind the API server). */
  void awaitExchanges(Vendor.Mounted credentials, String which) {
    Await.until(which + " exchanges", () -> vendor.basic(credentials, null).status(), s -> s == 200);
  }

  /** Raises rotateSecret and waits for the Secret that holds the new secret beside the old one. */
  DeliveredCredentials rotate(Activation a, String oldSecret) {
    edit(tenant, a.getMetadata().getName(), s -> s.rotateSecret = s.rotateSecret + 1);
    return Await.until("the new secret delivered beside the old one", () -> deliveredNow(a),
        d -> d != null && oldSecret.equals(d.previousClientSecret()));
  }

  List<String> events(Activation a) {
    return client().events().v1().events().inNamespace(tenant).list().getItems().stream()
        .filter(e -> a.getMetadata().getName().equals(e.getRegarding().getName())).map(e -> e.getReason()).toList();
  }

  /** An Active activation of a listing whose rotation grace is an hour. */
  Activation activeOnRotatingListing() {
    AppListing l = rotatingListing("1h");
    return awaitPhase(tenant, create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"))
        .getMetadata().getName(), Phase.Active);
  }

  @Test
  void duringTheOverlapBothSecretsExchangeAndTheNewOnesFirstUseRetiresTheOldOne() {
    Activation a = activeOnRotatingListing();
    Vendor.Mounted old = mounted(a);
    assertEquals(200, awaitServed(old).status());
    String hashBefore = client().secrets().inNamespace(vendorNs).withName(DeliveryNames.secretName(a)).get()
        .getMetadata().getAnnotations().get(ContentHash.ANNOTATION);

    DeliveredCredentials rotated = rotate(a, old.clientSecret());
    assertEquals(old.clientId(), rotated.clientId(), "same client ID");
    assertNotEquals(old.clientSecret(), rotated.clientSecret());
    Secret secret = client().secrets().inNamespace(vendorNs).withName(DeliveryNames.secretName(a)).get();
    assertNotEquals(hashBefore, secret.getMetadata().getAnnotations().get(ContentHash.ANNOTATION),
        "the content hash tells consumers the data changed");
    assertEquals("true", secret.getMetadata().getAnnotations().get("reloader.stakater.com/match"));
    Credential overlap = get(tenant, "ledger").getStatus().credential;
    assertEquals(Times.parse(overlap.secretIssuedAt).plus(Duration.ofHours(1)),
        Times.parse(overlap.previousSecret.retiresAt));

    Vendor.Mounted fresh = old.withSecret(rotated.clientSecret());
    assertEquals(200, vendor.basic(old, null).status(), "the old secret still exchanges during the overlap");
    assertEquals(200, vendor.basic(old, null).status(), "and again: its use retires nothing");
    assertNotNull(get(tenant, "ledger").getStatus().credential.previousSecret);
    awaitExchanges(fresh, "the new secret");
    assertNotNull(get(tenant, "ledger").getStatus().credential.secretFirstUsedAt,
        "the new secret's first use is recorded before its token leaves");

    Await.until("the old secret refused", () -> vendor.basic(old, null).status(), s -> s == 401);
    DeliveredCredentials retired = Await.until("previousClientSecret removed from the Secret", () -> deliveredNow(a),
        d -> d.previousClientSecret() == null);
    assertEquals(rotated.clientSecret(), retired.clientSecret());
    assertNull(get(tenant, "ledger").getStatus().credential.previousSecret);
    assertEquals(200, vendor.basic(fresh, null).status());
    Await.until("an Event for each step", () -> events(a),
        e -> e.contains("SecretRotated") && e.contains("PreviousSecretRetired"));
  }

  @Test
  void theGraceDeadlineRetiresTheOldSecretAndARestartInTheMiddleChangesNothing() {
    Activation a = activeOnRotatingListing();
    Vendor.Mounted old = mounted(a);
    assertEquals(200, awaitServed(old).status());
    DeliveredCredentials rotated = rotate(a, old.clientSecret());
    Credential during = Await.until("the rotation recorded", () -> get(tenant, "ledger").getStatus().credential,
        c -> c.previousSecret != null);
    Instant retiresAt = Times.parse(during.previousSecret.retiresAt);
    String secretVersion = client().secrets().inNamespace(vendorNs).withName(DeliveryNames.secretName(a)).get()
        .getMetadata().getResourceVersion();

    stopOperator();
    clock.jumpTo(retiresAt.minus(Duration.ofMinutes(30)));
    startOperator();
    ReconcileLog.NextLook scheduled = Await.until("the restarted operator scheduled the retirement",
        () -> reconciles.nextLook(a), java.util.Optional::isPresent).orElseThrow();
    assertTrue(scheduled.justAfter(retiresAt), "the deadline comes from status, unchanged by the restart: "
        + scheduled + " for " + retiresAt);
    Credential afterRestart = get(tenant, "ledger").getStatus().credential;
    assertEquals(during.verifier, afterRestart.verifier, "no second rotation");
    assertEquals(during.previousSecret.verifier, afterRestart.previousSecret.verifier);
    assertEquals(during.previousSecret.retiresAt, afterRestart.previousSecret.retiresAt);
    assertEquals(secretVersion, client().secrets().inNamespace(vendorNs).withName(DeliveryNames.secretName(a)).get()
        .getMetadata().getResourceVersion(), "the delivered Secret untouched");
    assertEquals(200, vendor.basic(old, null).status(), "the old secret works until its deadline");

    stopOperator();
    clock.jumpTo(retiresAt.minusMillis(1500));
    startOperator();
    DeliveredCredentials retired = Await.until("previousClientSecret removed at the deadline", () -> deliveredNow(a),
        d -> d.previousClientSecret() == null);
    Instant retiredSeen = clock.instant();
    assertTrue(!retiredSeen.isBefore(retiresAt), "not early: " + retiredSeen + " < " + retiresAt);
    assertEquals(rotated.clientSecret(), retired.clientSecret());
    assertNull(get(tenant, "ledger").getStatus().credential.previousSecret);
    assertNull(get(tenant, "ledger").getStatus().credential.secretFirstUsedAt, "retired by the deadline, not by a use");
    assertEquals(401, vendor.basic(old, null).status());
    assertEquals(200, vendor.basic(old.withSecret(rotated.clientSecret()), null).status());
  }
}
