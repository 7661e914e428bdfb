package io.appconnector.operator.logic;

import io.appconnector.operator.values.Conditions;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkStatus;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The status of a TrustedNetwork: how many networks it trusts and a Ready condition. The schema has
 * already refused what is not a CIDR and exceptions outside the networks, so what reaches the
 * operator is accepted as it is; Ready says so for {@code kubectl wait} and GitOps tools.
 */
public final class NetworkReadiness {
  private NetworkReadiness() {
  }

  public static TrustedNetworkStatus status(TrustedNetwork network, Instant now) {
    List<String> cidrs = network.getSpec() == null || network.getSpec().cidrs == null ? List.of() : network.getSpec().cidrs;
    int exceptions = network.getSpec() == null || network.getSpec().exceptions == null ? 0
        : network.getSpec().exceptions.size();
    int networks = new HashSet<>(cidrs).size();
    long generation = Objects.requireNonNullElse(network.getMetadata().getGeneration(), 0L);
    TrustedNetworkStatus previous = network.getStatus();
    TrustedNetworkStatus status = new TrustedNetworkStatus();
    status.observedGeneration = generation;
    status.networks = networks;
    String message = networks + (networks == 1 ? " network" : " networks")
        + (exceptions == 0 ? "" : " (less " + exceptions + (exceptions == 1 ? " exception" : " exceptions") + ")")
        + " trusted by the TrustedOnly activations of this namespace.";
    status.conditions = Conditions.merge(previous == null ? null : previous.conditions,
        List.of(Conditions.of(Conditions.READY, true, "Accepted", message)), generation, now);
    return status;
  }
}
