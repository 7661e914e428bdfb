package io.appconnector.operator.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.token.ClientAuthentication;
import io.appconnector.operator.token.TokenServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import java.util.Map;
import java.util.Set;

/**
 * The demo's token exchange: a vendor reads its delivered Secret, exchanges it at the token
 * endpoint and verifies the token against the published JWKS, as a platform API would. Prints
 * what the answer and the verified claims say, never the secret or the token.
 */
final class TokenExchangeDemo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient client;
  private final TokenServer tokens;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newHttpClient();

  TokenExchangeDemo(KubernetesClient client, TokenServer tokens, PrintStream out) {
    this.client = client;
    this.tokens = tokens;
    this.out = out;
  }

  /** Exchanges the credentials of an Unrestricted activation; returns 1 when it is not served. */
  int exchange(String namespace, String name) throws Exception {
    Map<String, String> mounted = mounted(namespace, name);
    out.println("== Token exchange: the vendor of " + namespace + "/" + name + " posts its delivered clientId "
        + mounted.get("clientId") + " and secret (HTTP Basic) to " + mounted.get("tokenUrl"));
    HttpResponse<String> response = post(mounted);
    @SuppressWarnings("unchecked")
    Map<String, Object> body = JSON.readValue(response.body(), Map.class);
    if (response.statusCode() != 200) {
      out.println("   HTTP " + response.statusCode() + " " + body.get("error") + " (expected 200)");
      return 1;
    }
    out.println("   HTTP 200, token_type " + body.get("token_type") + ", expires_in " + body.get("expires_in")
        + ", scope \"" + body.get("scope") + "\"");
    String token = (String) body.get("access_token");
    JWTClaimsSet claims = verify(token);
    out.println("   verified against " + tokens.settings().jwksUri() + ": sub " + claims.getSubject() + ", tenant "
        + claims.getStringClaim("tenant") + ", scope \"" + claims.getStringClaim("scope") + "\", exp "
        + claims.getExpirationTime().toInstant() + ", kid " + SignedJWT.parse(token).getHeader().getKeyID());
    Activation used = client.resources(Activation.class).inNamespace(namespace).withName(name).get();
    String firstUsedAt = used.getStatus().credential.firstUsedAt;
    out.println("   first use recorded: firstUsedAt " + firstUsedAt + " (the unused-credential expiry has stopped)");
    return firstUsedAt == null ? 1 : 0;
  }

  /**
   * Rotates the secret of an Unrestricted activation as a tenant does (spec.rotateSecret) while its
   * vendor keeps exchanging: pods that still hold the old secret, then pods that loaded the new one.
   * Returns 1 if any exchange failed or the old secret was not retired by the new one's first use.
   */
  int rotateWithoutAFailedExchange(String namespace, String name) throws Exception {
    Map<String, String> before = mounted(namespace, name);
    int exchanges = 0;
    int failed = 0;
    out.println("== Rotation: the tenant raises spec.rotateSecret of " + namespace + "/" + name
        + "; the vendor keeps exchanging throughout");
    failed += post(before).statusCode() == 200 ? 0 : 1;
    exchanges++;
    long rotation = client.resources(Activation.class).inNamespace(namespace).withName(name).get().getSpec().rotateSecret;
    // As kubectl patch does it: a merge patch of the one field.
    client.resources(Activation.class).inNamespace(namespace).withName(name).patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\":{\"rotateSecret\":" + (rotation + 1) + "}}");
    Map<String, String> during = io.appconnector.operator.support.Await.until("the new secret delivered",
        () -> mounted(namespace, name), m -> before.get("clientSecret").equals(m.get("previousClientSecret")));
    Activation overlapping = client.resources(Activation.class).inNamespace(namespace).withName(name).get();
    out.println("   new secret delivered as clientSecret, same clientId " + during.get("clientId"));
    out.println("   the old one stays as previousClientSecret until "
        + overlapping.getStatus().credential.previousSecret.retiresAt + " or the new one's first use");
    for (int i = 0; i < 3; i++) {
      failed += post(before).statusCode() == 200 ? 0 : 1;
      exchanges++;
    }
    out.println("   pods that still hold the old secret: 3 exchanges, " + failed + " failed");
    Map<String, String> reloaded = new java.util.HashMap<>(before);
    reloaded.put("clientSecret", during.get("clientSecret"));
    for (int i = 0; i < 3; i++) {
      failed += post(reloaded).statusCode() == 200 ? 0 : 1;
      exchanges++;
    }
    Activation retired = io.appconnector.operator.support.Await.until("the old secret retired",
        () -> client.resources(Activation.class).inNamespace(namespace).withName(name).get(),
        a -> a.getStatus().credential.previousSecret == null);
    Map<String, String> after = io.appconnector.operator.support.Await.until("previousClientSecret removed",
        () -> mounted(namespace, name), m -> !m.containsKey("previousClientSecret"));
    int oldAfter = post(before).statusCode();
    out.println("   pods that loaded the new secret: 3 exchanges; the first, at "
        + retired.getStatus().credential.secretFirstUsedAt + ", retired the old secret");
    out.println("   the old secret now gets HTTP " + oldAfter + "; Secret keys " + new java.util.TreeSet<>(after.keySet()));
    boolean ok = failed == 0 && oldAfter == 401;
    out.println("   " + (ok ? "\u2713 " : "\u2717 ") + exchanges + " exchanges during the rotation, " + failed + " failed");
    return ok ? 0 : 1;
  }

  /**
   * The vendor of a PrivateKeyJWT listing: its delivered Secret holds no secret; it signs a short
   * client assertion with its own key (the demo key whose public half the example listing holds),
   * exchanges it, and sends the same assertion again, which is refused. Returns 1 unless all holds.
   */
  int exchangeWithOwnKey(String namespace, String name, ECKey vendorKey) throws Exception {
    Map<String, String> mounted = mounted(namespace, name);
    boolean secretless = !mounted.containsKey("clientSecret");
    out.println("== Secretless exchange: " + namespace + "/" + name + "'s Secret holds clientId " + mounted.get("clientId")
        + " and " + (secretless ? "no secret" : "A SECRET") + "; its vendor signs a client assertion (ES256, kid "
        + vendorKey.getKeyID() + ")");
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(mounted.get("clientId")).subject(mounted.get("clientId"))
        .audience(mounted.get("tokenUrl")).jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(60))).build();
    SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(vendorKey.getKeyID()).build(),
        claims);
    assertion.sign(new ECDSASigner(vendorKey));
    String form = "grant_type=client_credentials&client_assertion_type="
        + URLEncoder.encode(ClientAuthentication.JWT_BEARER, StandardCharsets.UTF_8) + "&client_assertion="
        + assertion.serialize();
    HttpResponse<String> first = postForm(mounted.get("tokenUrl"), form);
    @SuppressWarnings("unchecked")
    Map<String, Object> body = JSON.readValue(first.body(), Map.class);
    boolean issued = first.statusCode() == 200;
    out.println("   HTTP " + first.statusCode() + (issued ? ", scope \"" + body.get("scope") + "\", tenant "
        + verify((String) body.get("access_token")).getStringClaim("tenant") : " " + body.get("error")
        + " (expected 200)"));
    HttpResponse<String> again = postForm(mounted.get("tokenUrl"), form);
    boolean replayRefused = again.statusCode() == 401;
    out.println("   the same assertion again: HTTP " + again.statusCode() + " "
        + JSON.readValue(again.body(), Map.class).get("error") + (replayRefused ? " (a jti is accepted once)"
        : " (expected 401)"));
    return secretless && issued && replayRefused ? 0 : 1;
  }

  private HttpResponse<String> postForm(String url, String form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Exchanges the credentials of a TrustedOnly activation from 127.0.0.1; returns 1 unless refused. */
  int refusedFromUntrustedAddress(String namespace, String name) throws Exception {
    HttpResponse<String> response = post(mounted(namespace, name));
    Object error = JSON.readValue(response.body(), Map.class).get("error");
    boolean refused = response.statusCode() == 401 && "invalid_client".equals(error);
    out.println("== Token exchange for " + namespace + "/" + name + " (TrustedOnly) from 127.0.0.1: "
        + (refused ? "REFUSED" : "NOT REFUSED") + ", HTTP " + response.statusCode() + " " + error
        + " (127.0.0.1 is outside " + namespace + "'s trusted networks)");
    return refused ? 0 : 1;
  }

  private Map<String, String> mounted(String namespace, String name) {
    Activation activation = client.resources(Activation.class).inNamespace(namespace).withName(name).get();
    String[] where = activation.getStatus().credential.deliveredTo.split("/", 2);
    Secret secret = client.secrets().inNamespace(where[0]).withName(where[1]).get();
    // The embedded API keeps stringData as written; a real one serves data, base64.
    if (secret.getStringData() != null && !secret.getStringData().isEmpty()) {
      return secret.getStringData();
    }
    Map<String, String> decoded = new java.util.HashMap<>();
    secret.getData().forEach((k, v) -> decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return decoded;
  }

  private HttpResponse<String> post(Map<String, String> mounted) throws Exception {
    String pair = URLEncoder.encode(mounted.get("clientId"), StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(mounted.get("clientSecret"), StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(mounted.get("tokenUrl")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private JWTClaimsSet verify(String token) throws Exception {
    HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tokens.port()
        + "/.well-known/jwks.json")).GET().build(), HttpResponse.BodyHandlers.ofString());
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
        new ImmutableJWKSet<>(JWKSet.parse(jwks.body()))));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(tokens.settings().audience(),
        new JWTClaimsSet.Builder().issuer(tokens.settings().issuer()).build(),
        Set.of("sub", "tenant", "scope", "exp", "iat", "jti")));
    return processor.process(token, null);
  }
}
