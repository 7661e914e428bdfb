package io.appconnector.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The reconcile queue's order, without a cluster: one thread held busy while tasks queue, then
 * released; the order they ran in is the order the queue gave.
 */
class DeadlinesFirstExecutorTest {
  static final Instant T1 = Instant.parse("2026-11-27T10:00:00Z");
  static final Instant T2 = T1.plusSeconds(1);

  record Task(String name, List<String> ran) implements Runnable {
    @Override
    public void run() {
      ran.add(name);
    }
  }

  /** Queues {@code names} behind a held thread, ranked by {@code due}; returns the order they ran in. */
  static List<String> order(Map<String, Instant> due, String... names) throws InterruptedException {
    List<String> ran = new CopyOnWriteArrayList<>();
    DeadlinesFirstExecutor executor = new DeadlinesFirstExecutor(1)
        .rankBy(task -> task instanceof Task t ? due.get(t.name()) : null);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    executor.execute(() -> {
      holding.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(holding.await(10, TimeUnit.SECONDS));
    for (String name : names) {
      executor.execute(new Task(name, ran));
    }
    release.countDown();
    executor.shutdown();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    return ran;
  }

  @Test
  void withNothingDueTasksRunInTheOrderTheyCame() throws InterruptedException {
    assertEquals(List.of("new-1", "new-2", "new-3"), order(Map.of(), "new-1", "new-2", "new-3"));
  }

  @Test
  void aDueDeadlineRunsAheadOfEveryNewActivationWaitingBeforeIt() throws InterruptedException {
    assertEquals(List.of("expiring", "new-1", "new-2", "new-3"),
        order(Map.of("expiring", T1), "new-1", "new-2", "new-3", "expiring"));
  }

  @Test
  void dueDeadlinesRunEarliestFirstThenInTheOrderTheyCame() throws InterruptedException {
    assertEquals(List.of("due-t1-a", "due-t1-b", "due-t2", "new-1", "new-2"),
        order(Map.of("due-t2", T2, "due-t1-a", T1, "due-t1-b", T1),
            "new-1", "due-t2", "due-t1-a", "new-2", "due-t1-b"));
  }

  @Test
  void aRankingThatFailsLeavesTheTaskInArrivalOrder() throws InterruptedException {
    List<String> ran = new CopyOnWriteArrayList<>();
    DeadlinesFirstExecutor executor = new DeadlinesFirstExecutor(1).rankBy(task -> {
      throw new IllegalStateException("cannot rank");
    });
    executor.execute(new Task("a", ran));
    executor.execute(new Task("b", ran));
    executor.shutdown();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(List.of("a", "b"), ran);
  }

  @Test
  void aTaskThatIsNotJosdksHasNoResource() {
    assertNull(ReconcileTasks.resourceOf(() -> {
    }));
    assertTrue(ReconcileTasks.readable(), "JOSDK's reconcile tasks are readable with the JOSDK on the classpath");
  }
}
