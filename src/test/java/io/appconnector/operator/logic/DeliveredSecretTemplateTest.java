package io.appconnector.operator.logic;

import io.appconnector.operator.values.DeliveryNames;
import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.dependent.DeliveredSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The delivered Secret's content hash and the listing's secretTemplate, decided without a cluster. */
class DeliveredSecretTemplateTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  static AppListing templated(Map<String, String> labels, Map<String, String> annotations) {
    AppListing listing = vendorListing("ledger", "vendor-ledger", "invoices.read");
    listing.getSpec().secretTemplate = new AppListingSpec.SecretTemplate();
    listing.getSpec().secretTemplate.labels = labels == null ? null : new LinkedHashMap<>(labels);
    listing.getSpec().secretTemplate.annotations = annotations == null ? null : new LinkedHashMap<>(annotations);
    return listing;
  }

  CredentialLoop issued(AppListing listing) {
    CredentialLoop loop = new CredentialLoop(listing, activation("tenant-acme", "ledger", "ledger", "invoices.read"));
    loop.reconcile(T0);
    return loop;
  }

  /** The hash as a vendor computes it from the Secret's data (as the API returns it: base64 values). */
  static String vendorsHash(Secret secret) {
    StringBuilder lines = new StringBuilder();
    new TreeMap<>(secret.getData()).forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
    try {
      return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(lines.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theDeliveredSecretCarriesTheHashOfItsDataAsAVendorRecomputesIt() {
    Secret secret = issued(vendorListing("ledger", "vendor-ledger", "invoices.read")).secret;
    String hash = secret.getMetadata().getAnnotations().get(ContentHash.ANNOTATION);
    assertTrue(hash.matches("sha256:[0-9a-f]{64}"), hash);
    assertEquals(vendorsHash(secret), hash);
  }

  @Test
  void theHashChangesWithTheSecretAndWithNothingElseThanTheData() {
    CredentialLoop loop = issued(templated(Map.of("team", "payments"), null));
    String hash = loop.secret.getMetadata().getAnnotations().get(ContentHash.ANNOTATION);
    loop.listing.getSpec().secretTemplate.labels.put("team", "billing");
    loop.reconcile(T0.plusSeconds(1));
    assertEquals("billing", loop.secret.getMetadata().getLabels().get("team"), "rewritten for the template");
    assertEquals(hash, loop.secret.getMetadata().getAnnotations().get(ContentHash.ANNOTATION),
        "a label changed, the data did not: consumers need not restart");

    loop.activation.getSpec().rotateSecret = 1;
    loop.reconcile(T0.plusSeconds(2));
    assertNotEquals(hash, loop.secret.getMetadata().getAnnotations().get(ContentHash.ANNOTATION));
    assertEquals(vendorsHash(loop.secret), loop.secret.getMetadata().getAnnotations().get(ContentHash.ANNOTATION));
  }

  @Test
  void theTemplatesLabelsAndAnnotationsAreAddedBesideTheOperatorsOwn() {
    Secret secret = issued(templated(Map.of("team", "payments", "example.com/backup", "daily"),
        Map.of("reloader.stakater.com/match", "true"))).secret;
    assertEquals("payments", secret.getMetadata().getLabels().get("team"));
    assertEquals("daily", secret.getMetadata().getLabels().get("example.com/backup"));
    assertEquals("true", secret.getMetadata().getAnnotations().get("reloader.stakater.com/match"));
    assertEquals(DeliveryNames.ROLE_DELIVERED, secret.getMetadata().getLabels().get(DeliveryNames.ROLE));
  }

  @Test
  void aTemplateThatGotPastTheSchemaStillCannotOverrideTheOperatorsKeys() {
    Secret secret = issued(templated(Map.of(DeliveryNames.ROLE, "nothing", DeliveryNames.MANAGED_BY, "someone"),
        Map.of(DeliveryNames.CLIENT_ID, "forged", ContentHash.ANNOTATION, "sha256:00"))).secret;
    assertEquals(DeliveryNames.ROLE_DELIVERED, secret.getMetadata().getLabels().get(DeliveryNames.ROLE));
    assertEquals(DeliveryNames.OPERATOR, secret.getMetadata().getLabels().get(DeliveryNames.MANAGED_BY));
    assertEquals(DeliveredCredentials.read(secret).clientId(), secret.getMetadata().getAnnotations().get(DeliveryNames.CLIENT_ID));
    assertEquals(vendorsHash(secret), secret.getMetadata().getAnnotations().get(ContentHash.ANNOTATION));
  }

  @ParameterizedTest(name = "a delivered Secret whose {0} was edited is repaired, template included")
  @ValueSource(strings = {"template label removed", "template annotation changed", "content hash changed"})
  void anEditedDeliveredSecretIsRepairedFromTheRecordAndKeepsTheTemplate(String edit) {
    CredentialLoop loop = issued(templated(Map.of("team", "payments"), Map.of("reloader.stakater.com/match", "true")));
    String secretValue = loop.delivered().clientSecret();
    String hash = loop.secret.getMetadata().getAnnotations().get(ContentHash.ANNOTATION);
    switch (edit) {
      case "template label removed" -> loop.secret.getMetadata().getLabels().remove("team");
      case "template annotation changed" -> loop.secret.getMetadata().getAnnotations().put("reloader.stakater.com/match", "no");
      default -> loop.secret.getMetadata().getAnnotations().put(ContentHash.ANNOTATION, "sha256:forged");
    }
    loop.reconcile(T0.plusSeconds(5));
    assertEquals(CredentialAction.REPAIR, loop.lastPlan.action());
    assertEquals("payments", loop.secret.getMetadata().getLabels().get("team"));
    assertEquals("true", loop.secret.getMetadata().getAnnotations().get("reloader.stakater.com/match"));
    assertEquals(hash, loop.secret.getMetadata().getAnnotations().get(ContentHash.ANNOTATION));
    assertEquals(secretValue, loop.delivered().clientSecret(), "a repair keeps the secret");
  }

  @Test
  void someoneElsesLabelOnTheDeliveredSecretIsLeftAlone() {
    CredentialLoop loop = issued(templated(Map.of("team", "payments"), null));
    loop.secret.getMetadata().getLabels().put("argocd.argoproj.io/instance", "vendor-apps");
    loop.secret.getMetadata().getAnnotations().put("backup.example.com/last", "2026-11-25");
    loop.reconcile(T0.plusSeconds(5));
    assertEquals(CredentialAction.NONE, loop.lastPlan.action());
    assertEquals("vendor-apps", loop.secret.getMetadata().getLabels().get("argocd.argoproj.io/instance"));
  }

  @Test
  void editedDataWithARecomputedHashIsStillRepaired() {
    CredentialLoop loop = issued(vendorListing("ledger", "vendor-ledger", "invoices.read"));
    loop.secret.getData().put(DeliveredContent.KEY_SCOPES,
        Base64.getEncoder().encodeToString("everything".getBytes(StandardCharsets.UTF_8)));
    loop.secret.getMetadata().getAnnotations().put(ContentHash.ANNOTATION, vendorsHash(loop.secret));
    loop.reconcile(T0.plusSeconds(5));
    assertEquals(CredentialAction.REPAIR, loop.lastPlan.action());
    assertEquals("invoices.read", loop.delivered().content().get(DeliveredContent.DATA + DeliveredContent.KEY_SCOPES));
  }
}
