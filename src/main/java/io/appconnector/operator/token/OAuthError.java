package io.appconnector.operator.token;

/**
 * An RFC 6749 section 5.2 error answer. Descriptions are fixed texts about the request's form, never
 * about a client's state: an authentication failure reads the same whatever its cause.
 */
public final class OAuthError extends RuntimeException {
  public static final String INVALID_REQUEST = "invalid_request";
  public static final String INVALID_CLIENT = "invalid_client";
  public static final String INVALID_SCOPE = "invalid_scope";
  public static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";
  public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";
  public static final String SERVER_ERROR = "server_error";
  static final String CLIENT_AUTHENTICATION_FAILED = "Client authentication failed.";

  private final int status;
  private final String error;
  private final String allow;
  private final String clientId;
  private final String reason;

  private OAuthError(int status, String error, String description, String allow, String clientId, String reason) {
    super(description, null, false, false);
    this.status = status;
    this.error = error;
    this.allow = allow;
    this.clientId = clientId;
    this.reason = reason;
  }

  private OAuthError(int status, String error, String description, String allow) {
    this(status, error, description, allow, null, null);
  }

  /** The same answer, remembering which client ID it refused (for counting repeated failures). */
  public OAuthError withClientId(String refusedClientId) {
    return new OAuthError(status, error, getMessage(), allow, refusedClientId, reason);
  }

  /** The same answer, with the reason the operator's log gives (never the client). */
  public OAuthError withReason(String why) {
    return new OAuthError(status, error, getMessage(), allow, clientId, why);
  }

  /** Why the request was refused, for the log; the error code when nothing more was said. */
  public String reason() {
    return reason != null ? reason : error;
  }

  /** The client ID a refusal concerns, or null. */
  public String clientId() {
    return clientId;
  }

  public static OAuthError invalidRequest(String description) {
    return new OAuthError(400, INVALID_REQUEST, description, null);
  }

  /** Always the same description, so an answer never tells an unknown client from a wrong secret or a revoked one. */
  public static OAuthError invalidClient() {
    return new OAuthError(401, INVALID_CLIENT, CLIENT_AUTHENTICATION_FAILED, null);
  }

  public static OAuthError invalidScope() {
    return invalidScope("The requested scope exceeds the scopes granted to this client.");
  }

  public static OAuthError invalidScope(String description) {
    return new OAuthError(400, INVALID_SCOPE, description, null);
  }

  public static OAuthError unsupportedGrantType() {
    return new OAuthError(400, UNSUPPORTED_GRANT_TYPE, "Only grant_type=client_credentials is supported.", null);
  }

  public static OAuthError methodNotAllowed(String allowed) {
    return new OAuthError(405, INVALID_REQUEST, "Use " + allowed + " for this endpoint.", allowed);
  }

  public static OAuthError notFound() {
    return new OAuthError(404, INVALID_REQUEST, "No such endpoint.", null);
  }

  /** An unexpected failure inside the server; says nothing more. */
  public static OAuthError serverError() {
    return new OAuthError(500, SERVER_ERROR, "The server could not answer this request.", null);
  }

  public static OAuthError temporarilyUnavailable() {
    return new OAuthError(503, TEMPORARILY_UNAVAILABLE, "The server cannot answer now; retry shortly.", null);
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public String description() {
    return getMessage();
  }

  /** The methods to name in an Allow header (405 answers), or null. */
  public String allow() {
    return allow;
  }

  public boolean isClientAuthenticationFailure() {
    return INVALID_CLIENT.equals(error);
  }

  @Override
  public String toString() {
    return "OAuthError[" + status + " " + error + ": " + getMessage() + "]";
  }
}
