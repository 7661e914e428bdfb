package io.appconnector.operator.token;

import io.appconnector.operator.logic.GoDuration;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of the token endpoint, read from the environment.
 *
 * @param port TCP port of the HTTP server (0 picks a free one)
 * @param issuer the {@code iss} of access tokens and the base URL of the endpoints it publishes; null for
 *     an embedded server, whose issuer is then {@code http://127.0.0.1:<bound port>}
 * @param audience the {@code aud} of access tokens: the platform's APIs
 * @param keyRotation how often the signing key is replaced; the previous key keeps verifying until
 *     the next rotation, so this must outlive the longest token lifetime (24h)
 * @param operatorNamespace where the signing keys and the introspection callers are kept
 * @param signingKeySecret the Secret holding the signing keys
 * @param introspectionSecret the Secret naming who may call the introspection endpoint
 * @param watchNamespaces tenant namespaces whose activations are served; empty for all
 * @param defaultTokenLifetime the access-token lifetime of listings that set none
 */
public record TokenSettings(int port, String issuer, String audience, Duration keyRotation, String operatorNamespace,
    String signingKeySecret, String introspectionSecret, Set<String> watchNamespaces, Duration defaultTokenLifetime) {

  public static final Duration LONGEST_TOKEN_LIFETIME = Duration.ofHours(24);
  public static final String DEFAULT_ISSUER = "http://appconnector-operator.appconnector-system.svc:8080";
  public static final String TOKEN_PATH = "/oauth2/token";

  public TokenSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("TOKEN_PORT must be between 0 and 65535, not " + port);
    }
    if (keyRotation.compareTo(LONGEST_TOKEN_LIFETIME) < 0) {
      throw new IllegalArgumentException("SIGNING_KEY_ROTATION must be at least 24h (the longest token lifetime), so "
          + "tokens signed by the previous key still verify until they expire");
    }
    issuer = issuer != null && issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    watchNamespaces = Set.copyOf(watchNamespaces);
  }

  public static TokenSettings fromEnvironment(Map<String, String> env) {
    String namespaces = env.getOrDefault("WATCH_NAMESPACES", "");
    return new TokenSettings(
        Integer.parseInt(env.getOrDefault("TOKEN_PORT", "8080")),
        env.getOrDefault("TOKEN_ISSUER", issuerOf(env.get("TOKEN_URL"))),
        env.getOrDefault("TOKEN_AUDIENCE", "appconnector-platform-api"),
        GoDuration.parse(env.getOrDefault("SIGNING_KEY_ROTATION", "720h")),
        env.getOrDefault("OPERATOR_NAMESPACE", "appconnector-system"),
        env.getOrDefault("SIGNING_KEY_SECRET", "appconnector-signing-keys"),
        env.getOrDefault("INTROSPECTION_SECRET", "appconnector-introspection"),
        Arrays.stream(namespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()),
        GoDuration.parse(env.getOrDefault("DEFAULT_ACCESS_TOKEN_LIFETIME", "1h")));
  }

  /** An embedded server on a free port of the loopback interface, with the defaults otherwise. */
  public static TokenSettings embedded(String operatorNamespace) {
    return new TokenSettings(0, null, "appconnector-platform-api", Duration.ofHours(720), operatorNamespace,
        "appconnector-signing-keys", "appconnector-introspection", Set.of(), ExchangeRules.DEFAULT_TOKEN_LIFETIME);
  }

  /** The issuer that delivered Secrets' tokenUrl implies, so both agree unless TOKEN_ISSUER says otherwise. */
  static String issuerOf(String tokenUrl) {
    if (tokenUrl == null || !tokenUrl.endsWith(TOKEN_PATH)) {
      return DEFAULT_ISSUER;
    }
    return tokenUrl.substring(0, tokenUrl.length() - TOKEN_PATH.length());
  }

  public String tokenEndpoint() {
    return issuer + TOKEN_PATH;
  }

  public String introspectionEndpoint() {
    return issuer + "/oauth2/introspect";
  }

  public String jwksUri() {
    return issuer + "/.well-known/jwks.json";
  }

  public TokenSettings withIssuer(String newIssuer) {
    return new TokenSettings(port, newIssuer, audience, keyRotation, operatorNamespace, signingKeySecret,
        introspectionSecret, watchNamespaces, defaultTokenLifetime);
  }
}
