package io.appconnector.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The operator's reconciles as JOSDK reports them through its metrics callbacks, per resource: how
 * many ran to their end ({@code finishedReconciliation}), and when the last one asked JOSDK to look
 * again (the {@link UpdateControl} its {@code reconcile} returned). Installed in place of the
 * operator's Micrometer metrics, with {@link #install()} as the operator's JOSDK overrides; a new
 * operator gets a new log.
 */
public final class ReconcileLog implements Metrics {
  private record Key(String kind, ResourceID id) {
  }

  private final Clock clock;
  private final Map<Key, AtomicInteger> finished = new ConcurrentHashMap<>();
  private final Map<Key, Optional<NextLook>> nextLooks = new ConcurrentHashMap<>();

  /** {@code clock} is the operator's: the next look is read on the clock the reconciler counts from. */
  public ReconcileLog(Clock clock) {
    this.clock = clock;
  }

  /** The overrides that install this log as the operator's JOSDK metrics. */
  public Consumer<ConfigurationServiceOverrider> install() {
    return o -> o.withMetrics(this);
  }

  /** Reconciles of {@code resource} that ran to their end since the operator started. */
  public int finished(HasMetadata resource) {
    AtomicInteger count = finished.get(key(resource));
    return count == null ? 0 : count.get();
  }

  /**
   * When the last reconcile of {@code resource} that returned asked to be looked at again; empty
   * when it asked for no further look, or when none has returned yet.
   */
  public Optional<NextLook> nextLook(HasMetadata resource) {
    return nextLooks.getOrDefault(key(resource), Optional.empty());
  }

  /**
   * The instant, on the operator's clock, at which JOSDK was asked to reconcile again: between
   * {@code earliest} and {@code latest}, because the delay is counted from a moment inside the
   * reconcile that only the reconciler knows.
   */
  public record NextLook(Instant earliest, Instant latest) {
    /**
     * Whether the look may fall within a millisecond after {@code deadline} (then the deadline is due
     * when the reconcile runs), as far as the reconcile's own duration lets one tell.
     */
    public boolean justAfter(Instant deadline) {
      return !earliest.isAfter(deadline.plusMillis(1)) && latest.isAfter(deadline);
    }
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    finished.computeIfAbsent(key(resource), k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    Instant before = clock.instant();
    T result = execution.execute();
    if (result instanceof UpdateControl<?> control
        && execution.metadata().get(Constants.RESOURCE_GVK_KEY) instanceof GroupVersionKind gvk) {
      Instant after = clock.instant();
      nextLooks.put(new Key(gvk.getKind(), execution.resourceID()), control.getScheduleDelay()
          .map(ms -> new NextLook(before.plusMillis(ms), after.plusMillis(ms))));
    }
    return result;
  }

  private static Key key(HasMetadata resource) {
    return new Key(HasMetadata.getKind(resource.getClass()), ResourceID.fromResource(resource));
  }
}
