package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.appconnector.operator.http.HttpCall;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The form of token requests, without a server. */
class TokenRequestTest {
  static final String BASIC = Vendor.basicHeader("ac-1", "s3cret");

  static OAuthError error(Executable call) {
    return assertThrows(OAuthError.class, call);
  }

  static Map<String, String> form(String body) {
    return FormBody.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basicCredentialsAreFormDecodedAndFormCredentialsAreReadAsSent() {
    String header = "Basic " + Base64.getEncoder().encodeToString("ac%2D1:a%2Bb%3Ac".getBytes(StandardCharsets.UTF_8));
    TokenRequest basic = TokenRequest.from(List.of(header), form("grant_type=client_credentials"));
    assertEquals("ac-1", basic.client().clientId());
    assertEquals("a+b:c", basic.client().clientSecret());
    assertEquals(ClientAuthentication.Method.CLIENT_SECRET_BASIC, basic.client().method());
    TokenRequest post = TokenRequest.from(null, form("grant_type=client_credentials&client_id=ac-1&client_secret=x%2By"));
    assertEquals("x+y", post.client().clientSecret());
    assertEquals(ClientAuthentication.Method.CLIENT_SECRET_POST, post.client().method());
    assertFalse(post.client().toString().contains("x+y"), "toString never shows the secret");
  }

  @Test
  void usingBothAuthenticationMethodsOrConflictingIdsIsInvalidRequest() {
    assertEquals("invalid_request", error(() -> TokenRequest.from(List.of(BASIC),
        form("grant_type=client_credentials&client_id=ac-1&client_secret=s3cret"))).error());
    assertEquals("invalid_request", error(() -> TokenRequest.from(List.of(BASIC),
        form("grant_type=client_credentials&client_id=ac-2"))).error());
    assertEquals("ac-1", TokenRequest.from(List.of(BASIC), form("grant_type=client_credentials&client_id=ac-1"))
        .client().clientId(), "the same client_id beside Basic is allowed");
    assertEquals("invalid_request", error(() -> TokenRequest.from(List.of(BASIC, BASIC),
        form("grant_type=client_credentials"))).error());
    assertEquals("invalid_request", error(() -> TokenRequest.from(null,
        form("grant_type=client_credentials&client_secret=s3cret"))).error());
  }

  @Test
  void missingOrUnsupportedAuthenticationIsInvalidClientWith401() {
    OAuthError none = error(() -> TokenRequest.from(null, form("grant_type=client_credentials")));
    assertEquals("invalid_client", none.error());
    assertEquals(401, none.status());
    OAuthError bearer = error(() -> TokenRequest.from(List.of("Bearer abc"), form("grant_type=client_credentials")));
    assertEquals("invalid_client", bearer.error());
    OAuthError idOnly = error(() -> TokenRequest.from(null, form("grant_type=client_credentials&client_id=ac-9")));
    assertEquals("ac-9", idOnly.clientId(), "counted against that client for slowing down");
    assertEquals("invalid_request", error(() -> TokenRequest.from(List.of("Basic %%%"),
        form("grant_type=client_credentials"))).error());
    assertEquals("invalid_request", error(() -> TokenRequest.from(
        List.of("Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes())), form("grant_type=client_credentials")))
        .error());
  }

  @Test
  void grantTypeMustBePresentAndClientCredentials() {
    assertEquals("invalid_request", error(() -> TokenRequest.from(List.of(BASIC), form("scope=a"))).error());
    assertEquals("invalid_request", error(() -> TokenRequest.from(List.of(BASIC), form("grant_type="))).error(),
        "an empty parameter counts as omitted");
    OAuthError password = error(() -> TokenRequest.from(List.of(BASIC), form("grant_type=password")));
    assertEquals("unsupported_grant_type", password.error());
    assertEquals(400, password.status());
  }

  @Test
  void parametersMayNotRepeatAndMustBeValidFormEncoding() {
    assertEquals("Parameter 'grant_type' is included more than once.",
        error(() -> form("grant_type=client_credentials&grant_type=client_credentials")).description());
    assertEquals("A parameter is included more than once.", error(() -> form("x-secret-ish=1&x-secret-ish=2")).description(),
        "unknown names are not echoed");
    assertEquals("invalid_request", error(() -> form("grant_type=%zz")).error());
    assertEquals(Map.of("grant_type", "client_credentials"), form("grant_type=client_credentials&&unused="));
  }

  @Test
  void onlyFormBodiesWithinTheSizeLimitAreRead() {
    FormBody.requireFormContentType("application/x-www-form-urlencoded; charset=UTF-8");
    FormBody.requireFormContentType("Application/X-WWW-Form-Urlencoded");
    assertEquals("invalid_request", error(() -> FormBody.requireFormContentType("application/json")).error());
    assertEquals("invalid_request", error(() -> FormBody.requireFormContentType(null)).error());

    // The listener keeps no body beyond the limit; such a request is refused unparsed.
    Map<String, List<String>> form = Map.of("content-type", List.of(FormBody.MEDIA_TYPE));
    InetAddress source = InetAddress.getLoopbackAddress();
    OAuthError tooLarge = error(() -> FormBody.read(new HttpCall("POST", "/oauth2/token", form, new byte[0], true,
        source), "/oauth2/token"));
    assertEquals("The request body exceeds " + FormBody.LIMIT + " bytes.", tooLarge.description());
    assertEquals(Map.of("grant_type", "client_credentials"), FormBody.read(new HttpCall("POST", "/oauth2/token", form,
        "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8), false, source), "/oauth2/token"));
    assertEquals(405, error(() -> FormBody.read(new HttpCall("GET", "/oauth2/token", form, new byte[0], false,
        source), "/oauth2/token")).status());
  }

  @Test
  void aRequestedScopeMustBeASubsetOfTheGrantedOnes() {
    List<String> granted = List.of("invoices.read", "contacts.read");
    assertEquals(granted, request(null).grantedSubset(granted), "no scope asks for everything granted");
    assertEquals(List.of("invoices.read", "contacts.read"), request("contacts.read  invoices.read").grantedSubset(granted),
        "in the granted order");
    assertEquals(Set.of("contacts.read"), request("contacts.read").scope());
    OAuthError wider = error(() -> request("contacts.read payments.read").grantedSubset(granted));
    assertEquals("invalid_scope", wider.error());
    assertEquals(400, wider.status());
    assertEquals("invalid_scope", error(() -> request("bad\"scope")).error());
    assertNull(request("   ").scope());
  }

  static TokenRequest request(String scope) {
    String body = "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + java.net.URLEncoder.encode(scope,
        StandardCharsets.UTF_8));
    return TokenRequest.from(List.of(BASIC), form(body));
  }

  @Test
  void errorBodiesAreRfc6749Json() {
    assertEquals(Map.of("error", "invalid_client", "error_description", "Client authentication failed."),
        HttpReplies.errorBody(OAuthError.invalidClient()));
    OAuthError notAllowed = OAuthError.methodNotAllowed("POST");
    assertEquals(405, notAllowed.status());
    assertEquals("POST", notAllowed.allow());
    assertEquals("invalid_request", notAllowed.error());
  }

}
