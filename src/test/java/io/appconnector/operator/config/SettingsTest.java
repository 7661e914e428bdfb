package io.appconnector.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.dependent.VendorNotifications;
import io.appconnector.operator.token.TokenSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SettingsTest {

  /** Reads every setting the operator's main reads, and checks them once, as main does (plain HTTP chosen). */
  static void readAll(Map<String, String> variables) {
    Map<String, String> withChoice = new java.util.HashMap<>(Map.of("TOKEN_PLAIN_HTTP", "true"));
    withChoice.putAll(variables);
    Env env = new Env(withChoice);
    OperatorSettings.fromEnvironment(env);
    TokenSettings.fromEnvironment(env);
    LogSettings.fromEnvironment(env);
    TokenSettings.usageFlushInterval(env);
    VendorNotifications.Settings.fromEnvironment(env);
    env.check();
  }

  @Test
  void theBuiltInDefaultsAreWhatAnEmptyEnvironmentGives() {
    OperatorSettings read = OperatorSettings.fromEnvironment(Map.of("HOSTNAME", "replica-a"));
    OperatorSettings builtIn = new OperatorSettings(Setting.TOKEN_URL.fallback(), Set.of(),
        Setting.OPERATOR_NAMESPACE.fallback(), false, "replica-a");
    assertEquals(builtIn, read);
    TokenSettings tokens = TokenSettings.fromEnvironment(Map.of("TOKEN_PLAIN_HTTP", "true", "TOKEN_PORT", "0"));
    TokenSettings embedded = TokenSettings.embedded(Setting.OPERATOR_NAMESPACE.fallback());
    assertEquals(List.of(embedded.audience(), embedded.keyRotation(), embedded.operatorNamespace(),
        embedded.signingKeySecret(), embedded.introspectionSecret(), embedded.defaultTokenLifetime()),
        List.of(tokens.audience(), tokens.keyRotation(), tokens.operatorNamespace(), tokens.signingKeySecret(),
            tokens.introspectionSecret(), tokens.defaultTokenLifetime()));
  }

  @ParameterizedTest(name = "{0}={1} is refused: {2}")
  @CsvSource(delimiter = '|', value = {
      "METRICS_PORT|abc|a TCP port number from 0 to 65535",
      "METRICS_PORT|70000|a TCP port number from 0 to 65535",
      "TOKEN_PORT|-1|a TCP port number from 0 to 65535",
      "LEADER_ELECTION|yes|true or false",
      "WATCH_NAMESPACES|tenant-a,Tenant_B|namespace names separated by commas",
      "OPERATOR_NAMESPACE|Appconnector System|a namespace name",
      "TOKEN_URL|tokens.example/oauth2/token|an absolute http:// or https:// URL",
      "TOKEN_ISSUER|ftp://issuer.example|an absolute http:// or https:// URL",
      "API_POD_SELECTOR|component|label pairs key=value separated by commas",
      "API_PORTS|8443,https|TCP port numbers from 1 to 65535 separated by commas",
      "API_PORTS|0|TCP port numbers from 1 to 65535 separated by commas",
      "DEFAULT_UNUSED_CREDENTIAL_LIFETIME|two days|a duration such as 48h, 1h30m or 45s, at least 1s",
      "DEFAULT_ACCESS_TOKEN_LIFETIME|48h|a duration such as 48h, 1h30m or 45s, from 1s to 24h",
      "SIGNING_KEY_ROTATION|23h|a duration such as 48h, 1h30m or 45s, at least 24h",
      "SIGNING_KEY_SECRET|Signing Keys|a Kubernetes object name",
      "INTROSPECTION_SECRET|-callers|a Kubernetes object name",
      "LOG_FORMAT|logfmt|one of text, json",
      "LOG_LEVEL|verbose|one of error, warn, info, debug, trace",
      "USAGE_FLUSH_INTERVAL|0s|a duration such as 48h, 1h30m or 45s, from 1s to 10m",
      "USAGE_FLUSH_INTERVAL|11m|a duration such as 48h, 1h30m or 45s, from 1s to 10m",
      "NOTIFICATION_QUEUE_CAPACITY|99|a whole number of notifications from 100 to 1000000",
      "NOTIFICATION_QUEUE_CAPACITY|lots|a whole number of notifications from 100 to 1000000",
      "NOTIFICATION_RETRY_FOR|25h|a duration such as 48h, 1h30m or 45s, from 1m to 24h",
      "NOTIFICATION_MAX_BACKOFF|500ms|a duration such as 48h, 1h30m or 45s, from 1s to 1h",
      "NOTIFICATION_TIMEOUT|2m|a duration such as 48h, 1h30m or 45s, from 1s to 1m",
  })
  void aMalformedSettingIsRefusedWithItsNameAndWhatItAccepts(String variable, String value, String accepts) {
    Env.InvalidSettingsException e = assertThrows(Env.InvalidSettingsException.class,
        () -> readAll(Map.of(variable, value)));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith(variable + "='" + value + "' is not valid: expected " + accepts),
        e.problems().get(0));
  }

  @Test
  void theDeliveryBoundsAreReadAndTheirDefaultsAreTheBuiltInOnes() {
    Env empty = new Env(Map.of());
    assertEquals(Duration.ofSeconds(30), TokenSettings.usageFlushInterval(empty));
    assertEquals(VendorNotifications.Settings.DEFAULT, VendorNotifications.Settings.fromEnvironment(empty));
    assertEquals(new VendorNotifications.Settings(10_000, Duration.ofSeconds(1), Duration.ofMinutes(1),
        Duration.ofHours(1), Duration.ofSeconds(10)), VendorNotifications.Settings.DEFAULT);
    Env set = new Env(Map.of("USAGE_FLUSH_INTERVAL", "5s", "NOTIFICATION_QUEUE_CAPACITY", "500",
        "NOTIFICATION_RETRY_FOR", "6h", "NOTIFICATION_MAX_BACKOFF", "5m", "NOTIFICATION_TIMEOUT", "3s"));
    assertEquals(Duration.ofSeconds(5), TokenSettings.usageFlushInterval(set));
    assertEquals(new VendorNotifications.Settings(500, Duration.ofSeconds(1), Duration.ofMinutes(5),
        Duration.ofHours(6), Duration.ofSeconds(3)), VendorNotifications.Settings.fromEnvironment(set));
    set.check();
  }

  @Test
  void aBackOffLongerThanTheRetryTimeIsRefused() {
    Env.InvalidSettingsException e = assertThrows(Env.InvalidSettingsException.class,
        () -> readAll(Map.of("NOTIFICATION_RETRY_FOR", "10m", "NOTIFICATION_MAX_BACKOFF", "30m")));
    assertEquals(List.of("NOTIFICATION_MAX_BACKOFF must not be longer than NOTIFICATION_RETRY_FOR: a notification "
        + "would be dropped before its next attempt"), e.problems());
  }

  @Test
  void everyMalformedSettingIsNamedInOneRefusal() {
    Env.InvalidSettingsException e = assertThrows(Env.InvalidSettingsException.class,
        () -> readAll(Map.of("METRICS_PORT", "abc", "LOG_LEVEL", "loud", "TOKEN_URL", "nowhere")));
    assertEquals(3, e.problems().size(), "TOKEN_URL is read twice but reported once: " + e.problems());
    assertTrue(e.getMessage().contains("METRICS_PORT='abc'") && e.getMessage().contains("LOG_LEVEL='loud'")
        && e.getMessage().contains("TOKEN_URL='nowhere'"), e.getMessage());
  }

  @Test
  void wellFormedSettingsAreRead() {
    Env env = new Env(Map.of("METRICS_PORT", "9090", "WATCH_NAMESPACES", "tenant-a, tenant-b", "LEADER_ELECTION", "TRUE",
        "API_POD_SELECTOR", "app=api,tier=web", "API_PORTS", "8443,9443", "DEFAULT_UNUSED_CREDENTIAL_LIFETIME", "1h30m",
        "LOG_FORMAT", "JSON", "LOG_LEVEL", "debug"));
    OperatorSettings s = OperatorSettings.fromEnvironment(env);
    LogSettings logs = LogSettings.fromEnvironment(env);
    env.check();
    assertEquals(9090, s.metricsPort());
    assertEquals(Set.of("tenant-a", "tenant-b"), s.watchNamespaces());
    assertTrue(s.leaderElection());
    assertEquals(Map.of("app", "api", "tier", "web"), s.api().selector());
    assertEquals(List.of(8443, 9443), s.api().ports());
    assertEquals(Duration.ofMinutes(90), s.defaultUnusedLifetime());
    assertEquals(new LogSettings("json", "debug"), logs);
  }

  @Test
  void withoutHostnameEachReplicaHasItsOwnIdentity() {
    String one = OperatorSettings.fromEnvironment(Map.of()).instance();
    String two = OperatorSettings.fromEnvironment(Map.of()).instance();
    assertNotEquals(one, two);
    assertTrue(one.startsWith("appconnector-operator-"), one);
    assertEquals("operator-7d9f-abcde", OperatorSettings.fromEnvironment(Map.of("HOSTNAME", "operator-7d9f-abcde"))
        .instance());
  }
}
