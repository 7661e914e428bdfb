package io.appconnector.operator.reconciler;

import io.appconnector.operator.logic.ListingReadiness.Blocked;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What the activation reconciler last saw of each activation, by listing: whether it is Active, or
 * blocked and why. The listing reconciler reads it to write the AppListing's status, and is woken
 * when a listing's entries change. In memory: after a restart every activation is reconciled, and
 * reports again.
 */
public class ListingReports {
  private record Entry(boolean active, String blockedReason) {
  }

  private final Map<String, Map<ResourceID, Entry>> byListing = new ConcurrentHashMap<>();
  private volatile Consumer<String> onChange = listing -> {
  };

  void onChange(Consumer<String> listener) {
    this.onChange = listener;
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
