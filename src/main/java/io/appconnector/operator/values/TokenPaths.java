package io.appconnector.operator.values;

/** The token server's paths, written once for the token endpoint, the operator's default token URL and the metadata. */
public final class TokenPaths {
  /** The client credentials grant (RFC 6749 section 4.4). */
  public static final String TOKEN = "/oauth2/token";
  /** Token introspection for the platform's own APIs (RFC 7662). */
  public static final String INTROSPECT = "/oauth2/introspect";
  /** The current and previous public signing keys. */
  public static final String JWKS = "/.well-known/jwks.json";
  /** Authorization server metadata (RFC 8414). */
  public static final String METADATA = "/.well-known/oauth-authorization-server";

  private TokenPaths() {
  }
}
