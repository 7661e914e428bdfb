package io.appconnector.operator.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The rules of the delivered-Secret store, each with the informer's and the loader's steps in a
 * chosen order: nothing kept outside the vendor namespaces, and a namespace loaded while the watch
 * runs ends with what the API server holds.
 */
class DeliveredSecretStoreTest {
  private static Secret secret(String namespace, String name, String resourceVersion, String activationUid) {
    return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withResourceVersion(resourceVersion)
        .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR)
        .addToLabels(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED)
        .addToAnnotations(DeliveryNames.ACTIVATION_UID, activationUid).endMetadata()
        .addToData("clientSecret", "eA==").build();
  }

  /** As the informer does it: through Fabric8's own cache, with its namespace index. */
  private static CacheImpl<Secret> informerCache(DeliveredSecretStore store) {
    CacheImpl<Secret> cache = new CacheImpl<>();
    cache.setItemStore(store);
    return cache;
  }

  @Test
  void aSecretOutsideTheVendorNamespacesIsNotKeptNorIndexed() {
    DeliveredSecretStore store = new DeliveredSecretStore();
    store.keep(Set.of("vendor"));
    CacheImpl<Secret> cache = informerCache(store);
    for (int i = 0; i < 100; i++) {
      cache.put(secret("tenant", "big" + i, "1" + i, "u" + i));
    }
    cache.put(secret("vendor", "real", "5", "a"));
    assertEquals(1, store.size());
    assertEquals(List.of("vendor/real"), store.keySet().toList());
    assertEquals(List.of(), cache.byIndex(CacheImpl.NAMESPACE_INDEX, "tenant").stream().toList(), "nothing found there");
    assertTrue(cache.indexKeys(CacheImpl.NAMESPACE_INDEX, "tenant").size() <= 1,
        "the informer's index holds one shared key for the namespace, not one per Secret");
    for (int i = 0; i < 100; i++) {
      cache.remove(secret("tenant", "big" + i, "2" + i, "u" + i));
    }
    assertEquals(1, store.size());
    assertEquals(List.of("vendor/real"), store.deliveredFor("a").stream().map(s -> s.getMetadata().getName())
        .map(n -> "vendor/" + n).toList());
    assertEquals(List.of(), store.deliveredFor("u1"));
  }

  @Test
  void aNamespaceNamedLaterIsLoadedOnceAndThenFollowsTheWatch() {
    DeliveredSecretStore store = new DeliveredSecretStore();
    CacheImpl<Secret> cache = informerCache(store);
    cache.put(secret("vendor2", "before", "10", "a")); // seen before any listing named vendor2: dropped
    assertEquals(0, store.size());
    AtomicInteger lists = new AtomicInteger();
    DeliveredSecretStore.Lister lister = (ns, each) -> {
      lists.incrementAndGet();
      each.accept(secret(ns, "before", "10", "a"));
    };
    store.load("vendor2", lister);
    store.load("vendor2", lister);
    assertEquals(1, lists.get(), "listed once");
    assertTrue(store.keeps("vendor2"));
    assertEquals("10", store.get("vendor2/before").getMetadata().getResourceVersion());
    cache.put(secret("vendor2", "before", "11", "a"));
    assertEquals("11", store.get("vendor2/before").getMetadata().getResourceVersion(), "later watch events are kept");
    cache.remove(secret("vendor2", "before", "12", "a"));
    assertNull(store.get("vendor2/before"));
    assertEquals(List.of(), store.deliveredFor("a"));
  }

  @Test
  void aListOlderThanTheWatchDoesNotUndoAChangeOrADeletion() {
    DeliveredSecretStore store = new DeliveredSecretStore();
    CacheImpl<Secret> cache = informerCache(store);
    store.load("vendor", (ns, each) -> {
      // While the list runs, the watch (which is ahead of it) reports a change and a deletion.
      cache.put(secret(ns, "changed", "30", "a"));
      cache.remove(secret(ns, "deleted", "31", "b"));
      each.accept(secret(ns, "changed", "20", "a"));
      each.accept(secret(ns, "deleted", "21", "b"));
      each.accept(secret(ns, "unchanged", "22", "c"));
    });
    assertEquals("30", store.get("vendor/changed").getMetadata().getResourceVersion());
    assertNull(store.get("vendor/deleted"), "a deletion seen on the watch is not undone");
    assertEquals("22", store.get("vendor/unchanged").getMetadata().getResourceVersion());
    assertEquals(List.of(), store.deliveredFor("b"));
  }

  @Test
  void aWatchBehindTheListDoesNotTakeItBack() {
    DeliveredSecretStore store = new DeliveredSecretStore();
    CacheImpl<Secret> cache = informerCache(store);
    store.load("vendor", (ns, each) -> each.accept(secret(ns, "s", "50", "a")));
    cache.put(secret("vendor", "s", "40", "a")); // an event the watch had not yet delivered
    assertEquals("50", store.get("vendor/s").getMetadata().getResourceVersion());
    cache.put(secret("vendor", "s", "60", "a"));
    assertEquals("60", store.get("vendor/s").getMetadata().getResourceVersion());
  }

  @Test
  void aFailedListIsTriedAgainByTheNextCaller() {
    DeliveredSecretStore store = new DeliveredSecretStore();
    assertThrows(IllegalStateException.class, () -> store.load("vendor", (ns, each) -> {
      throw new IllegalStateException("API server unavailable");
    }));
    store.load("vendor", (ns, each) -> each.accept(secret(ns, "s", "5", "a")));
    assertEquals(1, store.size());
  }
}
