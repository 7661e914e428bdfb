package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two token endpoints (two operator replicas) on a real kube-apiserver, whose optimistic locking
 * decides the races: concurrent first uses and concurrent key rotations.
 */
class TokenReplicasIT extends TokenScenarios {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();


  @Override
  protected KubernetesClient client() {
    return api.client();
  }

  @Test
  void concurrentFirstUsesOnTwoReplicasRecordExactlyOneFirstUse() throws Exception {
    TokenServer other = startReplica();
    Vendor atOther = new Vendor(client(), other);
    List<String> names = List.of("one", "two", "three");
    for (String name : names) {
      AppListing l = listing(vendorListing(name, vendorNs, "invoices.read"));
      create(activation(tenant, name, l.getMetadata().getName(), "invoices.read"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (String name : names) {
        Vendor.Mounted mounted = mounted(awaitPhase(tenant, name, Phase.Active));
        Vendor.Mounted viaOther = new Vendor.Mounted(mounted.clientId(), mounted.clientSecret(),
            other.settings().tokenEndpoint(), mounted.scopes());
        CountDownLatch go = new CountDownLatch(1);
        Future<Vendor.Reply> first = pool.submit(when(go, () -> vendor.basic(mounted, null)));
        Future<Vendor.Reply> second = pool.submit(when(go, () -> atOther.basic(viaOther, null)));
        go.countDown();
        assertEquals(200, first.get().status(), name + " at the first replica");
        assertEquals(200, second.get().status(), name + " at the second replica");
        assertNotNull(get(tenant, name).getStatus().credential.firstUsedAt);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(names.size(), firstUsesRecorded(),
        "each activation's first use was recorded by exactly one replica");
  }

  @Test
  void replicasShareTheSigningKeysAndExactlyOneOfTwoConcurrentRotationsWins() throws Exception {
    TokenServer other = startReplica();
    String kid = server.keys().current().current().getKeyID();
    assertEquals(kid, other.keys().current().current().getKeyID(), "the second replica read the first one's key");

    clock.jumpTo(clock.instant().plus(server.settings().keyRotation()).plusSeconds(1));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<Boolean> a = pool.submit(when(go, () -> server.keys().rotateIfDue()));
      Future<Boolean> b = pool.submit(when(go, () -> other.keys().rotateIfDue()));
      go.countDown();
      assertEquals(1, (a.get() ? 1 : 0) + (b.get() ? 1 : 0), "one rotation, not two");
    } finally {
      pool.shutdownNow();
    }
    String rotated = server.keys().current().current().getKeyID();
    assertNotEquals(kid, rotated);
    assertEquals(kid, server.keys().current().previous().getKeyID(), "the old key still verifies");
    assertEquals(rotated, other.keys().current().current().getKeyID());

    // A rotation by one replica alone reaches the other through its watch on the Secret.
    clock.jumpTo(clock.instant().plus(server.settings().keyRotation()).plusSeconds(1));
    assertEquals(true, server.keys().rotateIfDue());
    String third = server.keys().current().current().getKeyID();
    Await.until("the other replica follows the rotation", () -> other.keys().current(),
        k -> k.current().getKeyID().equals(third) && k.previous().getKeyID().equals(rotated), Duration.ofSeconds(10));
  }

  private static <T> Callable<T> when(CountDownLatch go, Callable<T> then) {
    return () -> {
      go.await();
      return then.call();
    };
  }
}
