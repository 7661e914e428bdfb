package io.appconnector.operator.reconciler;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.appconnector.operator.logic.NetworkFence;
import io.appconnector.operator.support.Await;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NetworkPolicies of TrustedOnly activations, end to end. */
abstract class TrustedNetworkScenarios extends OperatorScenarios {

  TrustedNetwork network(String name, List<String> cidrs, List<String> exceptions) {
    TrustedNetwork n = new TrustedNetwork();
    n.setMetadata(new ObjectMetaBuilder().withNamespace(tenant).withName(name).build());
    n.setSpec(new TrustedNetworkSpec());
    n.getSpec().cidrs = cidrs;
    n.getSpec().exceptions = exceptions;
    return client().resource(n).create();
  }

  NetworkPolicy policy(String activation) {
    return client().network().v1().networkPolicies().inNamespace(tenant).withName("appconnector-" + activation + "-trusted").get();
  }

  static List<String> blocks(NetworkPolicy p) {
    return p.getSpec().getIngress().stream().flatMap(i -> i.getFrom().stream()).map(f -> {
      IPBlock b = f.getIpBlock();
      return b.getCidr() + (b.getExcept() == null || b.getExcept().isEmpty() ? "" : " except " + b.getExcept());
    }).toList();
  }

  Activation trustedOnly(String listingName) {
    Activation a = activation(tenant, "ledger", listingName, "invoices.read");
    a.getSpec().networkSecurity = NetworkSecurity.TrustedOnly;
    return create(a);
  }

  @Test
  void aTrustedOnlyActivationAdmitsExactlyItsTenantsNetworksOnTheApiPorts() {
    network("offices", List.of("203.0.113.0/24", "2001:db8::/32"), List.of("203.0.113.128/25", "2001:db8:ff::/48"));
    network("datacenter", List.of("198.51.100.0/24"), null);
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    trustedOnly(l.getMetadata().getName());
    Activation active = awaitPhase(tenant, "ledger", Phase.Active);

    NetworkPolicy p = Await.until("the policy", () -> policy("ledger"), x -> x != null);
    assertEquals(Map.of("app.kubernetes.io/component", "api"), p.getSpec().getPodSelector().getMatchLabels());
    assertEquals(List.of("Ingress"), p.getSpec().getPolicyTypes());
    assertEquals(1, p.getSpec().getIngress().size());
    assertEquals(List.of("198.51.100.0/24", "2001:db8::/32 except [2001:db8:ff::/48]",
        "203.0.113.0/24 except [203.0.113.128/25]"), blocks(p));
    assertEquals(8443, p.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal());
    assertEquals("TCP", p.getSpec().getIngress().get(0).getPorts().get(0).getProtocol());
    assertEquals(active.getMetadata().getUid(), p.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals("TrustedNetworksApplied", condition(get(tenant, "ledger")).getReason());
  }

  io.fabric8.kubernetes.api.model.Condition condition(Activation a) {
    return a.getStatus().conditions.stream().filter(c -> c.getType().equals(NetworkFence.CONDITION)).findFirst().orElseThrow();
  }

  @Test
  void changingAddingAndDeletingTrustedNetworksUpdatesThePolicyWithoutARestart() {
    network("offices", List.of("203.0.113.0/24"), null);
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    trustedOnly(l.getMetadata().getName());
    Await.until("the first policy", () -> policy("ledger"), x -> x != null && blocks(x).equals(List.of("203.0.113.0/24")));

    client().resources(TrustedNetwork.class).inNamespace(tenant).withName("offices").edit(n -> {
      n.getSpec().cidrs = List.of("203.0.113.0/24", "192.0.2.0/24");
      return n;
    });
    Await.until("the changed network", () -> blocks(policy("ledger")), b -> b.equals(List.of("192.0.2.0/24", "203.0.113.0/24")));

    network("home", List.of("2001:db8:1::/48"), null);
    Await.until("the added network", () -> blocks(policy("ledger")),
        b -> b.equals(List.of("192.0.2.0/24", "2001:db8:1::/48", "203.0.113.0/24")));

    client().resources(TrustedNetwork.class).inNamespace(tenant).withName("offices").delete();
    Await.until("the deleted network", () -> blocks(policy("ledger")), b -> b.equals(List.of("2001:db8:1::/48")));
  }

  @Test
  void withoutAValidTrustedNetworkTheFenceDeniesAndSaysSo() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    trustedOnly(l.getMetadata().getName());
    Activation a = Await.until("the NoTrustedNetworks condition", () -> get(tenant, "ledger"),
        x -> x.getStatus() != null && x.getStatus().conditions.stream().anyMatch(c -> "NoTrustedNetworks".equals(c.getReason())));
    assertEquals("False", condition(a).getStatus());
    assertEquals("False", a.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst()
        .orElseThrow().getStatus());
    NetworkPolicy p = policy("ledger");
    assertTrue(p.getSpec().getIngress().isEmpty(), "no ingress rule: the API pods admit no one");
    assertEquals(List.of("Ingress"), p.getSpec().getPolicyTypes());
  }

  @Test
  void unrestrictedSuspendedAndDeletedActivationsKeepNoPolicy() {
    network("offices", List.of("203.0.113.0/24"), null);
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    trustedOnly(l.getMetadata().getName());
    Await.until("the policy", () -> policy("ledger"), x -> x != null);

    edit(tenant, "ledger", s -> s.networkSecurity = NetworkSecurity.Unrestricted);
    Await.until("no policy once Unrestricted", () -> policy("ledger"), x -> x == null);
    // The policy goes before the status is written: wait for the status to say so too.
    Await.until("the Unrestricted condition", () -> condition(get(tenant, "ledger")).getReason(), "Unrestricted"::equals);

    edit(tenant, "ledger", s -> s.networkSecurity = NetworkSecurity.TrustedOnly);
    Await.until("the policy again", () -> policy("ledger"), x -> x != null);
    edit(tenant, "ledger", s -> s.suspended = true);
    Await.until("no policy while suspended", () -> policy("ledger"), x -> x == null);

    edit(tenant, "ledger", s -> s.suspended = false);
    Await.until("the policy after restore", () -> policy("ledger"), x -> x != null);
    client().resources(Activation.class).inNamespace(tenant).withName("ledger").delete();
    Await.until("no policy once deleted", () -> policy("ledger"), x -> x == null);
  }

  @Test
  void anUnrestrictedActivationIsToldWhenAnotherOnesPolicyFencesTheSamePods() {
    network("offices", List.of("203.0.113.0/24"), null);
    AppListing fenced = listing(vendorListing("ledger", vendor, "invoices.read"));
    AppListing open = listing(vendorListing("crm", vendor, "contacts.read"));
    trustedOnly(fenced.getMetadata().getName());
    create(activation(tenant, "crm", open.getMetadata().getName(), "contacts.read"));
    Activation crm = Await.until("crm told about the shared fence", () -> get(tenant, "crm"),
        x -> x.getStatus() != null && x.getStatus().conditions.stream().anyMatch(c -> "FencedBySharedPolicy".equals(c.getReason())));
    assertTrue(condition(crm).getMessage().contains(tenant + "/ledger"), condition(crm).getMessage());
    assertTrue(policy("crm") == null, "Unrestricted activations write no policy");
  }
}
