package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TrustedOnly credentials are exchanged only from the tenant's own trusted networks, minus their
 * exceptions; these tests call from 127.0.0.1.
 */
@EnableKubernetesMockClient(crud = true)
class TrustedOnlyTokenMockServerTest extends TokenScenarios {
  static KubernetesClient client;

  @BeforeAll
  static void crds() {
    Crds.install(client, false);
  }

  @Override
  protected KubernetesClient client() {
    return client;
  }

  TrustedNetwork network(String namespace, String name, List<String> cidrs, List<String> exceptions) {
    TrustedNetwork network = new TrustedNetwork();
    network.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    network.setSpec(new TrustedNetworkSpec());
    network.getSpec().cidrs = cidrs;
    network.getSpec().exceptions = exceptions;
    return network;
  }

  @Test
  void aTrustedOnlyCredentialIsServedOnlyFromTheTenantsTrustedNetworksOutsideTheirExceptions() {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Activation fenced = activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read");
    fenced.getSpec().networkSecurity = NetworkSecurity.TrustedOnly;
    Vendor.Mounted credentials = mounted(create(fenced));
    awaitPhase(tenant, "ledger", Phase.Active);
    AppListing open = listing(vendorListing("stock", vendorNs, "stock.read"));
    Vendor.Mounted unrestricted = mounted(create(activation(tenant, "stock", open.getMetadata().getName(), "stock.read")));

    TokenRefusalsMockServerTest.assertRefused(vendor.basic(credentials, null));

    client.resource(network(otherTenant, "everything", List.of("127.0.0.0/8", "::/0"), null)).create();
    client.resource(network(tenant, "offices", List.of("192.0.2.0/24", "2001:db8::/32"), null)).create();
    TokenRefusalsMockServerTest.assertRefused(vendor.basic(credentials, null));

    client.resource(network(tenant, "loopback", List.of("127.0.0.0/8"), null)).create();
    Await.until("served from a trusted network", () -> vendor.basic(credentials, null), r -> r.status() == 200);

    client.resources(TrustedNetwork.class).inNamespace(tenant).withName("loopback").edit(n -> {
      n.getSpec().exceptions = List.of("127.0.0.1/32");
      return n;
    });
    TokenRefusalsMockServerTest.assertRefused(Await.until("refused from an exception",
        () -> vendor.basic(credentials, null), r -> r.status() == 401));
    assertEquals(200, vendor.basic(unrestricted, null).status(), "Unrestricted activations are not fenced");
  }
}
