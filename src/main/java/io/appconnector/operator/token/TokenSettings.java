package io.appconnector.operator.token;

import io.appconnector.operator.http.ServerLimits;
import io.appconnector.operator.http.TrustedProxies;
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
 * @param limits deadlines and connection bounds of the listener
 * @param proxies load balancers whose PROXY protocol or X-Forwarded-For header names the client
 * @param proxyProtocol whether connections start with a PROXY protocol header (taken from trusted proxies only)
 * @param tlsSecret the kubernetes.io/tls Secret in the operator namespace to serve HTTPS with; null for plain HTTP
 * @param guessing failed authentications allowed per client ID and per source address, per replica
 */
public record TokenSettings(int port, String issuer, String audience, Duration keyRotation, String operatorNamespace,
    String signingKeySecret, String introspectionSecret, Set<String> watchNamespaces, Duration defaultTokenLifetime,
    ServerLimits limits, TrustedProxies proxies, boolean proxyProtocol, String tlsSecret,
    GuessingLimits.Limits guessing) {

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
    String tlsSecret = env.getOrDefault("TOKEN_TLS_SECRET", "").trim();
    boolean plain = Boolean.parseBoolean(env.getOrDefault("TOKEN_PLAIN_HTTP", "false"));
    if (tlsSecret.isEmpty() && !plain) {
      throw new IllegalArgumentException("TOKEN_TLS_SECRET must name the token endpoint's TLS Secret, or "
          + "TOKEN_PLAIN_HTTP=true must choose plain HTTP explicitly (for example behind a mesh that encrypts)");
    }
    if (!tlsSecret.isEmpty() && plain) {
      throw new IllegalArgumentException("TOKEN_TLS_SECRET and TOKEN_PLAIN_HTTP=true exclude each other");
    }
    ServerLimits defaults = ServerLimits.TOKEN_DEFAULTS;
    ServerLimits limits = defaults
        .withConnections(number(env, "TOKEN_MAX_CONNECTIONS", defaults.maxConnections()),
            number(env, "TOKEN_MAX_CONNECTIONS_PER_SOURCE", defaults.maxConnectionsPerSource()))
        .withInFlight(number(env, "TOKEN_MAX_IN_FLIGHT", defaults.maxInFlight()),
            number(env, "TOKEN_MAX_IN_FLIGHT_PER_SOURCE", defaults.maxInFlightPerSource()))
        .withTimeouts(GoDuration.parse(env.getOrDefault("TOKEN_HEADER_TIMEOUT", "5s")),
            GoDuration.parse(env.getOrDefault("TOKEN_BODY_TIMEOUT", "5s")));
    TrustedProxies proxies;
    try {
      proxies = TrustedProxies.parse(env.getOrDefault("TOKEN_TRUSTED_PROXIES", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TOKEN_TRUSTED_PROXIES must be CIDRs separated by commas: " + e.getMessage());
    }
    boolean proxyProtocol = Boolean.parseBoolean(env.getOrDefault("TOKEN_PROXY_PROTOCOL", "false"));
    if (proxyProtocol && proxies.networks().isEmpty()) {
      throw new IllegalArgumentException("TOKEN_PROXY_PROTOCOL=true needs TOKEN_TRUSTED_PROXIES: the networks of "
          + "the load balancers that send the PROXY header");
    }
    return new TokenSettings(
        Integer.parseInt(env.getOrDefault("TOKEN_PORT", "8080")),
        env.getOrDefault("TOKEN_ISSUER", issuerOf(env.get("TOKEN_URL"))),
        env.getOrDefault("TOKEN_AUDIENCE", "appconnector-platform-api"),
        GoDuration.parse(env.getOrDefault("SIGNING_KEY_ROTATION", "720h")),
        env.getOrDefault("OPERATOR_NAMESPACE", "appconnector-system"),
        env.getOrDefault("SIGNING_KEY_SECRET", "appconnector-signing-keys"),
        env.getOrDefault("INTROSPECTION_SECRET", "appconnector-introspection"),
        Arrays.stream(namespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()),
        GoDuration.parse(env.getOrDefault("DEFAULT_ACCESS_TOKEN_LIFETIME", "1h")),
        limits, proxies, proxyProtocol, tlsSecret.isEmpty() ? null : tlsSecret,
        new GuessingLimits.Limits(number(env, "TOKEN_FAILURES_PER_CLIENT_PER_MINUTE",
            GuessingLimits.Limits.DEFAULT.perClient()), number(env, "TOKEN_FAILURES_PER_SOURCE_PER_MINUTE",
            GuessingLimits.Limits.DEFAULT.perSource()), Duration.ofMinutes(1)));
  }

  private static int number(Map<String, String> env, String name, int defaultValue) {
    String text = env.get(name);
    try {
      int value = text == null ? defaultValue : Integer.parseInt(text.trim());
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a positive whole number, not '" + text + "'");
    }
  }

  /** An embedded server on a free port of the loopback interface, with the defaults otherwise. */
  public static TokenSettings embedded(String operatorNamespace) {
    return new TokenSettings(0, null, "appconnector-platform-api", Duration.ofHours(720), operatorNamespace,
        "appconnector-signing-keys", "appconnector-introspection", Set.of(), ExchangeRules.DEFAULT_TOKEN_LIFETIME,
        ServerLimits.TOKEN_DEFAULTS, TrustedProxies.NONE, false, null, GuessingLimits.Limits.DEFAULT);
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
        introspectionSecret, watchNamespaces, defaultTokenLifetime, limits, proxies, proxyProtocol, tlsSecret, guessing);
  }

  public TokenSettings withLimits(ServerLimits newLimits) {
    return new TokenSettings(port, issuer, audience, keyRotation, operatorNamespace, signingKeySecret,
        introspectionSecret, watchNamespaces, defaultTokenLifetime, newLimits, proxies, proxyProtocol, tlsSecret, guessing);
  }

  public TokenSettings withProxies(TrustedProxies newProxies, boolean newProxyProtocol) {
    return new TokenSettings(port, issuer, audience, keyRotation, operatorNamespace, signingKeySecret,
        introspectionSecret, watchNamespaces, defaultTokenLifetime, limits, newProxies, newProxyProtocol, tlsSecret, guessing);
  }

  public TokenSettings withGuessing(GuessingLimits.Limits newGuessing) {
    return new TokenSettings(port, issuer, audience, keyRotation, operatorNamespace, signingKeySecret,
        introspectionSecret, watchNamespaces, defaultTokenLifetime, limits, proxies, proxyProtocol, tlsSecret,
        newGuessing);
  }

  /** Serves HTTPS with the certificate in this Secret of the operator namespace. */
  public TokenSettings withTls(String secret) {
    return new TokenSettings(port, issuer, audience, keyRotation, operatorNamespace, signingKeySecret,
        introspectionSecret, watchNamespaces, defaultTokenLifetime, limits, proxies, proxyProtocol, secret, guessing);
  }
}
