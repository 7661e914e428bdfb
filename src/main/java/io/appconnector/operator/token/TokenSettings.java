package io.appconnector.operator.token;

import io.appconnector.operator.config.Env;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

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

  /** The settings the environment gives; every malformed one is refused, naming the variable. */
  public static TokenSettings fromEnvironment(Map<String, String> env) {
    Env read = new Env(env);
    TokenSettings settings = fromEnvironment(read);
    read.check();
    return settings;
  }

  /** Reads through {@code read} without checking, so one check can cover these and other settings. */
  public static TokenSettings fromEnvironment(Env read) {
    String tokenUrl = read.url("TOKEN_URL", null);
    return new TokenSettings(
        read.port("TOKEN_PORT", 8080),
        read.url("TOKEN_ISSUER", issuerOf(tokenUrl)),
        read.string("TOKEN_AUDIENCE", "appconnector-platform-api"),
        read.duration("SIGNING_KEY_ROTATION", "720h", LONGEST_TOKEN_LIFETIME, null),
        read.namespace("OPERATOR_NAMESPACE", "appconnector-system"),
        read.objectName("SIGNING_KEY_SECRET", "appconnector-signing-keys"),
        read.objectName("INTROSPECTION_SECRET", "appconnector-introspection"),
        read.namespaces("WATCH_NAMESPACES"),
        read.duration("DEFAULT_ACCESS_TOKEN_LIFETIME", "1h", Duration.ofSeconds(1), LONGEST_TOKEN_LIFETIME));
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
