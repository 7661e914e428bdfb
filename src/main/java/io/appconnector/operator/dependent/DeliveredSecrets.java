package io.appconnector.operator.dependent;

import static io.appconnector.operator.values.DeliveryNames.*;

import io.appconnector.operator.logic.DeliveredContent;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The credential Secret delivered into the vendor's namespace. Owner references cannot cross
 * namespaces, so these are found by the activation's UID and removed by the Activation's finalizer.
 * What a Secret says is always written whole from the activation's record ({@link DeliveredContent}).
 */
public class DeliveredSecrets {
  public static final String KEY_CLIENT_ID = DeliveredContent.KEY_CLIENT_ID;
  public static final String KEY_CLIENT_SECRET = DeliveredContent.KEY_CLIENT_SECRET;
  public static final String KEY_TENANT_ID = DeliveredContent.KEY_TENANT_ID;
  public static final String KEY_SCOPES = DeliveredContent.KEY_SCOPES;
  public static final String KEY_TOKEN_URL = DeliveredContent.KEY_TOKEN_URL;
  public static final String KEY_EXPIRES_AT = DeliveredContent.KEY_EXPIRES_AT;

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

  /** The Secret that says {@code content} and holds {@code clientSecret} (none when null: a secretless client). */
  public static Secret build(String namespace, String name, Map<String, String> content, String clientSecret) {
    return build(namespace, name, content, clientSecret, null);
  }

  /**
   * The Secret that says {@code content} and holds {@code clientSecret} and, during a rotation's
   * overlap, {@code previousClientSecret} (else null); annotated with the hash of its data.
   */
  public static Secret build(String namespace, String name, Map<String, String> content, String clientSecret,
      String previousClientSecret) {
    content = DeliveredContent.withContentHash(content, clientSecret, previousClientSecret);
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    Map<String, String> data = new LinkedHashMap<>();
    content.forEach((key, value) -> {
      if (key.startsWith(DeliveredContent.LABEL)) {
        labels.put(key.substring(DeliveredContent.LABEL.length()), value);
      } else if (key.startsWith(DeliveredContent.ANNOTATION)) {
        annotations.put(key.substring(DeliveredContent.ANNOTATION.length()), value);
      } else {
        // As data, not stringData: the object sent is the object stored, so its watch event is known.
        data.put(key.substring(DeliveredContent.DATA.length()), base64(value));
      }
    });
    if (clientSecret != null) {
      data.put(KEY_CLIENT_SECRET, base64(clientSecret));
    }
    if (previousClientSecret != null) {
      data.put(DeliveredContent.KEY_PREVIOUS_CLIENT_SECRET, base64(previousClientSecret));
    }
    return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
        .withAnnotations(annotations).endMetadata().withType("Opaque").withData(data).build();
  }

  /**
   * Creates the delivered Secret. When one with the same name already exists and carries this
   * activation's UID (a retry after a crash, a stale cache, or a copy someone edited), it is
   * replaced with what the record says; one that does not is left alone and reported.
   */
  public DeliveredCredentials deliver(String activationUid, Secret desired) {
    String where = desired.getMetadata().getNamespace() + "/" + desired.getMetadata().getName();
    Secret created;
    try {
      created = CreateOrAdopt.createUnlessExists(
          () -> ownWrites.write(desired, () -> client.secrets().resource(desired).create()));
    } catch (KubernetesClientException e) {
      throw new KubernetesClientException("creating the delivered Secret " + where + " failed: HTTP " + e.getCode(),
          e.getCode(), null);
    }
    if (created != null) {
      return DeliveredCredentials.read(created);
    }
    Secret existing = client.secrets().inNamespace(desired.getMetadata().getNamespace())
        .withName(desired.getMetadata().getName()).get();
    if (existing == null || existing.getMetadata().getAnnotations() == null
        || !activationUid.equals(existing.getMetadata().getAnnotations().get(ACTIVATION_UID))) {
      throw new PlanExecutor.DeliveryConflictException("a Secret named " + where
          + " exists that the operator did not deliver for this activation; delete it so credentials can be delivered");
    }
    return replace(existing, desired);
  }

  /** Writes {@code desired} over an existing delivered Secret (optimistic locking on its resourceVersion). */
  public DeliveredCredentials replace(Secret existing, Secret desired) {
    Secret update = new SecretBuilder(desired).editMetadata()
        .withResourceVersion(existing.getMetadata().getResourceVersion()).endMetadata().build();
    return DeliveredCredentials.read(ownWrites.write(update, () -> client.secrets().resource(update).update()));
  }

  /** The Secret at a delivered location as the API server has it now, or null. */
  public Secret current(DeliveredCredentials delivered) {
    return client.secrets().inNamespace(delivered.namespace()).withName(delivered.name()).get();
  }

  /** Deletes a delivered Secret, but only one this activation's UID is written on. */
  public void delete(String activationUid, DeliveredCredentials delivered) {
    if (delivered == null || !activationUid.equals(delivered.activationUid())) {
      return;
    }
    Secret target = new SecretBuilder().withNewMetadata().withNamespace(delivered.namespace())
        .withName(delivered.name()).endMetadata().build();
    ownWrites.delete(target, () -> client.resource(target).delete());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
