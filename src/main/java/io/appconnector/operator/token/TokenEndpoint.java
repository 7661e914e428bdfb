package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.logic.IdleExpiry;
import io.appconnector.operator.logic.SecretRotation;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
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
import java.util.function.Supplier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/token}: the client credentials grant (RFC 6749 section 4.4). Checks the
 * request's form, finds the client in the caches, asks {@link ExchangeRules}, records a first use
 * before answering, and signs a token. Failed authentications are answered after the delay that
 * {@link GuessingLimits} allow for that client ID and source; refusals are logged in aggregate by {@link RefusalLog}.
 */
public class TokenEndpoint {
  /** The counter of first uses this endpoint recorded, tagged {@code listing} (never the tenant). */
  public static final String FIRST_USES_METRIC = "appconnector.credentials.first.uses";
  private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);

  private final KubernetesClient client;
  private final ClientDirectory directory;
  private final Supplier<SigningKeys> keys;
  private final AccessTokens tokens;
  private final GuessingLimits guessing;
  private final RefusalLog refusals;
  private final Clock clock;
  private final Duration defaultTokenLifetime;
  private final Consumer<String> outcomes;
  private final MeterRegistry registry;
  private final UsageLedger usage;
  private final ClientAuthenticators authenticators;

  /**
   * {@code authenticators}: the client-assertion methods accepted besides client secrets; every
   * exchange is noted in {@code usage} (use count, last use, exchanges per listing), and the first uses
   * it records are counted in {@code registry} ({@value #FIRST_USES_METRIC}, by listing).
   */
  public TokenEndpoint(KubernetesClient client, ClientDirectory directory, Supplier<SigningKeys> keys,
      AccessTokens tokens, GuessingLimits guessing, RefusalLog refusals, Clock clock, Duration defaultTokenLifetime,
      Consumer<String> outcomes, ClientAuthenticators authenticators, UsageLedger usage, MeterRegistry registry) {
    this.registry = registry;
    this.authenticators = authenticators;
    this.usage = usage;
    this.defaultTokenLifetime = defaultTokenLifetime;
    this.outcomes = outcomes;
    this.client = client;
    this.directory = directory;
    this.keys = keys;
    this.tokens = tokens;
    this.guessing = guessing;
    this.refusals = refusals;
    this.clock = clock;
  }

  public HttpAnswer handle(HttpCall call) {
    String clientId = null;
    try {
      Map<String, String> form = FormBody.read(call, TokenSettings.TOKEN_PATH);
      TokenRequest request = TokenRequest.from(call.headers("Authorization"), form);
      clientId = request.client().clientId();
      GuessingLimits.Verdict limit = guessing.check(clientId, call.source());
      if (!limit.allowed()) {
        // Refused before the secret is looked at, right or wrong: a guess here teaches nothing.
        outcomes.accept(TOO_MANY_FAILURES);
        refusals.refused(clientId, TOO_MANY_FAILURES);
        return tooManyFailures(limit.retryAfter());
      }
      AccessTokens.Issued issued = exchange(request, call.source().getAddress());
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
      if (refused != null) {
        guessing.failed(refused, call.source());
      }
      refusals.refused(refused != null ? refused : clientId, e.reason());
      return HttpReplies.error(e);
    } catch (KubernetesClientException | RetryLater e) {
      log.warn("a token exchange could not finish: {}", e.getMessage());
      outcomes.accept(OAuthError.TEMPORARILY_UNAVAILABLE);
      return HttpReplies.error(OAuthError.temporarilyUnavailable());
    } catch (RuntimeException e) {
      // Only the type: nothing of the request (which holds a secret) reaches the log.
      log.error("a token exchange failed unexpectedly: {}", e.getClass().getName());
      outcomes.accept(OAuthError.SERVER_ERROR);
      return HttpReplies.error(OAuthError.serverError());
    }
  }

  /** The outcome (and log reason) of a request refused because its client ID or source failed too often. */
  public static final String TOO_MANY_FAILURES = "too_many_failures";

  /** 429 with Retry-After: the client ID or the source failed too often; nothing was checked. */
  static HttpAnswer tooManyFailures(Duration retryAfter) {
    return HttpReplies.json(429, Map.of("error", OAuthError.INVALID_CLIENT, "error_description",
        "Too many failed authentications; retry later.")).withHeader("Retry-After",
        String.valueOf(Math.max(1, retryAfter.toSeconds()))).withHeader("WWW-Authenticate", HttpReplies.REALM);
  }

  AccessTokens.Issued exchange(TokenRequest request, byte[] source) {
    Instant now = clock.instant();
    String clientId = request.client().clientId();
    Activation activation = directory.byClientId(clientId);
    // The same lookups whether the client is known or not, so neither the time nor the log tells which.
    String tenant = activation == null ? "" : activation.getMetadata().getNamespace();
    AppListing listing = directory.listing(activation == null ? "" : activation.getSpec().listing);
    List<TrustedNetwork> networks = directory.trustedNetworks(tenant);
    String assertion = request.client().assertion();
    ExchangeRules.Verdict verdict = assertion == null
        ? ExchangeRules.decide(clientId, request.client().clientSecret(), activation,
            activation == null ? null : listing, activation == null ? List.of() : networks, source, now,
            defaultTokenLifetime)
        : ExchangeRules.decideAsserted(clientId, activation, activation == null ? null : listing,
            activation == null ? List.of() : networks, source, now, defaultTokenLifetime,
            (a, l) -> authenticators.refusal(clientId, assertion, l, now));
    if (!verdict.allowed()) {
      // Logged in aggregate by the caller; unknown and wrong-secret under one reason, so the log tells no IDs.
      throw OAuthError.invalidClient().withReason(verdict.detail() != null ? verdict.detail()
          : logReason(verdict.refusal()));
    }
    ExchangeRules.Grant grant = verdict.grant();
    List<String> scopes = request.grantedSubset(grant.scopes());
    if (!grant.firstUseRecorded()) {
      // Durable before the token leaves: a token in hand means the expiry of unused credentials has stopped.
      FirstUse.Result recorded = FirstUse.record(client, grant.tenant(), grant.activation(), clientId, now);
      if (recorded == FirstUse.Result.NOT_USABLE) {
        throw OAuthError.invalidClient().withReason("withdrawn_meanwhile");
      }
      if (recorded == FirstUse.Result.RECORDED) {
        Counter.builder(FIRST_USES_METRIC).description("First uses of credentials recorded by this token endpoint, "
            + "by listing (an unused credential's expiry stops at its first use)").tag("listing", grant.listing())
            .register(registry).increment();
        log.info("first use of client {} of {}/{} recorded", clientId, grant.tenant(), grant.activation());
      }
    }
    ActivationStatus.Credential credential = activation.getStatus().credential;
    if (SecretRotation.firstUseOfCurrentSecret(credential)
        && SecretVerifier.matches(credential.verifier, request.client().clientSecret())) {
      // Durable before the token leaves: once the new secret is in use, the previous one is refused.
      SecretFirstUse.record(client, grant.tenant(), grant.activation(), clientId, credential.verifier, now);
    }
    usage.used(grant.tenant(), grant.activation(), clientId, grant.listing(), now);
    Instant idleDeadline = IdleExpiry.deadline(credential, listing.getSpec());
    if (idleDeadline != null && !now.isBefore(idleDeadline.minus(usage.interval().multipliedBy(2)))) {
      // Near the idle deadline a use is written before the token leaves, so the record is never behind then.
      usage.flushNow(grant.tenant(), grant.activation(), clientId);
    }
    return tokens.issue(grant, scopes, keys.get(), now);
  }

  static String logReason(ExchangeRules.Refusal refusal) {
    return refusal == ExchangeRules.Refusal.UNKNOWN_CLIENT || refusal == ExchangeRules.Refusal.WRONG_SECRET
        ? "unknown_client_or_wrong_secret" : refusal.name().toLowerCase(java.util.Locale.ROOT);
  }
}
