package io.appconnector.operator.logic;

import io.appconnector.operator.values.DeliveryNames;
import static io.appconnector.operator.values.DeliveryNames.ACTIVATION_UID;
import static io.appconnector.operator.values.DeliveryNames.EXPIRES_AT;
import static io.appconnector.operator.values.DeliveryNames.ISSUED_AT;
import static io.appconnector.operator.values.DeliveryNames.REVISION;
import static io.appconnector.operator.values.DeliveryNames.ROLE;
import static io.appconnector.operator.values.DeliveryNames.ROLE_DELIVERED;

import io.appconnector.operator.values.NamespacedName;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A delivered credential Secret as read back from the vendor's namespace: which activation and
 * revision it belongs to, its secret, and everything else it says ({@link DeliveredContent}), any of
 * which a vendor may have edited, and during a rotation's overlap the previous secret. Fields that do
 * not parse are null (revision -1). {@link #toString()} never shows the secret.
 */
public record DeliveredCredentials(String namespace, String name, String activationUid, long revision,
    String clientId, String clientSecret, Instant issuedAt, Instant expiresAt, List<String> scopes,
    Map<String, String> content, String previousClientSecret) {

  /** A Secret outside a rotation's overlap (no previous secret). */
  public DeliveredCredentials(String namespace, String name, String activationUid, long revision, String clientId,
      String clientSecret, Instant issuedAt, Instant expiresAt, List<String> scopes, Map<String, String> content) {
    this(namespace, name, activationUid, revision, clientId, clientSecret, issuedAt, expiresAt, scopes, content, null);
  }

  public DeliveredCredentials(String namespace, String name, String activationUid, long revision, String clientId,
      String clientSecret, Instant issuedAt, Instant expiresAt, List<String> scopes) {
    this(namespace, name, activationUid, revision, clientId, clientSecret, issuedAt, expiresAt, scopes, Map.of());
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
      if (!k.equals(DeliveryNames.LAST_APPLIED) && !DeliveredContent.operatorOwned(DeliveredContent.ANNOTATION + k)) {
        content.putIfAbsent(DeliveredContent.ANNOTATION + k, v);
      }
    });
    for (String key : DeliveredContent.DATA_KEYS) {
      putIfPresent(content, DeliveredContent.DATA + key, value(secret, key));
    }
    String scopes = value(secret, DeliveredContent.KEY_SCOPES);
    long revision;
    try {
      revision = Long.parseLong(annotations.getOrDefault(REVISION, "-1"));
    } catch (NumberFormatException e) {
      revision = -1;
    }
    return new DeliveredCredentials(meta.getNamespace(), meta.getName(), annotations.get(ACTIVATION_UID), revision,
        value(secret, DeliveredContent.KEY_CLIENT_ID), value(secret, DeliveredContent.KEY_CLIENT_SECRET), time(annotations.get(ISSUED_AT)),
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

  public String location() {
    return new NamespacedName(namespace, name).toString();
  }

  @Override
  public String toString() {
    return "DeliveredCredentials[" + location() + ", revision=" + revision + ", clientId=" + clientId + "]";
  }
}
