package io.appconnector.operator.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.values.Conditions;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The conditions that kubectl wait and GitOps tools read besides an activation's gates. */
class GitOpsConditionsTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "Rejected, Stalled",
      "Expired, Stalled",
      "AwaitingConsent, Stalled",
      "Pending, Reconciling",
      "AwaitingVendorCredentials, Reconciling",
      "Active, ''",
      "Suspended, ''",
  })
  void eachPhaseAddsWhatKstatusReads(Phase phase, String added) {
    Condition ready = Conditions.of(Conditions.READY, phase == Phase.Active, "SomeReason", "what to do next");
    List<Condition> all = GitOpsConditions.forPhase(phase,
        List.of(ready, Conditions.of(GitOpsConditions.STALLED, true, "Old", "stale")));
    List<String> types = all.stream().map(Condition::getType).toList();
    assertEquals(added.isEmpty() ? List.of("Ready") : List.of("Ready", added), types);
    if (!added.isEmpty()) {
      Condition c = Conditions.find(all, added);
      assertEquals(List.of("True", "SomeReason", "what to do next"), List.of(c.getStatus(), c.getReason(), c.getMessage()));
    }
  }

  @ParameterizedTest(name = "{0} networks, {1} exceptions: {2}")
  @CsvSource(delimiter = '|', value = {
      "1|0|1 network trusted by the TrustedOnly activations of this namespace.",
      "2|1|2 networks (less 1 exception) trusted by the TrustedOnly activations of this namespace.",
  })
  void aTrustedNetworkIsReadyWithItsCount(int networks, int exceptions, String message) {
    TrustedNetwork network = new TrustedNetwork();
    network.setMetadata(new ObjectMetaBuilder().withName("office").withGeneration(3L).build());
    network.setSpec(new TrustedNetworkSpec());
    network.getSpec().cidrs = List.of("203.0.113.0/24", "2001:db8::/32").subList(0, networks);
    network.getSpec().exceptions = exceptions == 0 ? null : List.of("203.0.113.128/25");
    TrustedNetworkStatus status = NetworkReadiness.status(network, Instant.parse("2026-11-30T10:00:00Z"));
    assertEquals(networks, status.networks);
    assertEquals(3L, status.observedGeneration);
    Condition ready = Conditions.find(status.conditions, Conditions.READY);
    assertEquals(List.of("True", "Accepted", message, "2026-11-30T10:00:00Z"),
        List.of(ready.getStatus(), ready.getReason(), ready.getMessage(), ready.getLastTransitionTime()));
    network.setStatus(status);
    assertEquals("2026-11-30T10:00:00Z", Conditions.find(NetworkReadiness.status(network,
        Instant.parse("2026-11-30T11:00:00Z")).conditions, Conditions.READY).getLastTransitionTime(),
        "an unchanged status keeps its transition time");
  }
}
