package io.appconnector.operator.reconciler;

import io.appconnector.operator.logic.ListingReadiness.Blocked;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the activation reconciler last saw of each activation, by listing: whether it is Active, or
 * blocked and why. The listing reconciler reads it to write the AppListing's status, and is woken
 * when a listing's entries change. In memory: after a restart every activation is reconciled, and
 * reports again; until every activation of a listing has, its entries are {@linkplain #complete
 * incomplete} and the listing's status is left as it was, so a restart rewrites no listing.
 */
public class ListingReports {
  private record Entry(boolean active, String blockedReason) {
  }

  private final Map<String, Map<ResourceID, Entry>> byListing = new ConcurrentHashMap<>();
  private volatile Consumer<String> onChange = listing -> {
  };

  private volatile Function<String, Set<ResourceID>> cached = listing -> Set.of();
  private volatile boolean listed;
  private volatile Runnable onListed = () -> {
  };

  void onChange(Consumer<String> listener) {
    this.onChange = listener;
  }

  /** Called once the activations are listed; the listing reconciler then looks at every listing again. */
  void onListed(Runnable listener) {
    this.onListed = listener;
  }

  /** The activations of a listing in the activation reconciler's cache. */
  void knowActivations(Function<String, Set<ResourceID>> ofListing) {
    this.cached = ofListing;
  }

  /** The activations' informer has listed: the cache holds every activation there is. */
  void listed() {
    listed = true;
    onListed.run();
  }

  /** Whether every activation of the listing known to the cache has reported since the operator started. */
  boolean complete(String listing) {
    if (!listed) {
      return false;
    }
    Map<ResourceID, Entry> entries = byListing.getOrDefault(listing, Map.of());
    return entries.keySet().containsAll(cached.apply(listing));
  }

  /** {@code blockedReason}: the Ready reason of an activation the operator cannot serve, else null. */
  void report(String listing, ResourceID activation, boolean active, String blockedReason) {
    Entry entry = new Entry(active, blockedReason);
    Entry before = byListing.computeIfAbsent(listing, l -> new ConcurrentHashMap<>()).put(activation, entry);
    if (!Objects.equals(before, entry)) {
      onChange.accept(listing);
    }
  }

  void forget(String listing, ResourceID activation) {
    Map<ResourceID, Entry> entries = byListing.get(listing);
    if (entries != null && entries.remove(activation) != null) {
      onChange.accept(listing);
    }
  }

  int active(String listing) {
    return (int) byListing.getOrDefault(listing, Map.of()).values().stream().filter(Entry::active).count();
  }

  List<Blocked> blocked(String listing) {
    return byListing.getOrDefault(listing, Map.of()).entrySet().stream().filter(e -> e.getValue().blockedReason() != null)
        .map(e -> new Blocked(e.getKey().getNamespace().orElse("") + "/" + e.getKey().getName(),
            e.getValue().blockedReason())).toList();
  }
}
