package io.appconnector.operator.reconciler;

import io.appconnector.operator.support.Operators;
import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Restarting the operator while it issues: no second pair, no unrecorded Secret, no lost expiry. */
class RestartMidwayIT {
  static final int ACTIVATIONS = 40;
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();


  static Operator start(KubernetesClient client) {
    Operator operator = Operators.create(client, new OperatorSettings(
        "https://tokens.example.test/oauth2/token", Set.of(), "default", false, "restart-test"), Clock.systemUTC());
    operator.start();
    return operator;
  }

  @Test
  void restartsWhileIssuingLeaveExactlyOneRecordedPairPerActivation() {
    KubernetesClient client = api.client();
    client.resource(new NamespaceBuilder().withNewMetadata().withName("rm-vendor").endMetadata().build()).create();
    for (int i = 0; i < ACTIVATIONS; i++) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName("rm-tenant-" + i).endMetadata().build()).create();
    }
    client.resource(vendorListing("rm-ledger", "rm-vendor", "invoices.read")).create();
    Operator operator = start(client);
    int restarts = 0;
    for (int i = 0; i < ACTIVATIONS; i++) {
      client.resource(activation("rm-tenant-" + i, "ledger", "rm-ledger", "invoices.read")).create();
      if (i % 10 == 5) {
        operator.stop();
        operator = start(client);
        restarts++;
      }
    }
    try {
      Await.until("every activation Active", () -> client.resources(Activation.class).inAnyNamespace().list().getItems(),
          list -> list.size() == ACTIVATIONS && list.stream().allMatch(a -> a.getStatus() != null && a.getStatus().phase == Phase.Active),
          Duration.ofSeconds(90));
    } finally {
      operator.stop();
    }
    List<Secret> delivered = client.secrets().inNamespace("rm-vendor")
        .withLabel(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED).list().getItems();
    assertEquals(ACTIVATIONS, delivered.size(), "one delivered Secret per activation after " + restarts + " restarts");
    for (Activation a : client.resources(Activation.class).inAnyNamespace().list().getItems()) {
      DeliveredCredentials d = DeliveredCredentials.read(client.secrets().inNamespace("rm-vendor")
          .withName(DeliveryNames.secretName(a)).get());
      assertNotNull(d, "delivered Secret of " + a.getMetadata().getNamespace());
      assertEquals(d.clientId(), a.getStatus().credential.clientId, "record and Secret agree");
      assertTrue(SecretVerifier.matches(a.getStatus().credential.verifier, d.clientSecret()));
      assertEquals(Duration.ofHours(48), Duration.between(d.issuedAt(),
          java.time.Instant.parse(a.getStatus().credential.expiresAt)), "expiry kept from the first issue");
    }
  }
}
