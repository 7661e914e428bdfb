package io.appconnector.operator.token;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the request says who the client is (RFC 6749 section 2.3.1): HTTP Basic, with ID and
 * secret form-urlencoded before base64, the form parameters client_id and client_secret, or an
 * RFC 7523 client assertion (client_assertion_type jwt-bearer and client_assertion, with
 * client_id or, for a vendor's own JWT, its {@code sub}). Using two methods at once is refused, as
 * the RFC requires.
 *
 * @param assertion the client assertion (a JWT), or null for the secret methods
 */
public record ClientAuthentication(String clientId, String clientSecret, Method method, String assertion) {

  public enum Method { CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, CLIENT_ASSERTION }

  /** RFC 7523 section 2.2: the assertion is a JWT that authenticates the client. */
  public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  public ClientAuthentication(String clientId, String clientSecret, Method method) {
    this(clientId, clientSecret, method, null);
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
    if (form.containsKey("client_assertion") || form.containsKey("client_assertion_type")) {
      if (basic != null || formSecret != null) {
        throw OAuthError.invalidRequest("Use one client authentication method: a client assertion, HTTP Basic or "
            + "client_secret, not two.");
      }
      return assertion(formId, form.get("client_assertion_type"), form.get("client_assertion"));
    }
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

  /**
   * An RFC 7523 client assertion. The client ID is client_id, or else the assertion's {@code sub}
   * read without checking anything (it only says which client's rules to check the assertion by).
   */
  static ClientAuthentication assertion(String formId, String type, String assertion) {
    if (!JWT_BEARER.equals(type)) {
      throw OAuthError.invalidRequest("client_assertion_type must be " + JWT_BEARER + ".");
    }
    if (assertion == null) {
      throw OAuthError.invalidRequest("client_assertion is missing.");
    }
    String clientId = formId != null ? formId : unverifiedSubject(assertion);
    if (clientId == null) {
      // A ServiceAccount token names the ServiceAccount, not the client: client_id says which activation.
      throw OAuthError.invalidClient();
    }
    return new ClientAuthentication(clientId, null, Method.CLIENT_ASSERTION, assertion);
  }

  /** The {@code sub} of a JWT when it looks like one of the operator's client IDs, else null. */
  private static String unverifiedSubject(String assertion) {
    try {
      String subject = com.nimbusds.jwt.JWTParser.parse(assertion).getJWTClaimsSet().getSubject();
      return subject != null && subject.length() <= 128 && !subject.startsWith("system:") ? subject : null;
    } catch (java.text.ParseException | RuntimeException e) {
      return null;
    }
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
    return "ClientAuthentication[clientId=" + clientId + ", clientSecret=<redacted>, method=" + method
        + (assertion == null ? "" : ", assertion=<redacted>") + "]";
  }
}
