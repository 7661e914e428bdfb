package io.appconnector.operator.reconciler;

import io.appconnector.operator.dependent.DeliveredSecrets;
import io.appconnector.operator.logic.DeliveryNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An informer store that keeps only what the operator reads. Every object loses
 * {@code metadata.managedFields} (a quarter of an Activation's JSON, and dozens of nested maps once
 * deserialized), which the operator never reads and which an update that omits them leaves as they
 * are on the server. A delivered Secret is kept as a copy with only the labels, annotations and keys
 * {@link DeliveredSecrets#read} and the event mappings use; the event handlers still see the whole
 * object as it arrived.
 */
public final class LeanStore<T extends HasMetadata> implements ItemStore<T> {
  private static final List<String> DELIVERED_ANNOTATIONS = List.of(DeliveryNames.ACTIVATION_UID,
      DeliveryNames.ACTIVATION_REF, DeliveryNames.REVISION, DeliveryNames.CLIENT_ID, DeliveryNames.ISSUED_AT,
      DeliveryNames.EXPIRES_AT);
  private static final List<String> DELIVERED_KEYS = List.of(DeliveredSecrets.KEY_CLIENT_ID,
      DeliveredSecrets.KEY_CLIENT_SECRET, DeliveredSecrets.KEY_SCOPES);

  private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final UnaryOperator<T> lean;

  private LeanStore(UnaryOperator<T> lean) {
    this.lean = lean;
  }

  /** Objects as they are, less their managedFields. */
  public static <T extends HasMetadata> LeanStore<T> withoutManagedFields() {
    return new LeanStore<>(object -> {
      object.getMetadata().setManagedFields(null);
      return object;
    });
  }

  /** Delivered Secrets reduced to what identifies them and the credentials they hold. */
  public static LeanStore<Secret> deliveredSecrets() {
    return new LeanStore<>(LeanStore::deliveredCopy);
  }

  static Secret deliveredCopy(Secret secret) {
    ObjectMeta from = secret.getMetadata();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(from.getName());
    meta.setNamespace(from.getNamespace());
    meta.setUid(from.getUid());
    meta.setResourceVersion(from.getResourceVersion());
    meta.setDeletionTimestamp(from.getDeletionTimestamp());
    meta.setManagedFields(null);
    meta.setOwnerReferences(null);
    meta.setLabels(only(from.getLabels(), List.of(DeliveryNames.ROLE)));
    meta.setAnnotations(only(from.getAnnotations(), DELIVERED_ANNOTATIONS));
    Secret copy = new Secret();
    copy.setMetadata(meta);
    copy.setType(secret.getType());
    copy.setData(only(secret.getData(), DELIVERED_KEYS));
    copy.setStringData(only(secret.getStringData(), DELIVERED_KEYS));
    return copy;
  }

  private static Map<String, String> only(Map<String, String> from, List<String> keys) {
    if (from == null) {
      return null;
    }
    Map<String, String> kept = new LinkedHashMap<>(keys.size() * 2);
    for (String key : keys) {
      String value = from.get(key);
      if (value != null) {
        kept.put(key, value);
      }
    }
    return kept;
  }

  @Override
  public String getKey(T object) {
    return store.getKey(object);
  }

  @Override
  public T put(String key, T object) {
    return store.put(key, lean.apply(object));
  }

  @Override
  public T remove(String key) {
    return store.remove(key);
  }

  @Override
  public java.util.stream.Stream<String> keySet() {
    return store.keySet();
  }

  @Override
  public java.util.stream.Stream<T> values() {
    return store.values();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public T get(String key) {
    return store.get(key);
  }
}
