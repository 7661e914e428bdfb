package io.appconnector.operator.bench;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Watches every Activation and notes, per namespace/name, when the harness first saw it in phase
 * Active and in phase Expired (System.nanoTime and wall-clock milliseconds). Create calls are noted
 * by the creator, so create-to-Ready is measured from the client's call to the watch event.
 */
final class PhaseWatch implements AutoCloseable {
  record Seen(long nanos, long wallMillis) {
  }

  final Map<String, Long> createdAt = new ConcurrentHashMap<>();
  final Map<String, Seen> active = new ConcurrentHashMap<>();
  final Map<String, Seen> expired = new ConcurrentHashMap<>();
  private final SharedIndexInformer<Activation> informer;

  PhaseWatch(KubernetesClient client) {
    informer = client.resources(Activation.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Activation a) {
        note(a);
      }

      @Override
      public void onUpdate(Activation before, Activation a) {
        note(a);
      }

      @Override
      public void onDelete(Activation a, boolean unknownFinalState) {
      }
    }, 0);
  }

  private void note(Activation a) {
    if (a.getStatus() == null || a.getStatus().phase == null) {
      return;
    }
    String key = key(a);
    if (a.getStatus().phase == Phase.Active) {
      active.putIfAbsent(key, new Seen(System.nanoTime(), System.currentTimeMillis()));
    } else if (a.getStatus().phase == Phase.Expired) {
      expired.putIfAbsent(key, new Seen(System.nanoTime(), System.currentTimeMillis()));
    }
  }

  static String key(Activation a) {
    return a.getMetadata().getNamespace() + "/" + a.getMetadata().getName();
  }

  /** Waits until every key has been seen in the map; false on timeout. */
  static boolean awaitAll(Map<String, Seen> seen, Collection<String> keys, Duration timeout) {
    return await(() -> keys.stream().allMatch(seen::containsKey), timeout);
  }

  static boolean await(Supplier<Boolean> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.get()) {
        return true;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return done.get();
  }

  @Override
  public void close() {
    informer.close();
  }
}
