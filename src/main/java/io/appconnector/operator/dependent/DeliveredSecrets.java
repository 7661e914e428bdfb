package io.appconnector.operator.dependent;

import static io.appconnector.operator.logic.DeliveryNames.*;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.credentials.ClientCredentials;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.logic.DeliveryNames;
import io.appconnector.operator.status.Times;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The credential Secret delivered into the vendor's namespace. Owner references cannot cross
 * namespaces, so these are found by name and labels and removed by the Activation's finalizer.
 */
public class DeliveredSecrets {
  public static final String KEY_CLIENT_ID = "clientId";
  public static final String KEY_CLIENT_SECRET = "clientSecret";
  public static final String KEY_TENANT_ID = "tenantId";
  public static final String KEY_SCOPES = "scopes";
  public static final String KEY_TOKEN_URL = "tokenUrl";
  public static final String KEY_EXPIRES_AT = "expiresAt";

  private final KubernetesClient client;
  private final OwnWrites ownWrites;

  public DeliveredSecrets(KubernetesClient client) {
    this(client, new OwnWrites());
  }

  /** Delivered Secrets whose writes are noted in {@code ownWrites}, so their watch events cost no reconcile. */
  public DeliveredSecrets(KubernetesClient client, OwnWrites ownWrites) {
    this.client = client;
    this.ownWrites = ownWrites;
  }

  /**
   * Creates the delivered Secret. When one with the same name already exists (a retry after a crash,
   * or a stale cache) nothing is overwritten: the existing one is read back and returned.
   */
  public DeliveredCredentials create(Activation activation, String namespace, ClientCredentials credentials,
      List<String> scopes, String tokenUrl, long revision, Instant issuedAt, Instant expiresAt) {
    Secret secret = new SecretBuilder()
        .withNewMetadata().withNamespace(namespace).withName(DeliveryNames.secretName(activation))
        .addToLabels(MANAGED_BY, OPERATOR).addToLabels(ROLE, ROLE_DELIVERED)
        .addToLabels(TENANT, activation.getMetadata().getNamespace())
        .addToLabels(LISTING, labelValue(activation.getSpec().listing))
        .addToLabels(ACTIVATION, labelValue(activation.getMetadata().getName()))
        .addToAnnotations(ACTIVATION_UID, activation.getMetadata().getUid())
        .addToAnnotations(ACTIVATION_REF, activation.getMetadata().getNamespace() + "/" + activation.getMetadata().getName())
        .addToAnnotations(REVISION, Long.toString(revision))
        .addToAnnotations(CLIENT_ID, credentials.clientId())
        .addToAnnotations(ISSUED_AT, Times.formatPrecise(issuedAt))
        .addToAnnotations(EXPIRES_AT, expiresAt == null ? "" : Times.formatPrecise(expiresAt))
        .endMetadata()
        .withType("Opaque")
        // As data, not stringData: the object sent is the object stored, so its watch event is known.
        .addToData(KEY_CLIENT_ID, base64(credentials.clientId()))
        .addToData(KEY_CLIENT_SECRET, base64(credentials.clientSecret()))
        .addToData(KEY_TENANT_ID, base64(activation.getMetadata().getNamespace()))
        .addToData(KEY_SCOPES, base64(String.join(" ", scopes)))
        .addToData(KEY_TOKEN_URL, base64(tokenUrl))
        .addToData(KEY_EXPIRES_AT, base64(expiresAt == null ? "" : Times.formatPrecise(expiresAt)))
        .build();
    try {
      return read(ownWrites.write(secret, () -> client.secrets().resource(secret).create()));
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw new KubernetesClientException("creating the delivered Secret " + namespace + "/"
            + secret.getMetadata().getName() + " failed: HTTP " + e.getCode(), e.getCode(), null);
      }
      Secret existing = client.secrets().inNamespace(namespace).withName(secret.getMetadata().getName()).get();
      return existing == null ? null : read(existing);
    }
  }

  /** Replaces the scopes shown to the vendor when the tenant changed what it grants. */
  public void updateScopes(DeliveredCredentials delivered, List<String> scopes) {
    client.secrets().inNamespace(delivered.namespace()).withName(delivered.name())
        .edit(s -> new SecretBuilder(s).addToData(KEY_SCOPES, base64(String.join(" ", scopes))).build());
  }

  /** Deletes a delivered Secret, but only the one this activation's UID is written on. */
  public void delete(Activation activation, DeliveredCredentials delivered) {
    if (delivered == null || !activation.getMetadata().getUid().equals(delivered.activationUid())) {
      return;
    }
    Secret target = new SecretBuilder().withNewMetadata().withNamespace(delivered.namespace())
        .withName(delivered.name()).endMetadata().build();
    ownWrites.delete(target, () -> client.resource(target).delete());
  }

  /** The delivered credentials a Secret holds, or null when it is not one the operator delivered. */
  public static DeliveredCredentials read(Secret secret) {
    if (secret == null || secret.getMetadata().getLabels() == null
        || !ROLE_DELIVERED.equals(secret.getMetadata().getLabels().get(ROLE))) {
      return null;
    }
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    if (annotations == null || annotations.get(ACTIVATION_UID) == null) {
      return null;
    }
    String clientId = value(secret, KEY_CLIENT_ID);
    String clientSecret = value(secret, KEY_CLIENT_SECRET);
    String scopes = value(secret, KEY_SCOPES);
    long revision;
    try {
      revision = Long.parseLong(annotations.getOrDefault(REVISION, "-1"));
    } catch (NumberFormatException e) {
      revision = -1;
    }
    Instant issuedAt;
    Instant expiresAt;
    try {
      issuedAt = Times.parse(annotations.get(ISSUED_AT));
      expiresAt = Times.parse(annotations.get(EXPIRES_AT));
    } catch (RuntimeException e) {
      return null;
    }
    if (clientId == null || clientSecret == null || issuedAt == null || !clientId.equals(annotations.get(CLIENT_ID))) {
      return null;
    }
    return new DeliveredCredentials(secret.getMetadata().getNamespace(), secret.getMetadata().getName(),
        annotations.get(ACTIVATION_UID), revision, clientId, clientSecret, issuedAt, expiresAt,
        scopes == null || scopes.isBlank() ? List.of() : Arrays.asList(scopes.trim().split("\\s+")));
  }

  private static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      try {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    // An API server turns stringData into data; only a test double returns stringData.
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }


  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
