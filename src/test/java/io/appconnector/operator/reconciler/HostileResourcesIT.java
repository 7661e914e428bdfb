package io.appconnector.operator.reconciler;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Custom resources at the limits of what the API accepts: extreme sizes, unicode, missing
 * references, and activations racing for one listing. None crashes the operator or stops it from
 * serving other tenants.
 */
class HostileResourcesIT extends OperatorScenarios {
  static final String UNICODE = "Zahlungsübersicht 💸 מדריך ‮reversed‬ e\u0301 中文 ";
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();


  @Override
  protected KubernetesClient client() {
    return api.client();
  }

  @Test
  void extremeSizesUnicodeMissingReferencesAndRacesDoNotStopTheOperatorServingOthers() {
    // The largest listing the schema admits: 32 scopes of 64 characters, long unicode texts.
    AppListing huge = vendorListing("huge", vendor);
    huge.getSpec().displayName = UNICODE.repeat(3).substring(0, 100);
    huge.getSpec().description = UNICODE.repeat(200).substring(0, 4000);
    huge.getSpec().dataAccess = new ArrayList<>();
    List<String> scopes = IntStream.range(0, 32).mapToObj(i -> "s" + i + ".")
        .map(p -> p + "x".repeat(64 - p.length())).toList();
    for (String scope : scopes) {
      AppListingSpec.DataScope d = new AppListingSpec.DataScope();
      d.scope = scope;
      d.description = UNICODE.repeat(40).substring(0, 500);
      huge.getSpec().dataAccess.add(d);
    }
    AppListing l = listing(huge);

    // The longest activation name and namespace Kubernetes allows.
    String longNamespace = ("t" + suffix + "-" + "n".repeat(63)).substring(0, 63);
    client().resource(new NamespaceBuilder().withNewMetadata().withName(longNamespace).endMetadata().build()).create();
    String longName = "a".repeat(200) + "." + "b".repeat(52);
    Activation big = activation(longNamespace, longName, l.getMetadata().getName(), scopes.toArray(String[]::new));
    big.getSpec().networkSecurity = NetworkSecurity.TrustedOnly;
    TrustedNetwork net = new TrustedNetwork();
    net.setMetadata(new ObjectMetaBuilder().withNamespace(longNamespace).withName("n".repeat(253)).build());
    net.setSpec(new TrustedNetworkSpec());
    net.getSpec().cidrs = IntStream.range(0, 64).mapToObj(i -> "10." + i + ".0.0/16").toList();
    net.getSpec().description = UNICODE.repeat(20).substring(0, 500);
    client().resource(net).create();
    create(big);

    // Missing references and a race: five tenants at once for one SingleTenant listing.
    create(activation(tenant, "ghost", "listing-that-does-not-exist", "x"));
    AppListing single = vendorListing("single", vendor, "stock.read");
    single.getSpec().installation = AppListingSpec.Installation.SingleTenant;
    AppListing s = listing(single);
    List<String> racers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String ns = "race" + i + "-" + suffix;
      racers.add(ns);
      client().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    racers.parallelStream().forEach(ns -> create(activation(ns, "single", s.getMetadata().getName(), "stock.read")));

    // Meanwhile an ordinary tenant is served.
    AppListing plain = listing(vendorListing("plain", vendor, "invoices.read"));
    create(activation(otherTenant, "plain", plain.getMetadata().getName(), "invoices.read"));
    awaitPhase(otherTenant, "plain", Phase.Active);

    Activation bigActive = awaitPhase(longNamespace, longName, Phase.Active);
    assertEquals(32, bigActive.getStatus().credential.grantedScopes.size());
    assertEquals(64, client().network().v1().networkPolicies().inNamespace(longNamespace).list().getItems().get(0)
        .getSpec().getIngress().get(0).getFrom().size());
    awaitPhase(tenant, "ghost", Phase.Rejected);
    List<Activation> decided = Await.until("every racer decided", () -> racers.stream().map(ns -> get(ns, "single")).toList(),
        list -> list.stream().allMatch(a -> a.getStatus() != null && a.getStatus().phase != null
            && a.getStatus().phase != Phase.Pending), Duration.ofSeconds(60));
    assertEquals(1, decided.stream().filter(a -> a.getStatus().phase == Phase.Active).count(), "exactly one holder");
    assertEquals(4, decided.stream().filter(a -> a.getStatus().phase == Phase.Rejected).count());
    assertEquals(1, client().secrets().inNamespace(vendor).withLabel("appconnector.io/listing", s.getMetadata().getName())
        .list().getItems().size(), "one credential pair for the SingleTenant listing");
  }
}
