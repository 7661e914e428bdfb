package io.appconnector.operator.logic;

import io.appconnector.operator.values.NamespacedName;
import io.appconnector.operator.values.Cidr;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.values.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The NetworkPolicy a TrustedOnly activation needs, as a pure function of the activation, its
 * listing, the tenant's namespace and TrustedNetworks, and the operator's API pod defaults. See
 * docs/trusted-networks.md for what a tenant gets when activations differ.
 */
public final class NetworkFence {
  public static final String CONDITION = "NetworkFenced";
  public static final String ROLE_POLICY = "trusted-networks";
  public static final String TENANT_SELECTOR_ANNOTATION = "appconnector.io/api-pod-selector";
  public static final String TENANT_PORTS_ANNOTATION = "appconnector.io/api-ports";

  private NetworkFence() {
  }

  /**
   * @param policy the policy that should exist for this activation, or null for none
   * @param condition the NetworkFenced condition, or null where fencing does not apply
   * @param blocksReady true when the fence denies everything because no trusted network is valid
   */
  public record Fence(NetworkPolicy policy, Condition condition, boolean blocksReady) {
    static final Fence NONE = new Fence(null, null, false);
  }

  public static Fence decide(Activation activation, AppListingSpec listing, boolean active, Namespace tenant,
      Collection<TrustedNetwork> networks, Collection<NetworkPolicy> tenantPolicies, ApiPods defaults) {
    if (!active || listing.developedBy != AppListingSpec.Party.Vendor) {
      return Fence.NONE;
    }
    ApiPods pods = apiPods(listing, tenant, defaults);
    if (activation.getSpec().networkSecurity != NetworkSecurity.TrustedOnly) {
      List<String> fencedBy = tenantPolicies.stream()
          .filter(p -> pods.selector().equals(p.getSpec().getPodSelector().getMatchLabels()))
          .map(p -> p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(DeliveryNames.ACTIVATION_REF))
          .filter(Objects::nonNull)
          .filter(ref -> !ref.equals(NamespacedName.ref(activation)))
          .sorted().toList();
      String message = fencedBy.isEmpty()
          ? "Unrestricted: tokens are issued to callers from any address, and no NetworkPolicy limits the API pods."
          : "Unrestricted at the token endpoint, but the API pods " + pods.selector() + " are fenced by TrustedOnly "
              + "activation(s) " + String.join(", ", fencedBy) + ": NetworkPolicies are per pod, so this app's traffic to "
              + "them is limited to the tenant's trusted networks too. Use a listing with its own API pods to keep it open.";
      return new Fence(null, Conditions.of(CONDITION, !fencedBy.isEmpty(),
          fencedBy.isEmpty() ? "Unrestricted" : "FencedBySharedPolicy", message), false);
    }
    List<String> ignored = new ArrayList<>();
    List<IPBlock> blocks = ipBlocks(networks, ignored);
    NetworkPolicy policy = policy(activation, pods, blocks);
    String name = policy.getMetadata().getName();
    String note = ignored.isEmpty() ? "" : " Ignored invalid entries: " + String.join("; ", ignored) + ".";
    if (blocks.isEmpty()) {
      return new Fence(policy, Conditions.of(CONDITION, false, "NoTrustedNetworks",
          "networkSecurity is TrustedOnly but this tenant has no valid TrustedNetwork, so NetworkPolicy " + name
              + " lets no one reach the API pods " + pods.selector() + " and tokens are refused. Create a TrustedNetwork "
              + "in this namespace to allow your networks." + note), true);
    }
    List<String> names = networks.stream().map(n -> n.getMetadata().getName()).sorted().toList();
    return new Fence(policy, Conditions.of(CONDITION, true, "TrustedNetworksApplied",
        "NetworkPolicy " + name + " admits only " + blocks.size() + " trusted network(s) from " + String.join(", ", names)
            + " to the API pods " + pods.selector() + " on port(s) " + pods.ports() + "." + note), false);
  }

