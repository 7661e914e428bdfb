package io.appconnector.operator.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Operator settings, read from the environment (the Helm chart sets them).
 *
 * @param tokenUrl the token endpoint URL written into delivered Secrets
 * @param watchNamespaces tenant namespaces to watch; empty for all
 * @param operatorNamespace where the operator runs (leader-election lease)
 * @param leaderElection whether replicas elect a leader before reconciling
 * @param instance this replica's name (leader identity, Events)
 * @param lease lease duration, renew deadline and retry period of the leader election
 * @param exitOnLostLeadership whether a replica that loses the lease exits (the pod restarts)
 */
public record OperatorSettings(String tokenUrl, Set<String> watchNamespaces, String operatorNamespace,
    boolean leaderElection, String instance, LeaseTimings lease, boolean exitOnLostLeadership) {

  public static final String DEFAULT_TOKEN_URL = "http://appconnector-operator.appconnector-system.svc:8080/oauth2/token";

  /** Lease timings; the defaults are client-go's. */
  public record LeaseTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public static final LeaseTimings DEFAULT =
        new LeaseTimings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  public OperatorSettings(String tokenUrl, Set<String> watchNamespaces, String operatorNamespace,
      boolean leaderElection, String instance) {
    this(tokenUrl, watchNamespaces, operatorNamespace, leaderElection, instance, LeaseTimings.DEFAULT, true);
  }

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String namespaces = env.getOrDefault("WATCH_NAMESPACES", "");
    return new OperatorSettings(
        env.getOrDefault("TOKEN_URL", DEFAULT_TOKEN_URL),
        Arrays.stream(namespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()),
        env.getOrDefault("OPERATOR_NAMESPACE", "appconnector-system"),
        Boolean.parseBoolean(env.getOrDefault("LEADER_ELECTION", "false")),
        env.getOrDefault("HOSTNAME", "appconnector-operator"),
        LeaseTimings.DEFAULT,
        true);
  }

  public OperatorSettings withLeaderElection(String instance, LeaseTimings lease, boolean exitOnLostLeadership) {
    return new OperatorSettings(tokenUrl, watchNamespaces, operatorNamespace, true, instance, lease,
        exitOnLostLeadership);
  }
}
