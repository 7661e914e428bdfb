package io.appconnector.operator.reconciler;

import io.appconnector.operator.dependent.VendorNotifications;
import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.observability.ProductMetrics;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A restarted operator writes nothing where nothing changed: every activation and listing is
 * reconciled again, and the listings' status (Ready, counts) is not rewritten on the way.
 */
class RestartWritesIT {
  static final int LISTINGS = 3;
  static final int PER_LISTING = 3;

  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();

  /** Every request other than a read or a watch the operator's client sends, as "METHOD path". */
  static final class Writes implements Interceptor {
    final Queue<String> seen = new ConcurrentLinkedQueue<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      if (!"GET".equals(request.method())) {
        seen.add(request.method() + " " + request.uri().getRawPath());
      }
    }
  }

  record Started(Operator operator, KubernetesClient client, MeterRegistry registry) {
  }

  static Started start(Writes writes) {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(api.client().getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("restart-writes", writes)).build();
    MeterRegistry registry = new SimpleMeterRegistry();
    Operator operator = AppConnectorOperator.create(client, new OperatorSettings(
        "https://tokens.example.test/oauth2/token", Set.of(), "default", false, "restart-writes"),
        Clock.systemUTC(), new ProductMetrics(registry, Clock.systemUTC()),
        VendorNotifications.Settings.DEFAULT);
    operator.start();
    return new Started(operator, client, registry);
  }

  /** JOSDK's count of reconciles of one kind that ended, successful or not, and of those started. */
  static double reconciles(MeterRegistry registry, String name, String kind) {
    return registry.getMeters().stream().filter(m -> m instanceof Counter && m.getId().getName().equals(name))
        .filter(m -> m.getId().getTags().stream().anyMatch(t -> t.getValue().equalsIgnoreCase(kind)))
        .mapToDouble(m -> ((Counter) m).count()).sum();
  }

  static boolean settled(MeterRegistry registry, String kind, int atLeast) {
    double started = reconciles(registry, "operator.sdk.reconciliations.started", kind);
    double ended = reconciles(registry, "operator.sdk.reconciliations.success", kind)
        + reconciles(registry, "operator.sdk.reconciliations.failed", kind);
    return ended >= atLeast && ended == started;
  }

  @Test
  void aRestartedOperatorRewritesNoListingNorActivationThatDidNotChange() {
    KubernetesClient admin = api.client();
    admin.resource(new NamespaceBuilder().withNewMetadata().withName("rw-vendor").endMetadata().build()).create();
    for (int l = 0; l < LISTINGS; l++) {
      admin.resource(vendorListing("rw-listing-" + l, "rw-vendor", "invoices.read")).create();
      for (int a = 0; a < PER_LISTING; a++) {
        String tenant = "rw-tenant-" + l + "-" + a;
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(tenant).endMetadata().build()).create();
        admin.resource(activation(tenant, "app", "rw-listing-" + l, "invoices.read")).create();
      }
    }
    Started first = start(new Writes());
    try {
      Await.until("every activation Active", () -> admin.resources(Activation.class).inAnyNamespace().list().getItems(),
          list -> list.size() == LISTINGS * PER_LISTING
              && list.stream().allMatch(a -> a.getStatus() != null && a.getStatus().phase == Phase.Active),
          Duration.ofSeconds(90));
      Await.until("every listing counts its activations", () -> admin.resources(AppListing.class).list().getItems(),
          list -> list.stream().allMatch(l -> l.getStatus() != null
              && Integer.valueOf(PER_LISTING).equals(l.getStatus().activeActivations)),
          Duration.ofSeconds(60));
    } finally {
      first.operator().stop();
      first.client().close();
    }

    Writes writes = new Writes();
    Started second = start(writes);
    try {
      Await.until("the restarted operator reconciled every activation and listing, none in progress",
          second::registry, r -> settled(r, "activation", LISTINGS * PER_LISTING)
              && settled(r, "applisting", LISTINGS), Duration.ofSeconds(90));
      assertEquals(List.of(), List.copyOf(writes.seen), "writes of the restarted operator");
      for (AppListing listing : admin.resources(AppListing.class).list().getItems()) {
        assertEquals(PER_LISTING, listing.getStatus().activeActivations, listing.getMetadata().getName());
      }
    } finally {
      second.operator().stop();
      second.client().close();
    }
  }
}
