package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.usage.FirstUse;
import io.appconnector.operator.http.HttpAnswer;
import io.appconnector.operator.http.HttpCall;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/token}: the client credentials grant (RFC 6749 section 4.4). Checks the
 * request's form, finds the client in the caches, asks {@link ExchangeRules}, records a first use
 * before answering, and signs a token. Failed authentications are answered after the delay that
 * {@link FailureThrottle} sets for that client ID.
 */
public class TokenEndpoint {
  private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);

  private final KubernetesClient client;
  private final ClientDirectory directory;
  private final Supplier<SigningKeys> keys;
  private final AccessTokens tokens;
  private final FailureThrottle throttle;
  private final Clock clock;
  private final Duration defaultTokenLifetime;
  private final Consumer<String> outcomes;
  private final AtomicLong firstUsesRecorded = new AtomicLong();

  public TokenEndpoint(KubernetesClient client, ClientDirectory directory, Supplier<SigningKeys> keys,
      AccessTokens tokens, FailureThrottle throttle, Clock clock, Duration defaultTokenLifetime,
      Consumer<String> outcomes) {
    this.defaultTokenLifetime = defaultTokenLifetime;
    this.outcomes = outcomes;
    this.client = client;
    this.directory = directory;
    this.keys = keys;
    this.tokens = tokens;
    this.throttle = throttle;
    this.clock = clock;
  }

  public HttpAnswer handle(HttpCall call) {
    String clientId = null;
    try {
      Map<String, String> form = FormBody.read(call, TokenSettings.TOKEN_PATH);
      TokenRequest request = TokenRequest.from(call.headers("Authorization"), form);
      clientId = request.client().clientId();
      AccessTokens.Issued issued = exchange(request, call.source().getAddress());
      throttle.succeeded(clientId);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("access_token", issued.token());
      body.put("token_type", "Bearer");
      body.put("expires_in", issued.expiresIn());
      body.put("scope", issued.scope());
      outcomes.accept("issued");
      return HttpReplies.json(200, body);
    } catch (OAuthError e) {
      outcomes.accept(e.error());
      String refused = e.isClientAuthenticationFailure() ? (clientId != null ? clientId : e.clientId()) : null;
      return HttpReplies.error(e).delayedBy(refused == null ? Duration.ZERO : throttle.failed(refused));
    } catch (KubernetesClientException | IllegalStateException e) {
      log.warn("a token exchange could not finish: {}", e.getMessage());
      outcomes.accept("temporarily_unavailable");
      return HttpReplies.error(OAuthError.temporarilyUnavailable());
    } catch (RuntimeException e) {
      // Only the type: nothing of the request (which holds a secret) reaches the log.
      log.error("a token exchange failed unexpectedly: {}", e.getClass().getName());
      outcomes.accept("server_error");
      return HttpReplies.error(OAuthError.serverError());
    }
  }

  AccessTokens.Issued exchange(TokenRequest request, byte[] source) {
    Instant now = clock.instant();
    String clientId = request.client().clientId();
    Activation activation = directory.byClientId(clientId);
    String tenant = activation == null ? null : activation.getMetadata().getNamespace();
    ExchangeRules.Verdict verdict = ExchangeRules.decide(clientId, request.client().clientSecret(), activation,
        activation == null ? null : directory.listing(activation.getSpec().listing),
        tenant == null ? List.of() : directory.trustedNetworks(tenant), source, now, defaultTokenLifetime);
    if (!verdict.allowed()) {
      if (verdict.refusal() == ExchangeRules.Refusal.UNKNOWN_CLIENT) {
        log.debug("refused a token: unknown client {}", clientId);
      } else {
        log.info("refused a token for client {} of {}/{}: {}", clientId, tenant, activation.getMetadata().getName(),
            verdict.refusal());
      }
      throw OAuthError.invalidClient();
    }
    ExchangeRules.Grant grant = verdict.grant();
    List<String> scopes = request.grantedSubset(grant.scopes());
    if (!grant.firstUseRecorded()) {
      // Durable before the token leaves: a token in hand means the expiry of unused credentials has stopped.
      FirstUse.Result recorded = FirstUse.record(client, grant.tenant(), grant.activation(), clientId, now);
      if (recorded == FirstUse.Result.NOT_USABLE) {
        log.info("refused a token for client {} of {}/{}: the credential was withdrawn meanwhile", clientId,
            grant.tenant(), grant.activation());
        throw OAuthError.invalidClient();
      }
      if (recorded == FirstUse.Result.RECORDED) {
        firstUsesRecorded.incrementAndGet();
        log.info("first use of client {} of {}/{} recorded", clientId, grant.tenant(), grant.activation());
      }
    }
    return tokens.issue(grant, scopes, keys.get(), now);
  }

  /** How many first uses this endpoint recorded (the others found one already recorded). */
  public long firstUsesRecorded() {
    return firstUsesRecorded.get();
  }
}