  static ApiPods apiPods(AppListingSpec listing, Namespace tenant, ApiPods defaults) {
    if (listing.network != null && listing.network.apiPodSelector != null && !listing.network.apiPodSelector.isEmpty()) {
      List<Integer> ports = listing.network.apiPorts == null || listing.network.apiPorts.isEmpty()
          ? defaults.ports() : listing.network.apiPorts;
      return new ApiPods(Map.copyOf(listing.network.apiPodSelector), ports);
    }
    Map<String, String> annotations = tenant == null ? null : tenant.getMetadata().getAnnotations();
    if (annotations != null && annotations.get(TENANT_SELECTOR_ANNOTATION) != null) {
      try {
        return ApiPods.parse(annotations.get(TENANT_SELECTOR_ANNOTATION),
            annotations.getOrDefault(TENANT_PORTS_ANNOTATION, defaults.ports().stream().map(String::valueOf)
                .reduce((a, b) -> a + "," + b).orElse("")));
      } catch (IllegalArgumentException e) {
        return defaults;
      }
    }
    return defaults;
  }

  /** One ipBlock per valid CIDR, with the valid exceptions inside it; invalid entries are reported, never widened. */
  static List<IPBlock> ipBlocks(Collection<TrustedNetwork> networks, List<String> ignored) {
    List<IPBlock> blocks = new ArrayList<>();
    for (TrustedNetwork network : networks.stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList()) {
      String id = network.getMetadata().getName();
      TrustedRanges ranges = TrustedRanges.of(network);
      for (TrustedRanges.Problem problem : ranges.problems()) {
        // A broken exception would widen access if dropped: the whole network is left out instead.
        ignored.add(problem.kind().equals("exception") ? id + ": exception " + problem.message() + " (network left out)"
            : id + ": " + problem.message());
      }
      for (Cidr cidr : ranges.cidrs()) {
        TreeSet<String> except = new TreeSet<>();
        for (Cidr ex : ranges.exceptions()) {
          if (ex.isIpv6() == cidr.isIpv6() && cidr.contains(ex.network()) && ex.prefix() > cidr.prefix()) {
            except.add(ex.toString());
          }
        }
        blocks.add(new IPBlockBuilder().withCidr(cidr.toString()).withExcept(new ArrayList<>(except)).build());
      }
    }
    blocks.sort(Comparator.comparing(IPBlock::getCidr));
    return blocks;
  }

  static NetworkPolicy policy(Activation activation, ApiPods pods, List<IPBlock> blocks) {
    String name = DeliveryNames.boundedName("appconnector-" + activation.getMetadata().getName() + "-trusted", 253);
    var builder = new NetworkPolicyBuilder()
        .withNewMetadata().withNamespace(activation.getMetadata().getNamespace()).withName(name)
        .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR).addToLabels(DeliveryNames.ROLE, ROLE_POLICY)
        .addToLabels(DeliveryNames.ACTIVATION, DeliveryNames.labelValue(activation.getMetadata().getName()))
        .addToAnnotations(DeliveryNames.ACTIVATION_REF, NamespacedName.ref(activation))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(activation.getApiVersion())
            .withKind(activation.getKind()).withName(activation.getMetadata().getName())
            .withUid(activation.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(false).build())
        .endMetadata()
        .withNewSpec().withNewPodSelector().withMatchLabels(new java.util.TreeMap<>(pods.selector())).endPodSelector()
        .withPolicyTypes("Ingress");
    if (blocks.isEmpty()) {
      return builder.withIngress(List.of()).endSpec().build();
    }
    return builder.addNewIngress()
        .withFrom(blocks.stream().map(b -> new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder()
            .withIpBlock(b).build()).toList())
        .withPorts(pods.ports().stream().map(p -> new NetworkPolicyPortBuilder().withProtocol("TCP")
            .withPort(new IntOrString(p)).build()).toList())
        .endIngress().endSpec().build();
  }
}
