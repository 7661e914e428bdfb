package io.appconnector.operator.values;

import io.appconnector.operator.api.v1alpha1.Activation;

/**
 * Names, labels and annotations of what the operator writes. Delivered Secrets have a name derived
 * from the tenant and the activation, so a retry can never create a second one.
 */
public final class DeliveryNames {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "appconnector-operator";
  public static final String ROLE = "appconnector.io/role";
  public static final String ROLE_DELIVERED = "delivered-credentials";
  public static final String ROLE_FEE_RECORD = "fee-change";
  public static final String TENANT = "appconnector.io/tenant";
  public static final String LISTING = "appconnector.io/listing";
  public static final String ACTIVATION = "appconnector.io/activation";
  public static final String ACTIVATION_UID = "appconnector.io/activation-uid";
  /** Annotation on delivered Secrets: the Activation they belong to, as namespace/name. */
  public static final String ACTIVATION_REF = "appconnector.io/activation-ref";
  public static final String REVISION = "appconnector.io/revision";
  public static final String CLIENT_ID = "appconnector.io/client-id";
  public static final String ISSUED_AT = "appconnector.io/issued-at";
  public static final String EXPIRES_AT = "appconnector.io/expires-at";
  /** kubectl's copy of what was applied: dropped from cached copies and from the writes the operator remembers. */
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  /** Label selector of every Secret the operator delivers. */
  public static final String DELIVERED_SELECTOR = MANAGED_BY + "=" + OPERATOR + "," + ROLE + "=" + ROLE_DELIVERED;

  private DeliveryNames() {
  }

  /**
   * {@code appconnector.<tenant>.<activation>}: injective, because a namespace (a DNS label) has no
   * dot, so the first dot after the prefix ends the tenant. Past 253 characters it is shortened with
   * a hash of the whole name.
   */
  public static String secretName(Activation activation) {
    return secretName(activation.getMetadata().getNamespace(), activation.getMetadata().getName());
  }

  public static String secretName(String tenant, String activation) {
    return boundedName("appconnector." + tenant + "." + activation, 253);
  }

  /**
   * The name delivered Secrets had before: {@code appconnector-<tenant>-<activation>}, which two
   * activations can share. Such a Secret is still found by the activation's UID and kept while it
   * matches the activation's record; a new delivery uses {@link #secretName}.
   */
  public static String legacySecretName(Activation activation) {
    return boundedName("appconnector-" + activation.getMetadata().getNamespace() + "-" + activation.getMetadata().getName(), 253);
  }

  /** A label value (at most 63 characters), shortened with a hash when longer. */
  public static String labelValue(String value) {
    return boundedName(value, 63);
  }

  /** The name itself when it fits, else shortened with a hash of the whole so it stays unique. */
  public static String boundedName(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    String hash = Sha256.hex(name).substring(0, 10);
    String head = name.substring(0, max - hash.length() - 1);
    while (head.endsWith("-") || head.endsWith(".")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash;
  }

}
