package io.appconnector.operator.cache;

import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The informer store of delivered Secrets, which keeps them only in the namespaces listings deliver
 * to. The informer watches Secrets with the delivered-credentials labels in every namespace (a
 * vendor namespace is any namespace a listing names), but anyone can put those labels on a Secret
 * in their own namespace: one kept elsewhere would make the operator's memory grow with what
 * tenants create. So a Secret in a namespace that is not {@link #keeps kept} costs nothing: it is
 * given one shared key ({@link #ELSEWHERE}) that the store never holds, so neither this store nor
 * the informer's indexes keep anything of it, and its watch events are dropped by the event
 * source's filters ({@link #keeps}).
 *
 * <p>A namespace is kept from the moment a listing names it: those named when the operator starts
 * are kept before the informer lists ({@link #keep}), so its own list fills them; one named later
 * is {@link #load loaded} when an activation first needs it: marked kept (from then on every watch
 * event there is stored and delivered), then listed by label, and what the list returns merged in.
 * The merge keeps, of two versions of a Secret, the one with the higher resourceVersion, and skips
 * any Secret whose deletion the informer reported while the list ran, so neither a change seen on
 * the watch nor a deletion is undone by an older list. Kept namespaces stay kept while the process
 * runs (they are the platform team's, not the tenants', and bounded by the listings).
 *
 * <p>Secrets are kept reduced ({@link LeanStore#deliveredCopy}) and indexed by the activation UID
 * they are delivered for; the index lives here, not in the informer, because a loaded Secret does
 * not pass through the informer's own indexes.
 */
public final class DeliveredSecretStore implements ItemStore<Secret> {
  /** The one key every Secret outside the kept namespaces gets; nothing is ever stored under it. */
  static final String ELSEWHERE = " elsewhere";

  /** Lists one namespace's delivered Secrets (by label, in pages), handing each to {@code each}. */
  @FunctionalInterface
  public interface Lister {
    void list(String namespace, Consumer<Secret> each);
  }

  private final Object lock = new Object();
  private final Map<String, Secret> items = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> byActivationUid = new ConcurrentHashMap<>();
  private final Set<String> kept = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> loaded = new ConcurrentHashMap<>();
  /** Per namespace being loaded: the keys the informer removed meanwhile (guarded by {@link #lock}). */
  private final Map<String, Set<String>> removedWhileLoading = new HashMap<>();

  /** Keeps these namespaces from the start: for namespaces named before the informer lists, which fills them. */
  public void keep(Collection<String> namespaces) {
    for (String namespace : namespaces) {
      if (namespace != null && kept.add(namespace)) {
        loaded.put(namespace, CompletableFuture.completedFuture(null));
      }
    }
  }

  /** Whether Secrets in this namespace are kept (and their watch events reconciled). */
  public boolean keeps(String namespace) {
    return namespace != null && kept.contains(namespace);
  }

  /**
   * Makes sure the namespace is kept and its Secrets are in the store: the first caller lists it,
   * later callers wait for that list; a failed list is tried again by the next caller.
   */
  public void load(String namespace, Lister lister) {
    if (namespace == null) {
      return;
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = loaded.putIfAbsent(namespace, mine);
    if (running != null) {
      try {
        running.join();
        return;
      } catch (CompletionException e) {
        loaded.remove(namespace, running);
        load(namespace, lister);
        return;
      }
    }
    synchronized (lock) {
      removedWhileLoading.put(namespace, new HashSet<>());
      kept.add(namespace);
    }
    try {
      lister.list(namespace, secret -> merge(namespace, secret));
      mine.complete(null);
    } catch (RuntimeException e) {
      loaded.remove(namespace, mine);
      mine.completeExceptionally(e);
      throw e;
    } finally {
      synchronized (lock) {
        removedWhileLoading.remove(namespace);
      }
    }
  }

  /** A listed Secret, unless the informer has since seen it deleted or a newer version of it. */
  private void merge(String namespace, Secret listed) {
    String key = Cache.metaNamespaceKeyFunc(listed);
    synchronized (lock) {
      Set<String> removed = removedWhileLoading.get(namespace);
      if (removed != null && removed.contains(key)) {
        return;
      }
      Secret existing = items.get(key);
      if (existing == null || newer(listed, existing)) {
        store(key, LeanStore.deliveredCopy(listed));
      }
    }
  }

  /** True if {@code a} is a later version than {@code b}; resourceVersions that are not numbers never are. */
  static boolean newer(Secret a, Secret b) {
    try {
      return Long.parseLong(a.getMetadata().getResourceVersion()) > Long.parseLong(b.getMetadata().getResourceVersion());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The Secrets delivered for the activation with this UID, in the kept namespaces. */
  public List<Secret> deliveredFor(String activationUid) {
    Set<String> keys = byActivationUid.get(activationUid);
    return keys == null ? List.of() : keys.stream().map(items::get).filter(java.util.Objects::nonNull).toList();
  }

  @Override
  public String getKey(Secret secret) {
    return keeps(secret.getMetadata().getNamespace()) ? Cache.metaNamespaceKeyFunc(secret) : ELSEWHERE;
  }

  @Override
  public Secret put(String key, Secret secret) {
    if (ELSEWHERE.equals(key)) {
      return null;
    }
    synchronized (lock) {
      Secret existing = items.get(key);
      if (existing != null && newer(existing, secret)) {
        // A loaded version is ahead of the watch, which is catching up: keep it.
        return existing;
      }
      return store(key, LeanStore.deliveredCopy(secret));
    }
  }

  private Secret store(String key, Secret lean) {
    Secret old = items.put(key, lean);
    unindex(key, old);
    String uid = activationUid(lean);
    if (uid != null) {
      byActivationUid.computeIfAbsent(uid, u -> ConcurrentHashMap.newKeySet()).add(key);
    }
    return old;
  }

  @Override
  public Secret remove(String key) {
    if (ELSEWHERE.equals(key)) {
      return null;
    }
    synchronized (lock) {
      Secret old = items.remove(key);
      unindex(key, old);
      int slash = key.indexOf('/');
      Set<String> removed = slash < 0 ? null : removedWhileLoading.get(key.substring(0, slash));
      if (removed != null) {
        removed.add(key);
      }
      return old;
    }
  }

  private void unindex(String key, Secret old) {
    String uid = old == null ? null : activationUid(old);
    if (uid != null) {
      byActivationUid.computeIfPresent(uid, (u, keys) -> {
        keys.remove(key);
        return keys.isEmpty() ? null : keys;
      });
    }
  }

  private static String activationUid(Secret secret) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(DeliveryNames.ACTIVATION_UID);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<Secret> values() {
    return items.values().stream();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public Secret get(String key) {
    return items.get(key);
  }
}
