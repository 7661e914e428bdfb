package io.appconnector.operator.logic;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkFenceTest {
  final AppListing listing = vendorListing("ledger", "vendor-ledger", "invoices.read");
  final Activation activation = activation("tenant-acme", "ledger", "ledger", "invoices.read");

  NetworkFenceTest() {
    activation.getSpec().networkSecurity = NetworkSecurity.TrustedOnly;
  }

  static TrustedNetwork network(String name, List<String> cidrs, List<String> exceptions) {
    TrustedNetwork n = new TrustedNetwork();
    n.setMetadata(new ObjectMetaBuilder().withNamespace("tenant-acme").withName(name).build());
    n.setSpec(new TrustedNetworkSpec());
    n.getSpec().cidrs = cidrs;
    n.getSpec().exceptions = exceptions;
    return n;
  }

  NetworkFence.Fence decide(List<TrustedNetwork> networks, Namespace tenant) {
    return NetworkFence.decide(activation, listing.getSpec(), true, tenant, networks, List.of(), ApiPods.DEFAULT);
  }

  @Test
  void thePolicyAdmitsEachCidrWithTheExceptionsInsideItOnTheApiPorts() {
    NetworkFence.Fence fence = decide(List.of(
        network("offices", List.of("203.0.113.0/24", "2001:db8::/32"), List.of("203.0.113.128/25", "2001:db8:ff::/48")),
        network("dc", List.of("198.51.100.0/24"), null)), null);
    NetworkPolicy p = fence.policy();
    assertEquals("appconnector-ledger-trusted", p.getMetadata().getName());
    assertEquals("tenant-acme", p.getMetadata().getNamespace());
    assertEquals(Map.of("app.kubernetes.io/component", "api"), p.getSpec().getPodSelector().getMatchLabels());
    var from = p.getSpec().getIngress().get(0).getFrom();
    assertEquals("198.51.100.0/24", from.get(0).getIpBlock().getCidr());
    assertTrue(from.get(0).getIpBlock().getExcept().isEmpty());
    assertEquals("2001:db8::/32", from.get(1).getIpBlock().getCidr());
    assertEquals(List.of("2001:db8:ff::/48"), from.get(1).getIpBlock().getExcept());
    assertEquals("203.0.113.0/24", from.get(2).getIpBlock().getCidr());
    assertEquals(List.of("203.0.113.128/25"), from.get(2).getIpBlock().getExcept());
    assertEquals(8443, p.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal());
    assertEquals("True", fence.condition().getStatus());
    assertFalse(fence.blocksReady());
  }

  @Test
  void invalidCidrsThatReachTheOperatorAreReportedAndNeverWidenAccess() {
    NetworkFence.Fence fence = decide(List.of(
        network("typo", List.of("203.0.113.0/24", "10.1.2.3/16"), null),
        network("bad-exception", List.of("198.51.100.0/24"), List.of("not-a-cidr"))), null);
    var from = fence.policy().getSpec().getIngress().get(0).getFrom();
    assertEquals(1, from.size(), "only the valid CIDR of 'typo'; 'bad-exception' is left out entirely");
    assertEquals("203.0.113.0/24", from.get(0).getIpBlock().getCidr());
    assertTrue(fence.condition().getMessage().contains("'10.1.2.3/16' has host bits set"), fence.condition().getMessage());
    assertTrue(fence.condition().getMessage().contains("bad-exception: exception"), fence.condition().getMessage());
  }

  @Test
  void withNoValidNetworkThePolicyDeniesAllIngressAndReadyTurnsFalse() {
    NetworkFence.Fence fence = decide(List.of(network("typo", List.of("10.1.2.3/16"), null)), null);
    assertTrue(fence.policy().getSpec().getIngress().isEmpty());
    assertEquals(List.of("Ingress"), fence.policy().getSpec().getPolicyTypes());
    assertEquals("NoTrustedNetworks", fence.condition().getReason());
    assertTrue(fence.blocksReady());
  }

  @Test
  void theListingsSelectorWinsOverTheTenantsWhichWinsOverTheDefault() {
    Namespace tenant = new NamespaceBuilder().withNewMetadata().withName("tenant-acme")
        .addToAnnotations(NetworkFence.TENANT_SELECTOR_ANNOTATION, "app=tenant-api")
        .addToAnnotations(NetworkFence.TENANT_PORTS_ANNOTATION, "9443").endMetadata().build();
    List<TrustedNetwork> nets = List.of(network("offices", List.of("203.0.113.0/24"), null));
    NetworkPolicy byTenant = decide(nets, tenant).policy();
    assertEquals(Map.of("app", "tenant-api"), byTenant.getSpec().getPodSelector().getMatchLabels());
    assertEquals(9443, byTenant.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal());

    listing.getSpec().network = new AppListingSpec.NetworkOverride();
    listing.getSpec().network.apiPodSelector = Map.of("app", "ledger-api");
    listing.getSpec().network.apiPorts = List.of(7443);
    NetworkPolicy byListing = decide(nets, tenant).policy();
    assertEquals(Map.of("app", "ledger-api"), byListing.getSpec().getPodSelector().getMatchLabels());
    assertEquals(7443, byListing.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal());
  }

  @Test
  void unrestrictedInactiveAndPlatformBuiltActivationsNeedNoPolicy() {
    List<TrustedNetwork> nets = List.of(network("offices", List.of("203.0.113.0/24"), null));
    assertNull(NetworkFence.decide(activation, listing.getSpec(), false, null, nets, List.of(), ApiPods.DEFAULT).policy());
    activation.getSpec().networkSecurity = NetworkSecurity.Unrestricted;
    NetworkFence.Fence open = decide(nets, null);
    assertNull(open.policy());
    assertEquals("Unrestricted", open.condition().getReason());
    listing.getSpec().developedBy = AppListingSpec.Party.Platform;
    assertNull(decide(nets, null).condition());
  }
}
