package io.appconnector.operator.logic;

import static io.appconnector.operator.values.DeliveryNames.*;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
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
  /** Only in the Secrets of secretless clients: ServiceAccountToken or PrivateKeyJWT, how to authenticate. */
  public static final String KEY_CLIENT_AUTHENTICATION = "clientAuthentication";

  /** The labels, annotations and data keys the operator writes (the secret aside), and so compares. */
  public static final List<String> LABELS = List.of(MANAGED_BY, ROLE, TENANT, LISTING, ACTIVATION);
  public static final List<String> ANNOTATIONS = List.of(ACTIVATION_UID, ACTIVATION_REF, REVISION, CLIENT_ID,
      ISSUED_AT, EXPIRES_AT);
  public static final List<String> DATA_KEYS = List.of(KEY_CLIENT_ID, KEY_TENANT_ID, KEY_SCOPES, KEY_TOKEN_URL,
      KEY_EXPIRES_AT, KEY_CLIENT_AUTHENTICATION);

  private DeliveredContent() {
  }

  /**
   * What the Secret delivered for this record must say. {@code tokenUrl} null leaves the token URL
   * out of the comparison (a caller that does not know the operator's setting).
   */
  public static Map<String, String> expected(Activation activation, Credential record, String tokenUrl) {
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
    content.put(ANNOTATION + ACTIVATION_REF, tenant + "/" + activation.getMetadata().getName());
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
      if (!expected.containsKey(key) && !key.equals(DATA + KEY_TOKEN_URL)) {
        return false;
      }
    }
    return true;
  }

  /** The keys in which a Secret disagrees with what is expected, for the Event that says what was repaired. */
  public static List<String> differences(Map<String, String> expected, Map<String, String> actual) {
    java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    return keys.stream().filter(k -> !java.util.Objects.equals(expected.get(k), actual.get(k)))
        .filter(k -> expected.containsKey(k) || !k.equals(DATA + KEY_TOKEN_URL)).toList();
  }
}
