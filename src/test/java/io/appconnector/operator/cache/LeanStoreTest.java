package io.appconnector.operator.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.reconciler.ActivationReconciler;
import io.appconnector.operator.dependent.DeliveredSecrets;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LeanStoreTest {
  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Secret delivered() {
    return new SecretBuilder().withNewMetadata().withNamespace("vendor").withName("appconnector-t-ledger")
        .withUid("s-uid").withResourceVersion("42")
        .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR)
        .addToLabels(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED).addToLabels(DeliveryNames.TENANT, "t")
        .addToAnnotations(DeliveryNames.ACTIVATION_UID, "a-uid").addToAnnotations(DeliveryNames.ACTIVATION_REF, "t/ledger")
        .addToAnnotations(DeliveryNames.REVISION, "3").addToAnnotations(DeliveryNames.CLIENT_ID, "client-1")
        .addToAnnotations(DeliveryNames.ISSUED_AT, "2026-11-25T06:00:00.000Z")
        .addToAnnotations(DeliveryNames.EXPIRES_AT, "2026-11-27T06:00:00.000Z")
        .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("appconnector").withOperation("Update").build())
        .endMetadata().withType("Opaque")
        .addToData(DeliveredSecrets.KEY_CLIENT_ID, b64("client-1"))
        .addToData(DeliveredSecrets.KEY_CLIENT_SECRET, b64("s3cr3t-value-not-logged"))
        .addToData(DeliveredSecrets.KEY_SCOPES, b64("invoices.read contacts.read"))
        .addToData(DeliveredSecrets.KEY_TENANT_ID, b64("t"))
        .addToData(DeliveredSecrets.KEY_TOKEN_URL, b64("https://tokens.example.test/oauth2/token"))
        .build();
  }

  @Test
  void aDeliveredSecretIsKeptWithEverythingTheOperatorReadsAndNothingElse() {
    Secret original = delivered();
    DeliveredCredentials before = DeliveredCredentials.read(delivered());
    DeliveredSecretStore store = new DeliveredSecretStore();
    store.keep(java.util.Set.of("vendor"));
    store.put(store.getKey(original), original);
    Secret kept = store.get("vendor/appconnector-t-ledger");

    DeliveredCredentials after = DeliveredCredentials.read(kept);
    assertNotNull(after);
    assertEquals(before.toString(), after.toString());
    assertEquals(before.clientSecret(), after.clientSecret());
    assertEquals(before.scopes(), after.scopes());
    assertEquals(before.expiresAt(), after.expiresAt());
    assertEquals(before.content(), after.content(), "everything compared with the record is kept");
    assertEquals("t/ledger", kept.getMetadata().getAnnotations().get(DeliveryNames.ACTIVATION_REF), "for the event mapping");
    assertEquals("42", kept.getMetadata().getResourceVersion());
    assertNull(kept.getMetadata().getManagedFields());
    assertEquals(1, original.getMetadata().getManagedFields().size(), "event handlers still see the object as it arrived");
  }

  @Test
  void aDeliveredSecretWithAHugeValueIsKeptSmallAndNoLongerAgreesWithItsRecord() {
    Secret bloated = new io.fabric8.kubernetes.api.model.SecretBuilder(delivered()).addToData(DeliveredSecrets.KEY_SCOPES,
        b64("x".repeat(1 << 20))).addToData("extra", b64("y".repeat(1 << 20))).build();
    DeliveredSecretStore store = new DeliveredSecretStore();
    store.keep(java.util.Set.of("vendor"));
    store.put(store.getKey(bloated), bloated);
    Secret kept = store.get("vendor/appconnector-t-ledger");
    int size = kept.getData().values().stream().mapToInt(String::length).sum();
    assertTrue(size < 1024, "kept " + size + " characters of data");
    assertNotEquals(DeliveredCredentials.read(delivered()).content(), DeliveredCredentials.read(kept).content());
  }

  @Test
  void aTenantsVendorCredentialSecretIsKeptAsKeyNamesOnly() {
    Secret big = new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace("t").withName("crm")
        .addToLabels(io.appconnector.operator.logic.VendorSecret.LABEL, "true").addToLabels("team", "x").endMetadata()
        .addToData("apiKey", b64("k".repeat(1 << 20))).addToData("empty", b64("  ")).build();
    LeanStore<Secret> store = LeanStore.keyNamesOnly();
    store.put(store.getKey(big), big);
    Secret kept = store.get("t/crm");
    assertEquals(java.util.Set.of("apiKey"), io.appconnector.operator.logic.VendorSecret.of(kept).keys());
    assertTrue(io.appconnector.operator.logic.VendorSecret.of(kept).labelled());
    assertTrue(kept.getData().values().stream().allMatch(v -> v.length() <= 4), "no value is kept");
  }

  @Test
  void otherObjectsLoseOnlyTheirManagedFields() {
    Activation a = new Activation();
    a.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace("t").withName("ledger")
        .addToLabels("team", "billing")
        .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).build());
    LeanStore<Activation> store = LeanStore.withoutManagedFields();
    store.put(store.getKey(a), a);
    Activation kept = store.get("t/ledger");
    assertNull(kept.getMetadata().getManagedFields());
    assertEquals("billing", kept.getMetadata().getLabels().get("team"));
  }

  private static Activation applied(String namespace) {
    Activation a = new Activation();
    a.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(new String(namespace))
        .withName("ledger").withUid("uid-" + namespace).withResourceVersion("7")
        .addToAnnotations(LeanStore.LAST_APPLIED, "{\"apiVersion\":\"appconnector.io/v1alpha1\",\"kind\":\"Activation\"}")
        .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).build());
    a.setSpec(new io.appconnector.operator.api.v1alpha1.ActivationSpec());
    a.getSpec().listing = new String("ledger-app");
    a.setStatus(new io.appconnector.operator.api.v1alpha1.ActivationStatus());
    a.getStatus().conditions.add(io.appconnector.operator.values.Conditions.of("Ready", true, new String("Active"),
        new String("Credentials were issued.")));
    return a;
  }

  @Test
  void activationsApplyWithKubectlLoseTheManifestCopyAndShareRepeatedStrings() {
    LeanStore<Activation> store = LeanStore.activations();
    Activation one = applied("tenant-a");
    Activation two = applied("tenant-a");
    two.getMetadata().setName("other");
    store.put(store.getKey(one), one);
    store.put(store.getKey(two), two);
    Activation a = store.get("tenant-a/ledger");
    Activation b = store.get("tenant-a/other");
    assertNull(a.getMetadata().getAnnotations().get(LeanStore.LAST_APPLIED));
    assertNull(a.getMetadata().getManagedFields());
    org.junit.jupiter.api.Assertions.assertSame(a.getMetadata().getNamespace(), b.getMetadata().getNamespace());
    org.junit.jupiter.api.Assertions.assertSame(a.getSpec().listing, b.getSpec().listing);
    org.junit.jupiter.api.Assertions.assertSame(a.getStatus().conditions.get(0).getMessage(),
        b.getStatus().conditions.get(0).getMessage());
    assertEquals("Credentials were issued.", a.getStatus().conditions.get(0).getMessage());
  }

  @Test
  void theFinalizerPatchOfAnActivationAppliedWithKubectlIsRecognisedAsTheOperatorsOwn() {
    LeanStore<Activation> store = LeanStore.activations();
    Activation cached = applied("tenant-b");
    store.put(store.getKey(cached), cached);
    io.appconnector.operator.dependent.OwnWrites writes = new io.appconnector.operator.dependent.OwnWrites();
    Activation intended = io.fabric8.kubernetes.client.utils.Serialization.clone(store.get("tenant-b/ledger"));
    intended.addFinalizer(ActivationReconciler.FINALIZER);
    writes.write(intended, () -> null);

    // The watch event carries the whole object, manifest copy included; the store leans it before the handler sees it.
    Activation event = applied("tenant-b");
    event.getMetadata().setResourceVersion("8");
    event.addFinalizer(ActivationReconciler.FINALIZER);
    store.put(store.getKey(event), event);
    org.junit.jupiter.api.Assertions.assertTrue(writes.isOwnWrite(event));
  }
}
