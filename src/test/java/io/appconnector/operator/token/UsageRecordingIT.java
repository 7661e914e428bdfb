package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.values.Times;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Use counts on a real kube-apiserver from two token-endpoint replicas under sustained exchanges:
 * every exchange is counted once, and the status is written at most once per flush interval per
 * replica, not once per exchange.
 */
class UsageRecordingIT extends TokenScenarios {
  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final int EXCHANGES_PER_REPLICA = 400;

  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();

  @Override
  protected KubernetesClient client() {
    return api.client();
  }

  TokenServer replica(ConcurrentHashMap<String, AtomicInteger> perListing) {
    TokenServer started = TokenServer.start(client(), TokenSettings.embedded(operatorNs), clock,
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), outcome -> {
    }, INTERVAL, listing -> perListing.computeIfAbsent(listing, k -> new AtomicInteger()).incrementAndGet());
    servers.add(started);
    return started;
  }

  @Test
  void sustainedExchangesAtTwoReplicasAreAllCountedWithAtMostOneWritePerIntervalAndReplica() throws Exception {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Activation a = awaitPhase(tenant, create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"))
        .getMetadata().getName(), Phase.Active);
    Vendor.Mounted mounted = mounted(a);
    ConcurrentHashMap<String, AtomicInteger> perListing = new ConcurrentHashMap<>();
    List<TokenServer> replicas = List.of(replica(perListing), replica(perListing));
    AtomicInteger statusWrites = new AtomicInteger();
    try (Watch watch = client().resources(Activation.class).inNamespace(tenant).withName("ledger")
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Activation resource) {
            if (action == Action.MODIFIED) {
              statusWrites.incrementAndGet();
            }
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        })) {
      Instant start = Instant.now();
      for (int i = 0; i < EXCHANGES_PER_REPLICA; i++) {
        for (TokenServer replica : replicas) {
          Vendor.Mounted at = new Vendor.Mounted(mounted.clientId(), mounted.clientSecret(),
              replica.settings().tokenEndpoint(), mounted.scopes());
          assertEquals(200, vendor.basic(at, null).status());
        }
      }
      int total = 2 * EXCHANGES_PER_REPLICA;
      Credential counted = Await.until("every exchange counted", () -> get(tenant, "ledger").getStatus().credential,
          c -> c.useCount != null && c.useCount >= total);
      Duration elapsed = Duration.between(start, Instant.now());

      assertEquals(total, counted.useCount, "counts from both replicas add up, none overwritten");
      assertTrue(!Times.parse(counted.lastUsedAt).isBefore(Times.parse(counted.firstUsedAt)));
      long intervals = elapsed.toMillis() / INTERVAL.toMillis() + 1;
      for (TokenServer replica : replicas) {
        long writes = replica.usage().writes();
        System.out.printf("usage: %d exchanges in %d ms, this replica wrote status %d times (bound %d)%n", total,
            elapsed.toMillis(), writes, intervals);
        assertTrue(writes <= intervals, writes + " writes in " + elapsed.toMillis() + " ms exceed one per interval");
        assertTrue(writes >= 1);
      }
      assertTrue(statusWrites.get() <= 2 * intervals + 1, "status writes seen by a watch: " + statusWrites.get()
          + " for " + total + " exchanges (bound " + (2 * intervals + 1) + ", the first use included)");
      assertEquals(total, perListing.get(l.getMetadata().getName()).get(), "exchanges counted by listing");
    }
  }
}
