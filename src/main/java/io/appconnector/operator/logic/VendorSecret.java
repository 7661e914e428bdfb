package io.appconnector.operator.logic;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the operator needs to know about a tenant's vendor-credential Secret: whether it exists, is
 * labelled for watching, and which keys hold a non-empty value. Never the values themselves.
 */
public record VendorSecret(boolean exists, boolean labelled, Set<String> keys) {
  public static final String LABEL = "appconnector.io/vendor-credentials";

  public static VendorSecret missing() {
    return new VendorSecret(false, false, Set.of());
  }

  public static VendorSecret of(Secret secret) {
    if (secret == null) {
      return missing();
    }
    Set<String> keys = new TreeSet<>();
    addNonEmpty(keys, secret.getData(), true);
    addNonEmpty(keys, secret.getStringData(), false);
    Map<String, String> labels = secret.getMetadata().getLabels();
    return new VendorSecret(true, labels != null && "true".equals(labels.get(LABEL)), keys);
  }

  private static void addNonEmpty(Set<String> keys, Map<String, String> data, boolean base64) {
    if (data == null) {
      return;
    }
    data.forEach((k, v) -> {
      if (v != null && !v.isBlank() && (!base64 || !new String(Base64.getMimeDecoder().decode(v)).isBlank())) {
        keys.add(k);
      }
    });
  }
}
