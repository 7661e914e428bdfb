package io.appconnector.operator.reconciler;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.logic.VendorSecret;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Someone deletes or edits what the operator delivered, edits status by hand, or plants look-alike
 * objects: the operator notices, repairs what it can, says what it did, and touches nothing it did
 * not create.
 */
class InterferenceIT extends OperatorScenarios {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();


  @Override
  protected KubernetesClient client() {
    return api.client();
  }

  Activation issued() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    return awaitPhase(tenant, "ledger", Phase.Active);
  }

  DeliveredCredentials awaitRecorded(String clientId, String notSecret) {
    return Await.until("a delivered Secret matching its record", () -> {
      Activation a = get(tenant, "ledger");
      DeliveredCredentials d = deliveredFor(a);
      return d != null && a.getStatus().credential.verifier != null && d.clientId().equals(clientId)
          && !d.clientSecret().equals(notSecret) && SecretVerifier.matches(a.getStatus().credential.verifier, d.clientSecret())
          ? d : null;
    }, d -> d != null);
  }

  @Test
  void aDeletedDeliveredSecretIsReissuedForTheSameClientWithAnEvent() {
    Activation a = issued();
    DeliveredCredentials before = deliveredFor(a);
    client().secrets().inNamespace(vendor).withName(before.name()).delete();
    DeliveredCredentials after = awaitRecorded(before.clientId(), before.clientSecret());
    assertNotEquals(before.clientSecret(), after.clientSecret(), "a fresh secret: the old one was never stored");
    Await.until("an event saying so", () -> events(a), e -> e.contains("CredentialsRedelivered"));
    assertEquals(1, delivered(vendor).size());
  }

  @Test
  void anEditedDeliveredSecretIsReplacedNotTrusted() {
    Activation a = issued();
    DeliveredCredentials before = deliveredFor(a);
    String planted = "chosen-by-someone-else";
    client().secrets().inNamespace(vendor).withName(before.name()).edit(s -> new SecretBuilder(s)
        .addToData("clientSecret", Base64.getEncoder().encodeToString(planted.getBytes(StandardCharsets.UTF_8))).build());
    DeliveredCredentials after = awaitRecorded(before.clientId(), planted);
    assertNotEquals(before.clientSecret(), after.clientSecret());
    Await.until("an event saying so", () -> events(a), e -> e.contains("DeliveredSecretReplaced"));
  }

  @Test
  void aHandEditedStatusIsNeverRepairedFromTheDeliveredSecret() {
    Activation a = issued();
    DeliveredCredentials delivered = deliveredFor(a);
    client().resources(Activation.class).inNamespace(tenant).withName("ledger").editStatus(x -> {
      x.getStatus().phase = Phase.Expired;
      x.getStatus().credential = null;
      return x;
    });
    // Without its record nothing proves the Secret is the operator's: it is replaced by a new pair.
    Activation reissued = Await.until("a new pair", () -> get(tenant, "ledger"),
        x -> x.getStatus().phase == Phase.Active && x.getStatus().credential != null
            && !delivered.clientId().equals(x.getStatus().credential.clientId) && deliveredFor(x) != null
            && x.getStatus().credential.clientId.equals(deliveredFor(x).clientId()));
    assertTrue(SecretVerifier.matches(reissued.getStatus().credential.verifier, deliveredFor(reissued).clientSecret()));
    assertEquals(1, delivered(vendor).size());

    client().resources(Activation.class).inNamespace(tenant).withName("ledger").editStatus(x -> {
      x.getStatus().credential.verifier = SecretVerifier.create("a-secret-someone-prefers");
      return x;
    });
    DeliveredCredentials now = deliveredFor(reissued);
    DeliveredCredentials after = Await.until("a fresh secret for the same client", () -> {
      Activation x = get(tenant, "ledger");
      DeliveredCredentials d = deliveredFor(x);
      return d != null && SecretVerifier.matches(x.getStatus().credential.verifier, d.clientSecret()) ? d : null;
    }, d -> d != null && !d.clientSecret().equals(now.clientSecret()));
    assertEquals(now.clientId(), after.clientId());
  }

  @Test
  void objectsTheOperatorDidNotCreateAreNeverChangedEvenWithMatchingLabels() {
    Secret lookalike = client().resource(new SecretBuilder().withNewMetadata().withNamespace(vendor).withName("lookalike")
        .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR).addToLabels(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED)
        .addToLabels(DeliveryNames.TENANT, tenant).addToLabels(DeliveryNames.ACTIVATION, "ledger")
        .addToAnnotations(DeliveryNames.ACTIVATION_REF, tenant + "/ledger")
        .addToAnnotations(DeliveryNames.ACTIVATION_UID, "not-the-activations-uid").endMetadata()
        .addToStringData("clientSecret", "unrelated").build()).create();
    Activation a = issued();
    edit(tenant, "ledger", s -> s.suspended = true);
    awaitPhase(tenant, "ledger", Phase.Suspended);
    client().resources(Activation.class).inNamespace(tenant).withName("ledger").delete();
    Await.until("deactivated", () -> get(tenant, "ledger"), x -> x == null);
    Secret after = client().secrets().inNamespace(vendor).withName("lookalike").get();
    assertEquals(lookalike.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion(), "untouched");
  }

  @Test
  void aForeignSecretAtTheDeliveryNameIsLeftAloneAndReported() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    Activation a = activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read");
    Secret squatter = client().resource(new SecretBuilder().withNewMetadata().withNamespace(vendor)
        .withName(DeliveryNames.secretName(a)).endMetadata().addToStringData("clientSecret", "someone-elses").build()).create();
    create(a);
    Activation reported = Await.until("a DeliveryConflict condition", () -> get(tenant, "ledger"),
        x -> x.getStatus() != null && x.getStatus().conditions.stream().anyMatch(c -> "DeliveryConflict".equals(c.getReason())));
    assertTrue(reported.getStatus().message.contains("platform team"), reported.getStatus().message);
    assertFalse(reported.getStatus().message.contains(vendor), "the vendor's namespace is not the tenant's to know");
    assertEquals(squatter.getMetadata().getResourceVersion(),
        client().secrets().inNamespace(vendor).withName(squatter.getMetadata().getName()).get().getMetadata().getResourceVersion());
  }

  @Test
  void aTenantCannotPointAtAnotherTenantsSecretOrNetworks() {
    client().resource(new SecretBuilder().withNewMetadata().withNamespace(otherTenant).withName("crm-creds")
        .addToLabels(VendorSecret.LABEL, "true").endMetadata().addToStringData("apiKey", "other-tenants-key").build()).create();
    AppListing crm = listing(io.appconnector.operator.Fixtures.platformListing("crm",
        io.appconnector.operator.api.v1alpha1.AppListingSpec.AuthMethod.ApiKey));
    // The reference has no namespace field; one given anyway is pruned by the API server.
    client().load(new java.io.ByteArrayInputStream(("apiVersion: appconnector.io/v1alpha1\nkind: Activation\n"
        + "metadata: {name: crm, namespace: " + tenant + "}\n"
        + "spec: {listing: " + crm.getMetadata().getName() + ", consent: {}, vendorCredentialsSecretRef: {name: crm-creds, namespace: "
        + otherTenant + "}}\n").getBytes(StandardCharsets.UTF_8))).items().forEach(o -> client().resource(o).create());
    Activation waiting = awaitPhase(tenant, "crm", Phase.AwaitingVendorCredentials);
    assertTrue(waiting.getStatus().message.contains("was not found in this namespace"), waiting.getStatus().message);
    ActivationSpec.SecretRef ref = waiting.getSpec().vendorCredentialsSecretRef;
    assertEquals("crm-creds", ref.name);
  }
}
