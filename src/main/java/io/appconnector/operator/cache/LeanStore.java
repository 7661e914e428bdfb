package io.appconnector.operator.cache;

import io.appconnector.operator.logic.DeliveredContent;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.fabric8.kubernetes.api.model.Condition;
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
 * deserialized) and kubectl's last-applied-configuration annotation (a copy of the whole manifest),
 * which the operator never reads: its writes are status updates and patches, which leave both as
 * they are on the server. Strings that repeat across objects (namespaces, label values, condition
 * types, reasons and messages, scopes) are shared instead of kept once per object. A delivered
 * Secret is kept as a copy with only the labels, annotations and keys {@link io.appconnector.operator.logic.DeliveredCredentials#read}
 * and the event mappings use; the event handlers still see the whole object as it arrived.
 */
public final class LeanStore<T extends HasMetadata> implements ItemStore<T> {
  private static final List<String> DELIVERED_KEYS;

  static {
    List<String> keys = new java.util.ArrayList<>(DeliveredContent.DATA_KEYS);
    keys.add(DeliveredContent.KEY_CLIENT_SECRET);
    keys.add(DeliveredContent.KEY_PREVIOUS_CLIENT_SECRET);
    DELIVERED_KEYS = List.copyOf(keys);
  }

  /**
   * The longest value kept of a delivered Secret's label, annotation or key: the operator writes at
   * most about 3 KB (32 scopes of 64 characters, base64). A longer one is someone else's edit; it is
   * kept as a value that matches nothing, so the Secret is repaired, and a Secret of 1 MB costs the
   * cache no more than one of 1 KB.
   */
  static final int MAX_VALUE = 8192;
  static final String TOO_LONG = "!too-long";

  /**
   * Informers list in pages of this many objects, so filling a cache of ten thousand never holds the
   * whole list response and all its objects, managedFields included, at once.
   */
  public static final long LIST_PAGE = 500;

  private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final UnaryOperator<T> lean;

  private LeanStore(UnaryOperator<T> lean) {
    this.lean = lean;
  }

  /** Objects as they are, less what no reader needs (managedFields, last-applied-configuration). */
  public static <T extends HasMetadata> LeanStore<T> withoutManagedFields() {
    return new LeanStore<>(object -> {
      leanMetadata(object.getMetadata());
      return object;
    });
  }

  /** Activations without what no reader needs, their repeated strings shared. */
  public static LeanStore<Activation> activations() {
    return new LeanStore<>(LeanStore::leanActivation);
  }

  /** The annotation {@code kubectl apply} keeps a copy of the whole manifest in. */
  public static final String LAST_APPLIED = DeliveryNames.LAST_APPLIED;

  static void leanMetadata(ObjectMeta meta) {
    meta.setManagedFields(null);
    if (meta.getAnnotations() != null) {
      meta.getAnnotations().remove(LAST_APPLIED);
    }
    if (meta.getAdditionalProperties() != null && meta.getAdditionalProperties().isEmpty()) {
      meta.setAdditionalProperties(null);
    }
    meta.setNamespace(shared(meta.getNamespace()));
    if (meta.getLabels() != null) {
      meta.getLabels().replaceAll((key, value) -> shared(value));
    }
    if (meta.getFinalizers() != null) {
      meta.getFinalizers().replaceAll(LeanStore::shared);
    }
  }

  static Activation leanActivation(Activation activation) {
    leanMetadata(activation.getMetadata());
    ActivationSpec spec = activation.getSpec();
    if (spec != null) {
      spec.listing = shared(spec.listing);
      if (spec.consent != null && spec.consent.dataAccess != null) {
        spec.consent.dataAccess.replaceAll(LeanStore::shared);
      }
      if (spec.scopes != null) {
        shareAll(spec.scopes.allowed);
        shareAll(spec.scopes.declined);
      }
    }
    ActivationStatus status = activation.getStatus();
    if (status != null) {
      status.message = shared(status.message);
      if (status.conditions != null) {
        for (Condition c : status.conditions) {
          c.setType(shared(c.getType()));
          c.setStatus(shared(c.getStatus()));
          c.setReason(shared(c.getReason()));
          c.setMessage(shared(c.getMessage()));
          c.setLastTransitionTime(shared(c.getLastTransitionTime()));
          if (c.getAdditionalProperties() != null && c.getAdditionalProperties().isEmpty()) {
            c.setAdditionalProperties(null);
          }
        }
      }
      if (status.credential != null) {
        shareAll(status.credential.grantedScopes);
      }
      if (status.billing != null) {
        status.billing.effectiveFrom = shared(status.billing.effectiveFrom);
      }
    }
    return activation;
  }

  private static void shareAll(List<String> values) {
    if (values != null) {
      values.replaceAll(LeanStore::shared);
    }
  }

  /** One instance per distinct value (the JVM's string table holds them weakly). */
  private static String shared(String value) {
    return value == null ? null : value.intern();
  }

  /**
   * Secrets listed in pages of this many: a Secret can hold up to about 1.5 MB, so a page of them
   * holds at most some 30 MB while the cache is filled, whatever tenants create.
   */
  public static final long SECRET_LIST_PAGE = 20;

  /** Base64 of "set": what a non-empty value of a tenant's vendor-credential Secret is kept as. */
  static final String SET = "c2V0";

  /**
   * Tenants' vendor-credential Secrets reduced to their name, labels and key names: a value is kept
   * only as "set" or empty, so a Secret of 1 MB costs the cache what one of ten bytes does, and no
   * vendor credential is ever held in the operator's memory.
   */
  public static LeanStore<Secret> keyNamesOnly() {
    return new LeanStore<>(LeanStore::keyNamesCopy);
  }

  static Secret keyNamesCopy(Secret secret) {
    ObjectMeta from = secret.getMetadata();
    ObjectMeta meta = identity(from);
    meta.setLabels(from.getLabels() == null || from.getLabels().get(io.appconnector.operator.logic.VendorSecret.LABEL) == null
        ? null : Map.of(io.appconnector.operator.logic.VendorSecret.LABEL,
            shared(from.getLabels().get(io.appconnector.operator.logic.VendorSecret.LABEL))));
    Secret copy = new Secret();
    copy.setMetadata(meta);
    copy.setData(markSet(secret.getData(), true));
    copy.setStringData(markSet(secret.getStringData(), false));
    return copy;
  }

  /** A new ObjectMeta with only what identifies the object: name, namespace, UID and resourceVersion. */
  private static ObjectMeta identity(ObjectMeta from) {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(from.getName());
    meta.setNamespace(shared(from.getNamespace()));
    meta.setUid(from.getUid());
    meta.setResourceVersion(from.getResourceVersion());
    return meta;
  }

  private static Map<String, String> markSet(Map<String, String> from, boolean base64) {
    if (from == null) {
      return null;
    }
    Map<String, String> kept = new LinkedHashMap<>();
    from.forEach((key, value) -> kept.put(shared(key), nonEmpty(value, base64) ? (base64 ? SET : "set") : ""));
    return Map.copyOf(kept);
  }

  private static boolean nonEmpty(String value, boolean base64) {
    if (value == null || value.isBlank()) {
      return false;
    }
    if (!base64) {
      return true;
    }
    try {
      return !new String(java.util.Base64.getMimeDecoder().decode(value), java.nio.charset.StandardCharsets.UTF_8).isBlank();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A delivered Secret reduced to what identifies it and the credentials it holds ({@link DeliveredSecretStore}). */
  static Secret deliveredCopy(Secret secret) {
    ObjectMeta from = secret.getMetadata();
    ObjectMeta meta = identity(from);
    meta.setDeletionTimestamp(from.getDeletionTimestamp());
    meta.setManagedFields(null);
    meta.setOwnerReferences(null);
    meta.setFinalizers(null);
    meta.setAdditionalProperties(null);
    Map<String, String> labels = withOthers(only(from.getLabels(), DeliveredContent.LABELS), from.getLabels());
    if (labels != null) {
      labels.replaceAll((k, v) -> shared(v));
    }
    meta.setLabels(labels == null ? null : Map.copyOf(labels));
    Map<String, String> annotations = withOthers(only(from.getAnnotations(), DeliveredContent.ANNOTATIONS),
        from.getAnnotations());
    meta.setAnnotations(annotations == null ? null : Map.copyOf(annotations));
    Secret copy = new Secret();
    copy.setMetadata(meta);
    copy.setType(shared(secret.getType()));
    Map<String, String> data = only(secret.getData(), DELIVERED_KEYS);
    copy.setData(data == null ? null : Map.copyOf(data));
    Map<String, String> stringData = only(secret.getStringData(), DELIVERED_KEYS);
    copy.setStringData(stringData == null ? null : Map.copyOf(stringData));
    return copy;
  }

  /**
   * A delivered Secret's other labels or annotations (a listing's secretTemplate is compared on
   * them): at most {@link #MAX_OTHERS}, the first by key, values bounded as {@link #only} bounds them.
   * A Secret with more is repaired when one the template wants falls beyond the bound.
   */
  private static Map<String, String> withOthers(Map<String, String> kept, Map<String, String> from) {
    if (from == null) {
      return kept;
    }
    Map<String, String> all = kept == null ? new LinkedHashMap<>() : kept;
    from.keySet().stream().filter(k -> !all.containsKey(k) && !k.equals(LAST_APPLIED)
        && !DeliveredContent.operatorOwned(DeliveredContent.LABEL + k)).sorted().limit(MAX_OTHERS)
        .forEach(k -> {
          String value = from.get(k);
          all.put(shared(k), value == null || value.length() <= MAX_VALUE ? value : TOO_LONG);
        });
    return all;
  }

  /** How many labels and how many annotations of a delivered Secret beyond the operator's own the cache keeps. */
  static final int MAX_OTHERS = 32;

  /**
   * The given keys of a map, each value at most {@link #MAX_VALUE} characters (a longer one becomes
   * {@link #TOO_LONG}, which is not base64 and matches nothing).
   */
  private static Map<String, String> only(Map<String, String> from, List<String> keys) {
    if (from == null) {
      return null;
    }
    Map<String, String> kept = new LinkedHashMap<>(keys.size() * 2);
    for (String key : keys) {
      String value = from.get(key);
      if (value != null) {
        kept.put(key, value.length() > MAX_VALUE ? TOO_LONG : value);
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
