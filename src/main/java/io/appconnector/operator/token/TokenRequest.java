package io.appconnector.operator.token;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A client credentials grant request (RFC 6749 section 4.4.2), checked for form only: who the
 * client is and what it may have is decided later.
 *
 * @param scope the requested scopes, or null to ask for everything granted
 */
public record TokenRequest(ClientAuthentication client, Set<String> scope) {
  public static final String CLIENT_CREDENTIALS = "client_credentials";
  /** RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]+");

  public static TokenRequest from(List<String> authorization, Map<String, String> form) {
    ClientAuthentication client = ClientAuthentication.from(authorization, form);
    String grantType = form.get("grant_type");
    if (grantType == null) {
      throw OAuthError.invalidRequest("grant_type is missing.");
    }
    if (!CLIENT_CREDENTIALS.equals(grantType)) {
      throw OAuthError.unsupportedGrantType();
    }
    return new TokenRequest(client, scope(form.get("scope")));
  }

  static Set<String> scope(String text) {
    if (text == null) {
      return null;
    }
    Set<String> tokens = new LinkedHashSet<>();
    for (String token : Arrays.stream(text.split(" ")).filter(t -> !t.isEmpty()).toList()) {
      if (!SCOPE_TOKEN.matcher(token).matches()) {
        throw OAuthError.invalidScope("scope must be space-separated scope tokens.");
      }
      tokens.add(token);
    }
    return tokens.isEmpty() ? null : Set.copyOf(tokens);
  }

  /**
   * The scopes to put in the token: what was asked for, when all of it was granted, or everything
   * granted when nothing was asked for.
   */
  public List<String> grantedSubset(List<String> granted) {
    if (scope == null) {
      return List.copyOf(granted);
    }
    if (!granted.containsAll(scope)) {
      throw OAuthError.invalidScope();
    }
    // In the order the listing grants them, so equal requests give equal tokens.
    return granted.stream().filter(scope::contains).toList();
  }
}
