package io.appconnector.operator.reconciler;

import io.appconnector.operator.api.v1alpha1.Activation;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile executor the operator gives JOSDK in place of its first-come-first-served pool: a
 * reconcile whose resource has a deadline due (an expiry, a rotation's end, a fee date; see
 * {@link io.appconnector.operator.logic.DueDeadline}) waits only behind reconciles with an earlier
 * due deadline, not behind a burst of new activations; all others run in the order they came.
 *
 * <p>Only the order of waiting reconciles changes. JOSDK still hands the executor at most one
 * reconcile per resource at a time (it marks the resource as under processing before it submits),
 * so one resource is never reconciled by two threads at once; and nothing runs earlier than it was
 * submitted: a deadline's reconcile is submitted by its timer, a little after the deadline.
 *
 * <p>A task is ranked once, when it is submitted, by {@code dueDeadline} (null: not due). A ranking
 * that fails counts as not due, so the executor is never worse than first come, first served.
 */
public final class DeadlinesFirstExecutor extends ThreadPoolExecutor {
  private static final Logger log = LoggerFactory.getLogger(DeadlinesFirstExecutor.class);

  private final AtomicLong arrivals = new AtomicLong();
  private volatile Function<Runnable, Instant> dueDeadline = task -> null;

  /** {@code threads} reconciles at once, as JOSDK's own pool of that size. */
  public DeadlinesFirstExecutor(int threads) {
    super(threads, threads, 0L, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(), Executors.defaultThreadFactory());
  }

  /** Ranks tasks by {@code dueDeadline} from now on (set before the operator starts). */
  public DeadlinesFirstExecutor rankBy(Function<Runnable, Instant> dueDeadline) {
    this.dueDeadline = dueDeadline;
    return this;
  }

  /** Ranks JOSDK's reconcile tasks for activations by their due deadline, as {@code reconciler} reads it. */
  public DeadlinesFirstExecutor rankActivationsBy(ActivationReconciler reconciler) {
    return rankBy(task -> ReconcileTasks.resourceOf(task) instanceof Activation activation
        ? reconciler.dueDeadline(activation) : null);
  }

  @Override
  public void execute(Runnable task) {
    super.execute(new Ranked(task, rank(task), arrivals.getAndIncrement()));
  }

  private Instant rank(Runnable task) {
    try {
      return dueDeadline.apply(task);
    } catch (RuntimeException e) {
      log.debug("a reconcile could not be ranked and waits in arrival order: {}", e.toString());
      return null;
    }
  }

  /** A task with its due deadline (null: none) and arrival number: due ones first, earliest deadline first. */
  record Ranked(Runnable task, Instant due, long arrival) implements Runnable, Comparable<Ranked> {
    @Override
    public void run() {
      task.run();
    }

    @Override
    public int compareTo(Ranked other) {
      if ((due == null) != (other.due == null)) {
        return due != null ? -1 : 1;
      }
      if (due != null && !due.equals(other.due)) {
        return due.compareTo(other.due);
      }
      return Long.compare(arrival, other.arrival);
    }
  }
}
