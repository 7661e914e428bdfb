package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.http.ServerLimits;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenSettingsTest {

  @Test
  void tlsComesFromASecretAndPlainHttpOnlyWhenChosen() {
    assertEquals("token-tls", TokenSettings.fromEnvironment(Map.of("TOKEN_TLS_SECRET", "token-tls")).tlsSecret());
    assertNull(TokenSettings.fromEnvironment(Map.of("TOKEN_PLAIN_HTTP", "true")).tlsSecret());
  }

  @Test
  void boundsAndProxiesHaveDefaultsAndCanBeSet() throws Exception {
    TokenSettings defaults = TokenSettings.fromEnvironment(Map.of("TOKEN_PLAIN_HTTP", "true"));
    assertEquals(ServerLimits.TOKEN_DEFAULTS, defaults.limits());
    assertTrue(defaults.proxies().networks().isEmpty());
    TokenSettings set = TokenSettings.fromEnvironment(Map.of("TOKEN_PLAIN_HTTP", "true",
        "TOKEN_MAX_CONNECTIONS", "100", "TOKEN_MAX_CONNECTIONS_PER_SOURCE", "10", "TOKEN_MAX_IN_FLIGHT", "50",
        "TOKEN_MAX_IN_FLIGHT_PER_SOURCE", "5", "TOKEN_HEADER_TIMEOUT", "2s", "TOKEN_BODY_TIMEOUT", "3s",
        "TOKEN_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8", "TOKEN_PROXY_PROTOCOL", "true"));
    assertEquals(100, set.limits().maxConnections());
    assertEquals(10, set.limits().maxConnectionsPerSource());
    assertEquals(50, set.limits().maxInFlight());
    assertEquals(5, set.limits().maxInFlightPerSource());
    assertEquals(Duration.ofSeconds(2), set.limits().headerTimeout());
    assertEquals(Duration.ofSeconds(3), set.limits().bodyTimeout());
    assertTrue(set.proxies().trusts(InetAddress.getByName("10.1.2.3")));
    assertTrue(set.proxyProtocol());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "neither TLS nor plain HTTP chosen | TOKEN_AUDIENCE=api | TOKEN_TLS_SECRET",
      "both TLS and plain HTTP | TOKEN_TLS_SECRET=t;TOKEN_PLAIN_HTTP=true | exclude each other",
      "a bound that is no number | TOKEN_PLAIN_HTTP=true;TOKEN_MAX_CONNECTIONS=many | TOKEN_MAX_CONNECTIONS",
      "a bound of zero | TOKEN_PLAIN_HTTP=true;TOKEN_MAX_IN_FLIGHT_PER_SOURCE=0 | TOKEN_MAX_IN_FLIGHT_PER_SOURCE",
      "a proxy network that is no CIDR | TOKEN_PLAIN_HTTP=true;TOKEN_TRUSTED_PROXIES=10.0.0.0/33 | TOKEN_TRUSTED_PROXIES",
      "PROXY protocol without trusted proxies | TOKEN_PLAIN_HTTP=true;TOKEN_PROXY_PROTOCOL=true | TOKEN_TRUSTED_PROXIES",
  })
  void aBadSettingIsRefusedNamingTheVariable(String name, String env, String named) {
    Map<String, String> variables = new java.util.HashMap<>();
    for (String pair : env.split(";")) {
      String[] kv = pair.split("=", 2);
      variables.put(kv[0], kv[1]);
    }
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> TokenSettings.fromEnvironment(variables));
    assertTrue(refused.getMessage().contains(named), refused.getMessage());
  }
}
