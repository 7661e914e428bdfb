package io.appconnector.operator.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the cache keeps of the labels and annotations others put on a delivered Secret: enough for a template, bounded. */
class DeliveredSecretOthersTest {
  static Secret withOthers(int count) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    labels.put(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED);
    annotations.put(DeliveryNames.ACTIVATION_UID, "uid-1");
    for (int i = 0; i < count; i++) {
      labels.put(String.format("example.com/l%03d", i), "v" + i);
      annotations.put(String.format("example.com/a%03d", i), "x".repeat(100));
    }
    annotations.put(LeanStore.LAST_APPLIED, "{\"a whole manifest\": true}");
    return new SecretBuilder().withNewMetadata().withNamespace("vendor").withName("s").withLabels(labels)
        .withAnnotations(annotations).endMetadata().build();
  }

  @Test
  void aTemplatesFewLabelsAndAnnotationsAreKept() {
    Secret lean = LeanStore.deliveredCopy(withOthers(3));
    assertEquals("v2", lean.getMetadata().getLabels().get("example.com/l002"));
    assertEquals("x".repeat(100), lean.getMetadata().getAnnotations().get("example.com/a002"));
    assertEquals(DeliveryNames.ROLE_DELIVERED, lean.getMetadata().getLabels().get(DeliveryNames.ROLE));
  }

  @Test
  void aVendorsThousandLabelsCostTheCacheNoMoreThanTheBound() {
    Secret lean = LeanStore.deliveredCopy(withOthers(1000));
    assertEquals(1 + LeanStore.MAX_OTHERS, lean.getMetadata().getLabels().size());
    assertEquals(1 + LeanStore.MAX_OTHERS, lean.getMetadata().getAnnotations().size());
    assertTrue(!lean.getMetadata().getAnnotations().containsKey(LeanStore.LAST_APPLIED));
  }
}
