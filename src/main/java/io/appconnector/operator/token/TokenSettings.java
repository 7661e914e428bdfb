package io.appconnector.operator.token;

import io.appconnector.operator.values.TokenPaths;
import io.appconnector.operator.config.Env;
import io.appconnector.operator.config.Setting;
import io.appconnector.operator.http.ServerLimits;
import io.appconnector.operator.http.TrustedProxies;
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
  public static final String DEFAULT_ISSUER = issuerOf(Setting.TOKEN_URL.fallback());
  public static final String TOKEN_PATH = TokenPaths.TOKEN;

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

  /**
   * USAGE_FLUSH_INTERVAL: how often a replica adds its use counts to status, read through {@code read}
   * without checking (at most one status write per activation, interval and replica).
   */
  public static Duration usageFlushInterval(Env read) {
    return read.duration(Setting.USAGE_FLUSH_INTERVAL.name(), Setting.USAGE_FLUSH_INTERVAL.fallback(),
        Duration.ofSeconds(1), Duration.ofMinutes(10));
  }

  /** Reads through {@code read} without checking, so one check can cover these and other settings. */
  public static TokenSettings fromEnvironment(Env read) {
    String tokenUrl = read.url("TOKEN_URL", null);
    String tlsSecret = read.string("TOKEN_TLS_SECRET", "").trim();
    if (!tlsSecret.isEmpty()) {
      tlsSecret = read.objectName("TOKEN_TLS_SECRET", null);
    }
    boolean plain = read.bool("TOKEN_PLAIN_HTTP", false);
    if (tlsSecret == null || tlsSecret.isEmpty()) {
      tlsSecret = "";
      if (!plain) {
        read.refuse("TOKEN_TLS_SECRET must name the token endpoint's TLS Secret, or TOKEN_PLAIN_HTTP=true must "
            + "choose plain HTTP explicitly (for example behind a mesh that encrypts)");
      }
    } else if (plain) {
      read.refuse("TOKEN_TLS_SECRET and TOKEN_PLAIN_HTTP=true exclude each other");
    }
    TrustedProxies proxies = read.parsed("TOKEN_TRUSTED_PROXIES", "", "CIDRs separated by commas, such as "
        + "10.0.0.0/8,fd00::/8", TrustedProxies::parse);
    boolean proxyProtocol = read.bool("TOKEN_PROXY_PROTOCOL", false);
    if (proxyProtocol && proxies.networks().isEmpty()) {
      read.refuse("TOKEN_PROXY_PROTOCOL=true needs TOKEN_TRUSTED_PROXIES: the networks of the load balancers that "
          + "send the PROXY header");
    }
    return new TokenSettings(
        read.port(Setting.TOKEN_PORT.name(), Setting.TOKEN_PORT.number()),
        read.url("TOKEN_ISSUER", issuerOf(tokenUrl)),
        read.string(Setting.TOKEN_AUDIENCE.name(), Setting.TOKEN_AUDIENCE.fallback()),
        read.duration(Setting.SIGNING_KEY_ROTATION.name(), Setting.SIGNING_KEY_ROTATION.fallback(), LONGEST_TOKEN_LIFETIME,
            null),
        read.namespace(Setting.OPERATOR_NAMESPACE.name(), Setting.OPERATOR_NAMESPACE.fallback()),
        read.objectName(Setting.SIGNING_KEY_SECRET.name(), Setting.SIGNING_KEY_SECRET.fallback()),
        read.objectName(Setting.INTROSPECTION_SECRET.name(), Setting.INTROSPECTION_SECRET.fallback()),
        read.namespaces("WATCH_NAMESPACES"),
        read.duration(Setting.DEFAULT_ACCESS_TOKEN_LIFETIME.name(), Setting.DEFAULT_ACCESS_TOKEN_LIFETIME.fallback(),
            Duration.ofSeconds(1), LONGEST_TOKEN_LIFETIME),
        limits(read), proxies, proxyProtocol, tlsSecret.isEmpty() ? null : tlsSecret,
        new GuessingLimits.Limits(
            read.integer("TOKEN_FAILURES_PER_CLIENT_PER_MINUTE", GuessingLimits.Limits.DEFAULT.perClient(), 1,
                1_000_000, "a whole number of failures from 1"),
            read.integer("TOKEN_FAILURES_PER_SOURCE_PER_MINUTE", GuessingLimits.Limits.DEFAULT.perSource(), 1,
                1_000_000, "a whole number of failures from 1"),
            Duration.ofMinutes(1)));
  }

  private static ServerLimits limits(Env read) {
    ServerLimits defaults = ServerLimits.TOKEN_DEFAULTS;
    String count = "a whole number from 1";
    return defaults
        .withConnections(read.integer("TOKEN_MAX_CONNECTIONS", defaults.maxConnections(), 1, 1_000_000, count),
            read.integer("TOKEN_MAX_CONNECTIONS_PER_SOURCE", defaults.maxConnectionsPerSource(), 1, 1_000_000, count))
        .withInFlight(read.integer("TOKEN_MAX_IN_FLIGHT", defaults.maxInFlight(), 1, 1_000_000, count),
            read.integer("TOKEN_MAX_IN_FLIGHT_PER_SOURCE", defaults.maxInFlightPerSource(), 1, 1_000_000, count))
        .withTimeouts(read.duration("TOKEN_HEADER_TIMEOUT", "5s", Duration.ofMillis(100), Duration.ofMinutes(5)),
            read.duration("TOKEN_BODY_TIMEOUT", "5s", Duration.ofMillis(100), Duration.ofMinutes(5)));
  }

  /** An embedded server on a free port of the loopback interface, with the defaults otherwise. */
  public static TokenSettings embedded(String operatorNamespace) {
    return new TokenSettings(0, null, Setting.TOKEN_AUDIENCE.fallback(), Setting.SIGNING_KEY_ROTATION.duration(),
        operatorNamespace, Setting.SIGNING_KEY_SECRET.fallback(), Setting.INTROSPECTION_SECRET.fallback(), Set.of(),
        ExchangeRules.DEFAULT_TOKEN_LIFETIME,
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
    return issuer + TokenPaths.INTROSPECT;
  }

  public String jwksUri() {
    return issuer + TokenPaths.JWKS;
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
