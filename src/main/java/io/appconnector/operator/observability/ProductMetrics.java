package io.appconnector.operator.observability;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.token.OAuthError;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The product's own metrics: activations by phase, credentials issued / expired / revoked, token
 * exchanges by outcome, and seconds until the next credential expiry.
 */
public class ProductMetrics {
  /** The outcomes of a token exchange: issued, or the OAuth 2.0 error it was answered with. */
  public static final List<String> TOKEN_OUTCOMES = List.of("issued", OAuthError.INVALID_REQUEST,
      OAuthError.INVALID_CLIENT, OAuthError.INVALID_SCOPE, OAuthError.UNSUPPORTED_GRANT_TYPE,
      OAuthError.TEMPORARILY_UNAVAILABLE, OAuthError.SERVER_ERROR);

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<ResourceID, Phase> phases = new ConcurrentHashMap<>();
  private final Map<ResourceID, Instant> expiries = new ConcurrentHashMap<>();
  private final Counter issued;
  private final Counter expired;
  private final Counter revoked;

  public ProductMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    for (Phase phase : Phase.values()) {
      Gauge.builder("appconnector.activations", phases, m -> m.values().stream().filter(phase::equals).count())
          .description("Activations by phase").tag("phase", phase.name()).register(registry);
    }
    Gauge.builder("appconnector.next.expiry.seconds", this, ProductMetrics::secondsUntilNextExpiry)
        .description("Seconds until the next unused credential expires (NaN when none is due)").register(registry);
    issued = Counter.builder("appconnector.credentials.issued").description("Credential pairs or secrets issued")
        .register(registry);
    expired = Counter.builder("appconnector.credentials.expired").description("Unused credentials revoked at their deadline")
        .register(registry);
    revoked = Counter.builder("appconnector.credentials.revoked")
        .description("Credentials withdrawn by suspension or deactivation").register(registry);
    // Exported from 0, so rate() and alerts see the first exchange of each outcome.
    for (String outcome : TOKEN_OUTCOMES) {
      exchanges(outcome);
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** What the last reconcile decided for an activation; {@code expiresAt} is null unless an unused credential is due. */
  public void observed(ResourceID id, Phase phase, Instant expiresAt) {
    phases.put(id, phase);
    if (expiresAt == null) {
      expiries.remove(id);
    } else {
      expiries.put(id, expiresAt);
    }
  }

  public void removed(ResourceID id) {
    phases.remove(id);
    expiries.remove(id);
  }

  public void issued() {
    issued.increment();
  }

  public void expired() {
    expired.increment();
  }

  public void revoked() {
    revoked.increment();
  }

  /** One token exchange, by outcome: issued, invalid_client, invalid_request, invalid_scope, ... */
  public void tokenExchange(String outcome) {
    exchanges(outcome).increment();
  }

  /** One token issued for an activation of this listing (labelled by listing only: tenants are not a label). */
  public void exchangeForListing(String listing) {
    Counter.builder("appconnector.token.exchanges.by.listing")
        .description("Tokens issued at the token endpoint, by listing").tag("listing", listing).register(registry)
        .increment();
  }

  private Counter exchanges(String outcome) {
    return Counter.builder("appconnector.token.exchanges")
        .description("Token exchanges at the token endpoint, by outcome (issued or the OAuth 2.0 error)")
        .tag("outcome", outcome).register(registry);
  }

  double secondsUntilNextExpiry() {
    return expiries.values().stream().min(Instant::compareTo)
        .map(next -> Duration.between(clock.instant(), next).toMillis() / 1000.0).orElse(Double.NaN);
  }
}
