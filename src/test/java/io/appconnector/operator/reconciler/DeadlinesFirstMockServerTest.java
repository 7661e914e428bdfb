package io.appconnector.operator.reconciler;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.dependent.VendorNotifications;
import io.appconnector.operator.observability.ProductMetrics;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.Crds;
import io.appconnector.operator.support.Resources;
import io.appconnector.operator.support.TestClock;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A due expiry goes ahead of a queue of new activations: the operator runs with one reconcile
 * thread, held while new activations queue and the expiry's reconcile queues behind them; the
 * recorded times then show the order the queue gave.
 */
@EnableKubernetesMockClient(crud = true)
class DeadlinesFirstMockServerTest {
  static final int NEW_ACTIVATIONS = 5;
  static KubernetesClient client;

  final TestClock clock = new TestClock();
  final List<Operator> started = new ArrayList<>();

  @BeforeAll
  static void crds() {
    Crds.install(client, false);
  }

  @AfterEach
  void stop() {
    started.forEach(Operator::stop);
  }

  Operator start(int reconcileThreads) {
    OperatorSettings settings = new OperatorSettings("https://tokens.example.test/oauth2/token", Set.of(), "default",
        false, "test");
    Operator operator = AppConnectorOperator.create(client, settings, clock,
        new ProductMetrics(new SimpleMeterRegistry(), clock), VendorNotifications.Settings.DEFAULT,
        o -> o.withConcurrentReconciliationThreads(reconcileThreads));
    started.add(operator);
    operator.start();
    return operator;
  }

  void namespace(String name) {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
  }

  @Test
  void aDueExpiryRunsBeforeTheNewActivationsQueuedAheadOfIt() throws InterruptedException {
    namespace("tenant-due");
    namespace("vendor-due");
    AppListing listing = Resources.createListing(client, vendorListing("ledger", "vendor-due", "invoices.read"), "due");
    String name = listing.getMetadata().getName();
    Operator operator = start(1);
    Resources.createActivation(client, activation("tenant-due", "expiring", name, "invoices.read"));
    Instant expiresAt = Times.parse(Resources.awaitPhase(client, "tenant-due", "expiring", Phase.Active)
        .getStatus().credential.expiresAt);
    DeadlinesFirstExecutor queue = (DeadlinesFirstExecutor) operator.getConfigurationService().getExecutorService();

    // The one reconcile thread is held, so what comes next waits in the queue.
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    queue.execute(() -> {
      holding.countDown();
      awaitQuietly(release);
    });
    assertTrue(holding.await(30, TimeUnit.SECONDS), "the reconcile thread is held");
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < NEW_ACTIVATIONS; i++) {
      tenants.add("tenant-new-" + i);
      namespace(tenants.get(i));
      Resources.createActivation(client, activation(tenants.get(i), "ledger", name, "invoices.read"));
    }
    Await.until("the new activations queued", () -> queued(queue, "ledger"), n -> n == NEW_ACTIVATIONS);

    // The deadline passes; the expiring activation's reconcile comes after all of them (in production
    // its timer submits it; here an edit does, as the clock jumped past the deadline).
    clock.jumpTo(expiresAt.plusSeconds(1));
    client.resources(Activation.class).inNamespace("tenant-due").withName("expiring").edit(a -> {
      a.getMetadata().setAnnotations(java.util.Map.of("example.com/touched", "yes"));
      return a;
    });
    Await.until("the due expiry queued behind them", () -> queued(queue, "expiring"), n -> n == 1);
    release.countDown();

    Activation expired = Resources.awaitPhase(client, "tenant-due", "expiring", Phase.Expired);
    Instant expiredAt = Times.parse(expired.getStatus().credential.expiredAt);
    assertFalse(expiredAt.isBefore(expiresAt), "never early: " + expiredAt + " < " + expiresAt);
    List<Instant> issued = new ArrayList<>();
    for (String tenant : tenants) {
      issued.add(Times.parse(Resources.awaitPhase(client, tenant, "ledger", Phase.Active)
          .getStatus().credential.issuedAt));
    }
    // One thread: reconciles ran one after another, so the recorded times give their order.
    long issuedBefore = issued.stream().filter(at -> !at.isAfter(expiredAt)).count();
    assertEquals(0, issuedBefore, issuedBefore + " of " + NEW_ACTIVATIONS + " new activations were issued before the"
        + " due expiry (expired at " + expiredAt + ", issued at " + issued.stream().sorted().toList() + ")");
  }

  /** How many reconciles of activations named {@code name} wait in the queue. */
  static long queued(DeadlinesFirstExecutor queue, String name) {
    return queue.getQueue().stream()
        .map(task -> ReconcileTasks.resourceOf(((DeadlinesFirstExecutor.Ranked) task).task()))
        .filter(r -> r instanceof Activation && name.equals(r.getMetadata().getName())).count();
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
