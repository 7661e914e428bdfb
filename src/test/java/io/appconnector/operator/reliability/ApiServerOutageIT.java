package io.appconnector.operator.reliability;

import io.appconnector.operator.support.Operators;
import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static io.appconnector.operator.Fixtures.withLifetime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.values.Times;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stops the kube-apiserver for 30 seconds while the operator works and lets it run again: the
 * operator recovers without a restart, and expiries that fell due during the outage fire right
 * after it. The process is frozen (SIGSTOP / SIGCONT) rather than killed: kube-api-test tears
 * etcd down when its API server exits, and a frozen server is the harder case anyway, since
 * requests hang until they time out instead of failing at once.
 */
class ApiServerOutageIT {
  static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("appconnector.outage.seconds", 30));
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();


  static ProcessHandle apiServerProcess(KubernetesClient client) {
    String port = String.valueOf(client.getMasterUrl().getPort());
    return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("kube-apiserver"))
        .filter(p -> List.of(p.info().arguments().orElse(new String[0])).contains(port))
        .findFirst().orElseThrow(() -> new IllegalStateException("kube-apiserver on port " + port + " not found"));
  }

  static void signal(String signal, ProcessHandle process) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor());
  }

  @Test
  void theOperatorRidesOutAnApiServerOutageAndFiresTheExpiriesThatFellDueDuringIt() throws Exception {
    KubernetesClient client = api.client();
    for (String ns : new String[] {"out-tenant", "out-other", "out-vendor"}) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    client.resource(withLifetime(vendorListing("out-short", "out-vendor", "invoices.read"), "15s")).create();
    client.resource(vendorListing("out-ledger", "out-vendor", "invoices.read")).create();
    Operator operator = Operators.create(client, new OperatorSettings("https://tokens.example.test/oauth2/token",
        Set.of(), "default", false, "outage-test"), Clock.systemUTC());
    operator.start();
    try {
      client.resource(activation("out-tenant", "short", "out-short", "invoices.read")).create();
      Activation active = Await.until("short Active", () -> client.resources(Activation.class).inNamespace("out-tenant")
          .withName("short").get(), a -> a.getStatus() != null && a.getStatus().phase == Phase.Active);
      Instant expiresAt = Times.parse(active.getStatus().credential.expiresAt);

      ProcessHandle server = apiServerProcess(client);
      signal("STOP", server);
      Instant down = Instant.now();
      assertTrue(expiresAt.isAfter(down) && expiresAt.isBefore(down.plus(OUTAGE)), "the deadline falls in the outage");
      Thread.sleep(OUTAGE.toMillis());

      signal("CONT", server);
      Instant up = Await.until("the API server answers again", () -> {
        client.namespaces().withName("default").get();
        return Instant.now();
      }, x -> true, Duration.ofSeconds(90));

      Activation expired = Await.until("the expiry that fell due during the outage",
          () -> client.resources(Activation.class).inNamespace("out-tenant").withName("short").get(),
          a -> a.getStatus().phase == Phase.Expired, Duration.ofSeconds(60));
      Instant seen = Instant.now();
      Instant expiredAt = Times.parse(expired.getStatus().credential.expiredAt);
      assertFalse(expiredAt.isBefore(expiresAt), "never early");
      long afterOutageMs = Duration.between(up, seen).toMillis();
      System.out.printf("RELIABILITY outage: down=%ds deadline=%s apiBack=%s decidedAt=%s visibleAfterRecoveryMs=%d%n",
          OUTAGE.toSeconds(), expiresAt, up, expiredAt, afterOutageMs);
      assertTrue(afterOutageMs < 15_000, "recorded within 15 s of the API server's return: " + afterOutageMs + " ms");

      // New work is picked up by the same operator, without a restart.
      client.resource(activation("out-other", "ledger", "out-ledger", "invoices.read")).create();
      Await.until("a new activation after the outage", () -> client.resources(Activation.class).inNamespace("out-other")
          .withName("ledger").get(), a -> a.getStatus() != null && a.getStatus().phase == Phase.Active, Duration.ofSeconds(60));
      assertEquals(0, client.secrets().inNamespace("out-vendor").withLabel("appconnector.io/activation", "short")
          .list().getItems().size(), "the expired credentials' Secret is gone");
    } finally {
      operator.stop();
    }
  }
}
