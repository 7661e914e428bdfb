package io.appconnector.operator.token;

import io.appconnector.operator.values.TokenPaths;
import com.nimbusds.jwt.JWTClaimsSet;
import io.appconnector.operator.http.HttpAnswer;
import io.appconnector.operator.http.HttpCall;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.values.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/introspect} (RFC 7662) for the platform's own APIs, which authenticate with
 * HTTP Basic as an {@link IntrospectionCallers} entry. A token is active only while its signature,
 * issuer, audience and expiry hold and the credential it was issued for is still exchangeable:
 * suspending, expiring, deactivating or reissuing the credential, or narrowing its scopes, ends
 * every token issued for it at once.
 */
public class IntrospectionEndpoint {
  public static final String PATH = TokenPaths.INTROSPECT;

  private final ClientDirectory directory;
  private final IntrospectionCallers callers;
  private final Supplier<SigningKeys> keys;
  private final AccessTokens tokens;
  private final GuessingLimits guessing;
  private final Clock clock;

  public IntrospectionEndpoint(ClientDirectory directory, IntrospectionCallers callers, Supplier<SigningKeys> keys,
      AccessTokens tokens, GuessingLimits guessing, Clock clock) {
    this.directory = directory;
    this.callers = callers;
    this.keys = keys;
    this.tokens = tokens;
    this.guessing = guessing;
    this.clock = clock;
  }

  public HttpAnswer handle(HttpCall call) {
    String caller = null;
    try {
      Map<String, String> form = FormBody.read(call, PATH);
      ClientAuthentication basic = ClientAuthentication.basic(call.headers("Authorization"));
      if (basic == null) {
        throw OAuthError.invalidClient();
      }
      caller = "introspection:" + basic.clientId();
      GuessingLimits.Verdict limit = guessing.check(caller, call.source());
      if (!limit.allowed()) {
        return TokenEndpoint.tooManyFailures(limit.retryAfter());
      }
      if (!callers.allows(basic.clientId(), basic.clientSecret())) {
        throw OAuthError.invalidClient();
      }
      String token = form.get("token");
      if (token == null) {
        throw OAuthError.invalidRequest("token is missing.");
      }
      return HttpReplies.json(200, introspect(token, clock.instant()));
    } catch (OAuthError e) {
      if (caller != null && e.isClientAuthenticationFailure()) {
        guessing.failed(caller, call.source());
      }
      return HttpReplies.error(e);
    } catch (RuntimeException e) {
      // Only the type: the request holds a token and a password.
      LoggerFactory.getLogger(IntrospectionEndpoint.class).error("an introspection failed unexpectedly: {}",
          e.getClass().getName());
      return HttpReplies.error(OAuthError.serverError());
    }
  }

  Map<String, Object> introspect(String token, Instant now) {
    JWTClaimsSet claims = tokens.verify(token, keys.get(), now);
    if (claims == null || !stillGranted(claims, now)) {
      return Map.of("active", false);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("active", true);
    body.put("token_type", "Bearer");
    body.put("client_id", claims.getSubject());
    body.put("sub", claims.getSubject());
    body.put("scope", claims.getClaim(AccessTokens.SCOPE));
    body.put(AccessTokens.TENANT, claims.getClaim(AccessTokens.TENANT));
    body.put(AccessTokens.LISTING, claims.getClaim(AccessTokens.LISTING));
    body.put("iss", claims.getIssuer());
    body.put("aud", claims.getAudience().size() == 1 ? claims.getAudience().get(0) : claims.getAudience());
    body.put("iat", claims.getIssueTime().toInstant().getEpochSecond());
    body.put("exp", claims.getExpirationTime().toInstant().getEpochSecond());
    body.put("jti", claims.getJWTID());
    return body;
  }

  private boolean stillGranted(JWTClaimsSet claims, Instant now) {
    Activation activation = directory.byClientId(claims.getSubject());
    if (ExchangeRules.credential(activation, claims.getSubject()) == null
        || !activation.getMetadata().getNamespace().equals(claims.getClaim(AccessTokens.TENANT))
        || ExchangeRules.unusable(activation, now) != null || claims.getIssueTime() == null) {
      return false;
    }
    var credential = activation.getStatus().credential;
    // A token from before the current secret was issued (reissued after suspension or loss) is over.
    Instant issuedAt = Times.parse(credential.issuedAt);
    if (issuedAt != null && claims.getIssueTime().toInstant().isBefore(issuedAt.truncatedTo(ChronoUnit.SECONDS))) {
      return false;
    }
    Object scope = claims.getClaim(AccessTokens.SCOPE);
    List<String> granted = credential.grantedScopes == null ? List.of() : credential.grantedScopes;
    return scope instanceof String s && granted.containsAll(Arrays.stream(s.split(" ")).filter(x -> !x.isEmpty()).toList());
  }
}
