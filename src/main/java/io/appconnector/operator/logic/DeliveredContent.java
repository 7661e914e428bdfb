package io.appconnector.operator.logic;

import static io.appconnector.operator.values.DeliveryNames.*;

import io.appconnector.operator.values.NamespacedName;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.SecretTemplate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a delivered Secret says apart from the secret itself, as one flat map
 * ({@code label:<key>}, {@code annotation:<key>}, {@code data:<key>}), derived from the activation's
 * record alone. The operator writes exactly this, and a Secret that says anything else in these keys
 * is repaired from the record: the record is the truth, the Secret only a copy.
 */
public final class DeliveredContent {
  public static final String LABEL = "label:";
  public static final String ANNOTATION = "annotation:";
  public static final String DATA = "data:";

  public static final String KEY_CLIENT_ID = "clientId";
  public static final String KEY_CLIENT_SECRET = "clientSecret";
  public static final String KEY_TENANT_ID = "tenantId";
  public static final String KEY_SCOPES = "scopes";
  public static final String KEY_TOKEN_URL = "tokenUrl";
  public static final String KEY_EXPIRES_AT = "expiresAt";
  /** During a rotation's overlap: the secret the current one replaced, still accepted until it retires. */
  public static final String KEY_PREVIOUS_CLIENT_SECRET = "previousClientSecret";
  /** Annotation during a rotation's overlap: when the previous secret stops being accepted at the latest. */
  public static final String PREVIOUS_RETIRES_AT = "appconnector.io/previous-secret-retires-at";
  /** Only in the Secrets of secretless clients: ServiceAccountToken or PrivateKeyJWT, how to authenticate. */
  public static final String KEY_CLIENT_AUTHENTICATION = "clientAuthentication";

  /** The labels, annotations and data keys the operator writes (the secret aside), and so compares. */
  public static final List<String> LABELS = List.of(MANAGED_BY, ROLE, TENANT, LISTING, ACTIVATION);
  public static final List<String> ANNOTATIONS = List.of(ACTIVATION_UID, ACTIVATION_REF, REVISION, CLIENT_ID,
      ISSUED_AT, EXPIRES_AT, ContentHash.ANNOTATION, PREVIOUS_RETIRES_AT);
  public static final List<String> DATA_KEYS = List.of(KEY_CLIENT_ID, KEY_TENANT_ID, KEY_SCOPES, KEY_TOKEN_URL,
      KEY_EXPIRES_AT, KEY_CLIENT_AUTHENTICATION);

  private DeliveredContent() {
  }

  /**
   * What the Secret delivered for this record must say. {@code tokenUrl} null leaves the token URL
   * out of the comparison (a caller that does not know the operator's setting).
   */
  public static Map<String, String> expected(Activation activation, Credential record, String tokenUrl) {
    return expected(activation, record, tokenUrl, null);
  }

  /**
   * As above, with the listing's {@code secretTemplate} (null: none): its labels and annotations are
   * added, never in place of the operator's own keys.
   */
  public static Map<String, String> expected(Activation activation, Credential record, String tokenUrl,
      SecretTemplate template) {
    Map<String, String> content = new LinkedHashMap<>();
    if (template != null) {
      if (template.labels != null) {
        new java.util.TreeMap<>(template.labels).forEach((k, v) -> content.put(LABEL + k, v == null ? "" : v));
      }
      if (template.annotations != null) {
        new java.util.TreeMap<>(template.annotations).forEach((k, v) -> content.put(ANNOTATION + k, v == null ? "" : v));
      }
      content.keySet().removeIf(DeliveredContent::operatorOwned);
    }
    content.putAll(own(activation, record, tokenUrl));
    return content;
  }

  /**
   * {@code expected} with the content hash a Secret holding these secrets carries (the previous
   * secret only during a rotation's overlap, else null).
   */
  public static Map<String, String> withContentHash(Map<String, String> expected, String clientSecret,
      String previousClientSecret) {
    Map<String, String> data = new LinkedHashMap<>();
    expected.forEach((k, v) -> {
      if (k.startsWith(DATA)) {
        data.put(k.substring(DATA.length()), v);
      }
    });
    if (clientSecret != null) {
      data.put(KEY_CLIENT_SECRET, clientSecret);
    }
    if (previousClientSecret != null) {
      data.put(KEY_PREVIOUS_CLIENT_SECRET, previousClientSecret);
    }
    Map<String, String> hashed = new LinkedHashMap<>(expected);
    hashed.put(ANNOTATION + ContentHash.ANNOTATION, ContentHash.of(data));
    return hashed;
  }

