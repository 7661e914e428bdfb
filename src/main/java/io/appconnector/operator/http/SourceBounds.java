package io.appconnector.operator.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections and requests being handled, per source address and in total, and admits
 * a new one only within the bounds. A source's entry goes when its count returns to zero, so the
 * map holds at most one entry per open connection.
 */
public final class SourceBounds {
  private final int maxTotal;
  private final int maxPerSource;
  private final AtomicInteger total = new AtomicInteger();
  private final Map<String, Integer> perSource = new ConcurrentHashMap<>();

  public SourceBounds(int maxTotal, int maxPerSource) {
    this.maxTotal = maxTotal;
    this.maxPerSource = maxPerSource;
  }

  /**
   * Takes a place for {@code source} (null: counted in the total only, as for a trusted proxy that
   * carries many clients); false, and nothing taken, when a bound is reached.
   */
  public boolean tryAcquire(String source) {
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      return false;
    }
    if (source == null) {
      return true;
    }
    boolean[] admitted = {false};
    perSource.compute(source, (key, count) -> {
      int now = count == null ? 0 : count;
      if (now >= maxPerSource) {
        return count;
      }
      admitted[0] = true;
      return now + 1;
    });
    if (!admitted[0]) {
      total.decrementAndGet();
    }
    return admitted[0];
  }

  /** Gives back a place taken by {@link #tryAcquire}. */
  public void release(String source) {
    total.decrementAndGet();
    if (source != null) {
      perSource.computeIfPresent(source, (key, count) -> count <= 1 ? null : count - 1);
    }
  }

  public int total() {
    return total.get();
  }

  public int sources() {
    return perSource.size();
  }
}
