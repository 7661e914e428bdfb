package io.appconnector.operator.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Operator settings, read from the environment (the Helm chart sets them).
 *
 * @param tokenUrl the token endpoint URL written into delivered Secrets
 * @param watchNamespaces tenant namespaces to watch; empty for all
 * @param operatorNamespace where the operator runs (leader-election lease, signing keys)
 * @param leaderElection whether replicas elect a leader before reconciling
 * @param instance this replica's name, reported in Events
 */
public record OperatorSettings(String tokenUrl, Set<String> watchNamespaces, String operatorNamespace,
    boolean leaderElection, String instance) {

  public static final String DEFAULT_TOKEN_URL = "http://appconnector-operator.appconnector-system.svc:8080/oauth2/token";

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String namespaces = env.getOrDefault("WATCH_NAMESPACES", "");
    return new OperatorSettings(
        env.getOrDefault("TOKEN_URL", DEFAULT_TOKEN_URL),
        Arrays.stream(namespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()),
        env.getOrDefault("OPERATOR_NAMESPACE", "appconnector-system"),
        Boolean.parseBoolean(env.getOrDefault("LEADER_ELECTION", "false")),
        env.getOrDefault("HOSTNAME", "appconnector-operator"));
  }

  public static OperatorSettings defaults() {
    return fromEnvironment(Map.of());
  }
}
