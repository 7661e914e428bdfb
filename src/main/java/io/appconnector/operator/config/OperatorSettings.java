package io.appconnector.operator.config;

import io.appconnector.operator.logic.ApiPods;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

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
 * @param api the tenant API pods that TrustedOnly activations fence, unless a listing or tenant says otherwise
 * @param metricsPort where /metrics, /healthz and /readyz are served
 * @param defaultUnusedLifetime the unused-credential lifetime of listings that set none
 */
public record OperatorSettings(String tokenUrl, Set<String> watchNamespaces, String operatorNamespace,
    boolean leaderElection, String instance, LeaseTimings lease, boolean exitOnLostLeadership, ApiPods api,
    int metricsPort, Duration defaultUnusedLifetime) {

  public static final String DEFAULT_TOKEN_URL = Setting.TOKEN_URL.fallback();

  /** Lease timings; the defaults are client-go's. */
  public record LeaseTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public static final LeaseTimings DEFAULT =
        new LeaseTimings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  public OperatorSettings(String tokenUrl, Set<String> watchNamespaces, String operatorNamespace,
      boolean leaderElection, String instance) {
    this(tokenUrl, watchNamespaces, operatorNamespace, leaderElection, instance, LeaseTimings.DEFAULT, true,
        ApiPods.DEFAULT, Setting.METRICS_PORT.number(), Setting.DEFAULT_UNUSED_CREDENTIAL_LIFETIME.duration());
  }

  /**
   * The settings the environment gives; every malformed one is refused, in one
   * {@link Env.InvalidSettingsException} that names each variable and what it accepts.
   */
  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    Env read = new Env(env);
    OperatorSettings settings = fromEnvironment(read);
    read.check();
    return settings;
  }

  /** Reads through {@code read} without checking, so one check can cover these and other settings. */
  public static OperatorSettings fromEnvironment(Env read) {
    return new OperatorSettings(
        read.url(Setting.TOKEN_URL.name(), Setting.TOKEN_URL.fallback()),
        read.namespaces("WATCH_NAMESPACES"),
        read.namespace(Setting.OPERATOR_NAMESPACE.name(), Setting.OPERATOR_NAMESPACE.fallback()),
        read.bool("LEADER_ELECTION", false),
        read.string("HOSTNAME", uniqueInstance()),
        LeaseTimings.DEFAULT,
        true,
        new ApiPods(
            read.parsed("API_POD_SELECTOR", "app.kubernetes.io/component=api",
                "label pairs key=value separated by commas, such as app.kubernetes.io/component=api",
                ApiPods::parseSelector),
            read.parsed("API_PORTS", "8443", "TCP port numbers from 1 to 65535 separated by commas, such as 8443,9443",
                ApiPods::parsePorts)),
        read.port(Setting.METRICS_PORT.name(), Setting.METRICS_PORT.number()),
        read.duration(Setting.DEFAULT_UNUSED_CREDENTIAL_LIFETIME.name(),
            Setting.DEFAULT_UNUSED_CREDENTIAL_LIFETIME.fallback(), Duration.ofSeconds(1), null));
  }

  /**
   * An identity for a replica started without HOSTNAME (outside a cluster): unique per process, so
   * two such replicas never both believe they hold the lease.
   */
  static String uniqueInstance() {
    return "appconnector-operator-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  public OperatorSettings withLeaderElection(String instance, LeaseTimings lease, boolean exitOnLostLeadership) {
    return new OperatorSettings(tokenUrl, watchNamespaces, operatorNamespace, true, instance, lease,
        exitOnLostLeadership, api, metricsPort, defaultUnusedLifetime);
  }
}
