package io.appconnector.operator.dependent;

import static io.appconnector.operator.logic.DeliveryNames.*;

import io.appconnector.operator.logic.DeliveredContent;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.status.Times;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
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

  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

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

  /** The Secret that says {@code content} and holds {@code clientSecret}. */
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
    data.put(KEY_CLIENT_SECRET, base64(clientSecret));
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
    try {
      return read(ownWrites.write(desired, () -> client.secrets().resource(desired).create()));
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw new KubernetesClientException("creating the delivered Secret " + where + " failed: HTTP " + e.getCode(),
            e.getCode(), null);
      }
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
    return read(ownWrites.write(update, () -> client.secrets().resource(update).update()));
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

  /**
   * What a Secret the operator delivered says, or null when it is not labelled as one or names no
   * activation. Edited fields are read as they are (null when they do not parse), so an edited Secret
   * is still recognised, and repaired.
   */
  public static DeliveredCredentials read(Secret secret) {
    if (secret == null || secret.getMetadata().getLabels() == null
        || !ROLE_DELIVERED.equals(secret.getMetadata().getLabels().get(ROLE))) {
      return null;
    }
    ObjectMeta meta = secret.getMetadata();
    Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    if (annotations.get(ACTIVATION_UID) == null) {
      return null;
    }
    Map<String, String> content = new LinkedHashMap<>();
    for (String key : DeliveredContent.LABELS) {
      putIfPresent(content, DeliveredContent.LABEL + key, meta.getLabels().get(key));
    }
    for (String key : DeliveredContent.ANNOTATIONS) {
      putIfPresent(content, DeliveredContent.ANNOTATION + key, annotations.get(key));
    }
    // Everyone else's labels and annotations too: a listing's secretTemplate is compared on them.
    new java.util.TreeMap<>(meta.getLabels()).forEach((k, v) -> {
      if (!DeliveredContent.operatorOwned(DeliveredContent.LABEL + k)) {
        content.putIfAbsent(DeliveredContent.LABEL + k, v);
      }
    });
    new java.util.TreeMap<>(annotations).forEach((k, v) -> {
      if (!k.equals(LAST_APPLIED) && !DeliveredContent.operatorOwned(DeliveredContent.ANNOTATION + k)) {
        content.putIfAbsent(DeliveredContent.ANNOTATION + k, v);
      }
    });
    for (String key : DeliveredContent.DATA_KEYS) {
      putIfPresent(content, DeliveredContent.DATA + key, value(secret, key));
    }
    String scopes = value(secret, KEY_SCOPES);
    long revision;
    try {
      revision = Long.parseLong(annotations.getOrDefault(REVISION, "-1"));
    } catch (NumberFormatException e) {
      revision = -1;
    }
    return new DeliveredCredentials(meta.getNamespace(), meta.getName(), annotations.get(ACTIVATION_UID), revision,
        value(secret, KEY_CLIENT_ID), value(secret, KEY_CLIENT_SECRET), time(annotations.get(ISSUED_AT)),
        time(annotations.get(EXPIRES_AT)),
        scopes == null || scopes.isBlank() ? List.of() : Arrays.asList(scopes.trim().split("\\s+")), content,
        value(secret, DeliveredContent.KEY_PREVIOUS_CLIENT_SECRET));
  }

  private static void putIfPresent(Map<String, String> content, String key, String value) {
    if (value != null) {
      content.put(key, value);
    }
  }

  private static Instant time(String text) {
    try {
      return Times.parse(text);
    } catch (RuntimeException e) {
      return null;
    }
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
