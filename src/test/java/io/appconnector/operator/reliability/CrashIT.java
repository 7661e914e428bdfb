package io.appconnector.operator.reliability;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kills the operator process with SIGKILL at random points while it issues a few hundred
 * activations; afterwards every activation is Active with exactly one recorded pair.
 */
class CrashIT {
  static final int TENANTS = 100;
  static final List<String> LISTINGS = List.of("crash-ledger", "crash-crm", "crash-shop");
  static final int KILLS = Integer.getInteger("appconnector.crash.kills", 30);
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();


  @Test
  void killingTheOperatorAtRandomPointsNeverDuplicatesNorLosesACredential() throws Exception {
    KubernetesClient client = api.client();
    for (String listing : LISTINGS) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName("v-" + listing).endMetadata().build()).create();
      client.resource(vendorListing(listing, "v-" + listing, "invoices.read")).create();
    }
    List<Activation> pending = new java.util.ArrayList<>();
    for (int t = 0; t < TENANTS; t++) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName("crash-t" + t).endMetadata().build()).create();
      for (String listing : LISTINGS) {
        pending.add(activation("crash-t" + t, listing, listing, "invoices.read"));
      }
    }
    int total = pending.size();
    int batch = (total + KILLS - 1) / KILLS;
    Path dir = Files.createDirectories(Path.of("target", "reliability"));
    Path kubeconfig = Files.writeString(dir.resolve("crash-kubeconfig.yaml"), api.kubeConfigYaml());
    Path log = dir.resolve("crash-operator.log");
    Files.deleteIfExists(log);
    Random random = new Random(Long.getLong("appconnector.crash.seed", System.nanoTime()));
    int killedMidWork = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      // Each round adds a batch, so every kill lands while the operator issues.
      pending.subList(0, Math.min(batch, pending.size())).forEach(a -> client.resource(a).create());
      pending.subList(0, Math.min(batch, pending.size())).clear();
      OperatorProcess operator = OperatorProcess.start(kubeconfig, log, Map.of());
      Thread.sleep(random.nextInt(1500));
      operator.kill();
      if (active(client) < total) {
        killedMidWork++;
      }
    }
    pending.forEach(a -> client.resource(a).create());
    try (OperatorProcess last = OperatorProcess.start(kubeconfig, log, Map.of())) {
      Await.until("every activation Active", () -> active(client), n -> n == total, Duration.ofMinutes(4));
    }

    Map<String, Integer> pairsPerActivation = new HashMap<>();
    int lost = 0;
    int unrecorded = 0;
    for (String listing : LISTINGS) {
      for (Secret s : client.secrets().inNamespace("v-" + listing)
          .withLabel(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED).list().getItems()) {
        pairsPerActivation.merge(s.getMetadata().getAnnotations().get(DeliveryNames.ACTIVATION_REF), 1, Integer::sum);
      }
    }
    for (Activation a : client.resources(Activation.class).inAnyNamespace().list().getItems()) {
      DeliveredCredentials d = DeliveredCredentials.read(client.secrets().inNamespace("v-" + a.getSpec().listing)
          .withName(DeliveryNames.secretName(a)).get());
      if (d == null) {
        lost++;
      } else if (!d.clientId().equals(a.getStatus().credential.clientId)
          || !SecretVerifier.matches(a.getStatus().credential.verifier, d.clientSecret())) {
        unrecorded++;
      }
    }
    long duplicates = pairsPerActivation.values().stream().filter(n -> n > 1).count();
    System.out.printf("RELIABILITY crash: kills=%d killedMidWork=%d activations=%d duplicates=%d lost=%d unrecorded=%d%n",
        KILLS, killedMidWork, total, duplicates, lost, unrecorded);
    assertEquals(total, pairsPerActivation.size(), "one delivered Secret per activation");
    assertEquals(0, duplicates);
    assertEquals(0, lost, "no record without its Secret");
    assertEquals(0, unrecorded, "no Secret without its record");
  }

  static long active(KubernetesClient client) {
    return client.resources(Activation.class).inAnyNamespace().list().getItems().stream()
        .filter(a -> a.getStatus() != null && a.getStatus().phase == Phase.Active).count();
  }
}