  /** Whether a content key is one the operator writes itself (a template cannot set those). */
  public static boolean operatorOwned(String key) {
    String name = key.substring(key.indexOf(':') + 1);
    return key.startsWith(DATA) || name.startsWith("appconnector.io/") || name.equals(MANAGED_BY);
  }

  private static Map<String, String> own(Activation activation, Credential record, String tokenUrl) {
    String tenant = activation.getMetadata().getNamespace();
    String expiresAt = record.expiresAt == null ? "" : record.expiresAt;
    String scopes = String.join(" ", record.grantedScopes == null ? List.of() : record.grantedScopes);
    Map<String, String> content = new LinkedHashMap<>();
    content.put(LABEL + MANAGED_BY, OPERATOR);
    content.put(LABEL + ROLE, ROLE_DELIVERED);
    content.put(LABEL + TENANT, tenant);
    content.put(LABEL + LISTING, labelValue(activation.getSpec().listing));
    content.put(LABEL + ACTIVATION, labelValue(activation.getMetadata().getName()));
    content.put(ANNOTATION + ACTIVATION_UID, activation.getMetadata().getUid());
    content.put(ANNOTATION + ACTIVATION_REF, NamespacedName.ref(activation));
    content.put(ANNOTATION + REVISION, Long.toString(record.revision == null ? 0 : record.revision));
    content.put(ANNOTATION + CLIENT_ID, record.clientId);
    content.put(ANNOTATION + ISSUED_AT, record.issuedAt == null ? "" : record.issuedAt);
    content.put(ANNOTATION + EXPIRES_AT, expiresAt);
    content.put(DATA + KEY_CLIENT_ID, record.clientId);
    content.put(DATA + KEY_TENANT_ID, tenant);
    content.put(DATA + KEY_SCOPES, scopes);
    if (tokenUrl != null) {
      content.put(DATA + KEY_TOKEN_URL, tokenUrl);
    }
    content.put(DATA + KEY_EXPIRES_AT, expiresAt);
    if (record.previousSecret != null) {
      content.put(ANNOTATION + PREVIOUS_RETIRES_AT, record.previousSecret.retiresAt == null ? ""
          : record.previousSecret.retiresAt);
    }
    if (LiveCredential.secretless(record)) {
      content.put(DATA + KEY_CLIENT_AUTHENTICATION, LiveCredential.method(record).name());
    }
    return content;
  }

  /** Whether what a Secret says agrees with what is expected (the token URL only when expected names it). */
  public static boolean agrees(Map<String, String> expected, Map<String, String> actual) {
    for (Map.Entry<String, String> e : expected.entrySet()) {
      if (!e.getValue().equals(actual.get(e.getKey()))) {
        return false;
      }
    }
    for (String key : actual.keySet()) {
      if (!expected.containsKey(key) && !ignoredWhenUnexpected(key)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Keys a Secret may say that nobody expects: the token URL and the content hash when the caller
   * does not know them, and labels and annotations that are neither the operator's nor the
   * listing's template's (someone else's, left alone).
   */
  private static boolean ignoredWhenUnexpected(String key) {
    return key.equals(DATA + KEY_TOKEN_URL) || key.equals(ANNOTATION + ContentHash.ANNOTATION)
        || (!key.startsWith(DATA) && !operatorOwned(key));
  }

  /** The keys in which a Secret disagrees with what is expected, for the Event that says what was repaired. */
  public static List<String> differences(Map<String, String> expected, Map<String, String> actual) {
    java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    return keys.stream().filter(k -> !java.util.Objects.equals(expected.get(k), actual.get(k)))
        .filter(k -> expected.containsKey(k) || !ignoredWhenUnexpected(k)).toList();
  }
}
