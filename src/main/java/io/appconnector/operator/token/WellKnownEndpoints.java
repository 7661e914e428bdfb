package io.appconnector.operator.token;

import io.appconnector.operator.values.TokenPaths;
import io.appconnector.operator.http.HttpAnswer;
import io.appconnector.operator.http.HttpCall;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /.well-known/jwks.json} (the current and previous public keys) and
 * {@code GET /.well-known/oauth-authorization-server} (RFC 8414 metadata); any other path is 404.
 */
public class WellKnownEndpoints {
  public static final String JWKS = TokenPaths.JWKS;
  public static final String METADATA = TokenPaths.METADATA;

  private final TokenSettings settings;
  private final Supplier<SigningKeys> keys;
  private final List<String> authMethods;

  public WellKnownEndpoints(TokenSettings settings, Supplier<SigningKeys> keys) {
    this(settings, keys, List.of("client_secret_basic", "client_secret_post"));
  }

  /** {@code authMethods}: the RFC 8414 names of the client authentication methods served. */
  public WellKnownEndpoints(TokenSettings settings, Supplier<SigningKeys> keys, List<String> authMethods) {
    this.settings = settings;
    this.keys = keys;
    this.authMethods = List.copyOf(authMethods);
  }

  public HttpAnswer handle(HttpCall call) {
    String path = call.path();
    if (!path.equals(JWKS) && !path.equals(METADATA)) {
      return HttpReplies.error(OAuthError.notFound());
    }
    if (!"GET".equals(call.method())) {
      return HttpReplies.error(OAuthError.methodNotAllowed("GET"));
    }
    return HttpReplies.json(200, path.equals(JWKS) ? keys.get().publicJwks().toJSONObject(true)
        : metadata(settings, authMethods));
  }

  public static Map<String, Object> metadata(TokenSettings settings) {
    return metadata(settings, List.of("client_secret_basic", "client_secret_post"));
  }

  public static Map<String, Object> metadata(TokenSettings settings, List<String> authMethods) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("issuer", settings.issuer());
    metadata.put("token_endpoint", settings.tokenEndpoint());
    metadata.put("jwks_uri", settings.jwksUri());
    metadata.put("grant_types_supported", List.of("client_credentials"));
    metadata.put("response_types_supported", List.of());
    metadata.put("token_endpoint_auth_methods_supported", authMethods);
    if (authMethods.contains("private_key_jwt")) {
      metadata.put("token_endpoint_auth_signing_alg_values_supported",
          PrivateKeyAssertions.ALGORITHMS.stream().map(Object::toString).sorted().toList());
    }
    metadata.put("introspection_endpoint", settings.introspectionEndpoint());
    metadata.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic"));
    return metadata;
  }
}
