package io.appconnector.operator.config;

import io.appconnector.operator.values.GoDuration;
import io.appconnector.operator.values.TokenPaths;
import java.time.Duration;

/**
 * The settings the operator and the token endpoint read from the environment, each with its
 * default, written once: {@link OperatorSettings} and {@code TokenSettings} read them through
 * {@link Env}, which says what each accepts, and their built-in defaults come from here too.
 */
public enum Setting {
  /** Where the operator runs: its lease, fee records, signing keys and introspection callers. */
  OPERATOR_NAMESPACE("appconnector-system"),
  /** The token server inside the cluster, as delivered Secrets name it. */
  TOKEN_URL("http://appconnector-operator.appconnector-system.svc:8080" + TokenPaths.TOKEN),
  METRICS_PORT("8081"),
  DEFAULT_UNUSED_CREDENTIAL_LIFETIME("48h"),
  TOKEN_PORT("8080"),
  TOKEN_AUDIENCE("appconnector-platform-api"),
  SIGNING_KEY_ROTATION("720h"),
  SIGNING_KEY_SECRET("appconnector-signing-keys"),
  INTROSPECTION_SECRET("appconnector-introspection"),
  DEFAULT_ACCESS_TOKEN_LIFETIME("1h"),
  /** How often each token-server replica adds its use counts to status (1s to 10m). */
  USAGE_FLUSH_INTERVAL("30s"),
  /** Vendor notifications waiting in memory, all activations together (100 to 1,000,000). */
  NOTIFICATION_QUEUE_CAPACITY("10000"),
  /** How long a notification the vendor's webhook refuses is retried before it is dropped (1m to 24h). */
  NOTIFICATION_RETRY_FOR("1h"),
  /** The longest wait between two attempts of one notification; the first retry waits 1s (1s to 1h). */
  NOTIFICATION_MAX_BACKOFF("1m"),
  /** Connect and answer deadline of one POST to a vendor's webhook (1s to 1m). */
  NOTIFICATION_TIMEOUT("10s");

  private final String fallback;

  Setting(String fallback) {
    this.fallback = fallback;
  }

  /** The default, as it would be written in the environment. */
  public String fallback() {
    return fallback;
  }

  public int number() {
    return Integer.parseInt(fallback);
  }

  public Duration duration() {
    return GoDuration.parse(fallback);
  }
}
