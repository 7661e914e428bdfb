package io.appconnector.operator.token;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The client's ID and secret from the request (RFC 6749 section 2.3.1): HTTP Basic, with ID and
 * secret form-urlencoded before base64, or the form parameters client_id and client_secret. Using
 * both at once is refused, as the RFC requires.
 */
public record ClientAuthentication(String clientId, String clientSecret, Method method) {

  /** The client authentication methods of the token endpoint, as its metadata (RFC 8414) names them. */
  public enum Method {
    CLIENT_SECRET_BASIC("client_secret_basic"),
    CLIENT_SECRET_POST("client_secret_post");

    private final String metadataName;

    Method(String metadataName) {
      this.metadataName = metadataName;
    }

    /** The name in {@code token_endpoint_auth_methods_supported}. */
    public String metadataName() {
      return metadataName;
    }
  }

  /**
   * @param authorization every Authorization header of the request (normally none or one)
   * @param form the parsed form parameters
   * @throws OAuthError invalid_request when malformed or ambiguous, invalid_client when absent
   */
  public static ClientAuthentication from(List<String> authorization, Map<String, String> form) {
    ClientAuthentication basic = basic(authorization);
    String formId = form.get("client_id");
    String formSecret = form.get("client_secret");
    if (basic != null) {
      if (formSecret != null) {
        throw OAuthError.invalidRequest("Use one client authentication method: HTTP Basic or client_secret, not both.");
      }
      if (formId != null && !formId.equals(basic.clientId())) {
        throw OAuthError.invalidRequest("client_id differs from the client authenticated by HTTP Basic.");
      }
      return basic;
    }
    if (formSecret != null && formId == null) {
      throw OAuthError.invalidRequest("client_secret is sent without client_id.");
    }
    if (formId == null) {
      throw OAuthError.invalidClient();
    }
    if (formSecret == null) {
      // A client ID alone is an unauthenticated client: the operator issues no public clients.
      throw OAuthError.invalidClient().withClientId(formId);
    }
    return new ClientAuthentication(formId, formSecret, Method.CLIENT_SECRET_POST);
  }

  /** The Basic credentials, or null when the request has no Basic Authorization header. */
  static ClientAuthentication basic(List<String> authorization) {
    if (authorization == null || authorization.isEmpty()) {
      return null;
    }
    if (authorization.size() > 1) {
      throw OAuthError.invalidRequest("Send one Authorization header.");
    }
    String header = authorization.get(0).trim();
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    if (!scheme.toLowerCase(Locale.ROOT).equals("basic")) {
      // Another scheme authenticates nothing here; the answer names Basic in WWW-Authenticate.
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(space < 0 ? header.length() : space + 1).trim()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw OAuthError.invalidRequest("The Basic Authorization header is not valid base64.");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw OAuthError.invalidRequest("The Basic Authorization header must hold client_id:client_secret.");
    }
    String id = FormBody.decode(decoded.substring(0, colon));
    String secret = FormBody.decode(decoded.substring(colon + 1));
    if (id.isEmpty() || secret.isEmpty()) {
      throw OAuthError.invalidClient();
    }
    return new ClientAuthentication(id, secret, Method.CLIENT_SECRET_BASIC);
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "ClientAuthentication[clientId=" + clientId + ", clientSecret=<redacted>, method=" + method + "]";
  }
}
