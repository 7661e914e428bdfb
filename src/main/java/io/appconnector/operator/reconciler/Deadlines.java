package io.appconnector.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The time each activation is next looked at (its credential deadline or fee date), as computed
 * from its status on the last reconcile. Derived state only: a restart recomputes it from status.
 */
public class Deadlines {
  private final Map<ResourceID, Instant> next = new ConcurrentHashMap<>();

  void set(ResourceID id, Instant at) {
    if (at == null) {
      next.remove(id);
    } else {
      next.put(id, at);
    }
  }

  public Optional<Instant> of(ResourceID id) {
    return Optional.ofNullable(next.get(id));
  }
}
