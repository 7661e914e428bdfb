package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.dependent.VendorNotifications;
import io.appconnector.operator.dependent.WebhookSignature;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.logic.IdleExpiry;
import io.appconnector.operator.observability.ProductMetrics;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.appconnector.operator.support.Resources;
import io.appconnector.operator.values.DeliveryNames;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A vendor's webhook receiving the operator's CloudEvents on a real kube-apiserver: every event of
 * an activation's life (all eight types: issued, rotated, retired, suspended, restored, consent renewed,
 * expired, revoked) arrives once, in order, with a signature the vendor verifies with the key
 * from its own namespace, also when the webhook was down for a while.
 */
class VendorWebhookIT extends TokenScenarios {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Receiver receiver = new Receiver();

  @Override
  protected KubernetesClient client() {
    return api.client();
  }

  @Override
  void startOperator() {
    operator = AppConnectorOperator.create(client(), new OperatorSettings(server.settings().tokenEndpoint(), Set.of(),
        operatorNs, false, "test"), clock, new ProductMetrics(registry, clock),
        new VendorNotifications.Settings(100, Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMinutes(2),
            Duration.ofSeconds(2)));
    operator.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  /** The vendor's endpoint: verifies each signature with the key in its namespace, answers 503 while down. */
  final class Receiver implements AutoCloseable {
    final HttpServer http;
    final AtomicBoolean down = new AtomicBoolean(true);
    final AtomicInteger refused = new AtomicInteger();
    final List<CloudEvent> received = new CopyOnWriteArrayList<>();
    final List<String> badSignatures = new CopyOnWriteArrayList<>();

    Receiver() {
      try {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      http.createContext("/hooks", exchange -> {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (down.get()) {
          refused.incrementAndGet();
          exchange.sendResponseHeaders(503, -1);
          exchange.close();
          return;
        }
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        long timestamp = Long.parseLong(exchange.getRequestHeaders().getFirst("webhook-timestamp"));
        String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
        String key = new String(Base64.getDecoder().decode(client().secrets().inNamespace(vendorNs)
            .withName("appconnector-webhook." + listingName).get().getData().get("signingKey")), StandardCharsets.UTF_8);
        if (!WebhookSignature.verify(key, id, timestamp, body, signature)) {
          badSignatures.add(id);
          exchange.sendResponseHeaders(400, -1);
        } else {
          CloudEvent event = new JsonFormat().deserialize(body);
          assertEquals(id, event.getId());
          received.add(event);
          exchange.sendResponseHeaders(204, -1);
        }
        exchange.close();
      });
      http.start();
    }

    String url() {
      return "http://127.0.0.1:" + http.getAddress().getPort() + "/hooks";
    }

    List<String> types() {
      return received.stream().map(e -> e.getType().replace("io.appconnector.", "")).toList();
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  String listingName;

  @Test
  void everyEventOfAnActivationArrivesOnceInOrderSignedAndSurvivesTheWebhookBeingDown() {
    AppListing l = vendorListing("ledger", vendorNs, "invoices.read");
    l.getSpec().notifications = new AppListingSpec.Notifications();
    l.getSpec().notifications.webhook = new AppListingSpec.Webhook();
    l.getSpec().notifications.webhook.url = receiver.url();
    l.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    l.getSpec().credentialPolicy.idleLifetime = "1h";
    l = listing(l);
    listingName = l.getMetadata().getName();

    // Down: issuing and rotating queue their events and reconciling goes on.
    Activation a = awaitPhase(tenant, create(activation(tenant, "ledger", listingName, "invoices.read"))
        .getMetadata().getName(), Phase.Active);
    Vendor.Mounted first = mounted(a);
    edit(tenant, "ledger", s -> s.rotateSecret = 1);
    DeliveredCredentials rotated = Await.until("the rotation delivered while the webhook is down",
        () -> DeliveredCredentials.read(client().secrets().inNamespace(vendorNs).withName(DeliveryNames.secretName(a))
            .get()), d -> first.clientSecret().equals(d.previousClientSecret()));
    Await.until("several refused attempts", receiver.refused::get, n -> n >= 3);
    assertTrue(receiver.received.isEmpty());
    receiver.down.set(false);
    Await.until("issued and rotated delivered after the outage", receiver::types,
        t -> t.equals(List.of("credentials.issued", "credentials.rotated")));

    // Up: each further step arrives in order.
    Await.until("the new secret exchanges", () -> vendor.basic(first.withSecret(rotated.clientSecret()), null).status(),
        s -> s == 200);
    Await.until("retired", receiver::types, t -> t.contains("credentials.retired"));
    edit(tenant, "ledger", s -> s.suspended = true);
    Await.until("suspended", receiver::types, t -> t.contains("credentials.suspended"));
    edit(tenant, "ledger", s -> s.suspended = false);
    Await.until("restored", receiver::types, t -> t.contains("credentials.restored"));
    // The listing asks for more data; the tenant consents again.
    Resources.editListing(client(), listingName, x -> {
      x.getSpec().lifecycle = AppListingSpec.Lifecycle.Draft;
      return x;
    });
    Resources.editListing(client(), listingName, x -> {
      AppListingSpec.DataScope more = new AppListingSpec.DataScope();
      more.scope = "payments.read";
      more.description = "payments";
      x.getSpec().dataAccess.add(more);
      x.getSpec().lifecycle = AppListingSpec.Lifecycle.Approved;
      return x;
    });
    Await.until("consent reported stale", () -> get(tenant, "ledger"), x -> x.getStatus().phase == Phase.AwaitingConsent);
    edit(tenant, "ledger", s -> s.consent.dataAccess = List.of("invoices.read", "payments.read"));
    awaitPhase(tenant, "ledger", Phase.Active);
    Await.until("consent renewed", receiver::types, t -> t.contains("consent.renewed"));
    // Nobody uses the credentials for longer than the listing's idle lifetime: the clock moves past it,
    // and the next look at the activation (a label a tool adds) finds them expired.
    Activation beforeIdle = get(tenant, "ledger");
    clock.jumpTo(IdleExpiry.deadline(beforeIdle.getStatus().credential, client().resources(AppListing.class).withName(listingName).get().getSpec()).plusSeconds(1));
    client().resource(beforeIdle).edit(x -> {
      java.util.Map<String, String> labels = new java.util.HashMap<>();
      if (x.getMetadata().getLabels() != null) {
        labels.putAll(x.getMetadata().getLabels());
      }
      labels.put("example.com/touched", "yes");
      x.getMetadata().setLabels(labels);
      return x;
    });
    awaitPhase(tenant, "ledger", Phase.Expired);
    Await.until("expired", receiver::types, t -> t.contains("credentials.expired"));
    client().resource(get(tenant, "ledger")).delete();
    List<String> all = Await.until("revoked", receiver::types, t -> t.contains("credentials.revoked"));

    assertEquals(List.of("credentials.issued", "credentials.rotated", "credentials.retired", "credentials.suspended",
        "credentials.restored", "consent.renewed", "credentials.expired", "credentials.revoked"), all,
        "every event once, in order");
    assertTrue(receiver.badSignatures.isEmpty(), "every signature verifies: " + receiver.badSignatures);
    Set<String> ids = new HashSet<>();
    for (CloudEvent event : receiver.received) {
      assertTrue(ids.add(event.getId()), "unique ID " + event.getId());
      assertEquals("1.0", event.getSpecVersion().toString());
      assertEquals(tenant + "/ledger", event.getSubject());
      assertEquals("/apis/appconnector.io/v1alpha1/namespaces/" + tenant + "/activations/ledger",
          event.getSource().toString());
      String data = new String(event.getData().toBytes(), StandardCharsets.UTF_8);
      assertTrue(data.contains(first.clientId()), data);
      assertFalse(data.contains(first.clientSecret()) || data.contains(rotated.clientSecret()), "never a secret");
    }
    assertTrue(registry.get("appconnector.webhook.deliveries").tag("listing", listingName).tag("outcome", "retried")
        .counter().count() >= 3);
    assertEquals(8.0, registry.get("appconnector.webhook.deliveries").tag("listing", listingName)
        .tag("outcome", "delivered").counter().count());
    List<String> listingEvents = new ArrayList<>(client().events().v1().events().inNamespace("default").list().getItems()
        .stream().filter(e -> listingName.equals(e.getRegarding().getName())).map(e -> e.getReason()).toList());
    assertTrue(listingEvents.contains("NotificationRetrying"), "the outage is an Event on the listing: " + listingEvents);
  }
}
