package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.config.Setting;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.logic.IdleExpiry;
import io.appconnector.operator.logic.SecretRotation;
import io.appconnector.operator.logic.LiveCredential;
import io.appconnector.operator.values.GoDuration;
import io.appconnector.operator.logic.UnusedCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Decides whether presented client credentials may be exchanged for a token: a pure function of
 * the cached activation, its listing, the tenant's trusted networks, the source address and the
 * time. Every refusal carries a reason for the operator's log; the client only ever hears
 * invalid_client.
 */
public final class ExchangeRules {
  public static final Duration DEFAULT_TOKEN_LIFETIME = Setting.DEFAULT_ACCESS_TOKEN_LIFETIME.duration();
  /** Compared against when the client is unknown, so an unknown ID costs what a wrong secret costs. */
  private static final String DECOY_VERIFIER = SecretVerifier.create(UUID.randomUUID().toString());

  private ExchangeRules() {
  }

  public enum Refusal {
    UNKNOWN_CLIENT, WRONG_SECRET, DEACTIVATED, SUSPENDED, WITHDRAWN, REVISION_MISMATCH, NOT_ACTIVE, EXPIRED, NO_LISTING,
    UNTRUSTED_SOURCE,
    /** The client authenticated in another way than its listing says (a secret for a secretless client, or the reverse). */
    WRONG_METHOD,
    /** The client assertion did not prove the client; the verdict's detail says why. */
    ASSERTION_REFUSED
  }

  /**
   * Checks a client assertion for an activation that could otherwise be granted: null when it proves
   * the client, else the reason for the log. Only asked once everything else allows the exchange.
   */
  @FunctionalInterface
  public interface AssertionCheck {
    String refusal(Activation activation, AppListing listing);
  }

  /** What an allowed exchange grants. {@code firstUseRecorded} says whether first use still needs recording. */
  public record Grant(String clientId, String tenant, String activation, String listing, List<String> scopes,
      Duration tokenLifetime, boolean firstUseRecorded) {
  }

  /** Either a grant or a refusal; {@code detail} says more about an assertion refused. */
  public record Verdict(Grant grant, Refusal refusal, String detail) {
    public Verdict(Grant grant, Refusal refusal) {
      this(grant, refusal, null);
    }

    static Verdict refused(Refusal why) {
      return new Verdict(null, why);
    }

    public boolean allowed() {
      return grant != null;
    }
  }

  /** Whether this secret may be exchanged now, with the operator's token lifetime for listings that set none. */
  public static Verdict decide(String clientId, String secret, Activation activation, AppListing listing,
      Collection<TrustedNetwork> trustedNetworks, byte[] source, Instant now, Duration defaultTokenLifetime) {
    Credential credential = credential(activation, clientId);
    String verifier = credential == null || credential.verifier == null ? DECOY_VERIFIER : credential.verifier;
    // Always compare, before anything else decides: the time taken does not tell why a request fails.
    boolean secretMatches = SecretVerifier.matches(verifier, secret)
        // During a rotation's overlap the previous secret is accepted too, until it retires.
        || (credential != null && SecretRotation.acceptsPrevious(credential, secret, now));
    if (credential == null) {
      return Verdict.refused(Refusal.UNKNOWN_CLIENT);
    }
    // A withdrawn credential has no verifier to check against: its log reason is why it was withdrawn.
    if (credential.verifier != null && !secretMatches) {
      return Verdict.refused(Refusal.WRONG_SECRET);
    }
    if (LiveCredential.secretless(credential)) {
      return Verdict.refused(Refusal.WRONG_METHOD);
    }
    Refusal unusable = unusable(activation, now);
    if (unusable != null || !secretMatches) {
      return Verdict.refused(unusable != null ? unusable : Refusal.WRONG_SECRET);
    }
    return granted(clientId, credential, activation, listing, trustedNetworks, source, defaultTokenLifetime,
        now);
  }

  /**
   * For a client that presents an RFC 7523 assertion: the same rules, with the assertion checked
   * last, so an unknown, withdrawn, suspended or fenced-off client costs no verification (and no
   * call to the API server). The client's record and its listing must both name the same
   * secretless method.
   */
  public static Verdict decideAsserted(String clientId, Activation activation, AppListing listing,
      Collection<TrustedNetwork> trustedNetworks, byte[] source, Instant now, Duration defaultTokenLifetime,
      AssertionCheck check) {
    Credential credential = credential(activation, clientId);
    if (credential == null) {
      return Verdict.refused(Refusal.UNKNOWN_CLIENT);
    }
    Refusal unusable = unusable(activation, now);
    if (unusable != null) {
      return Verdict.refused(unusable);
    }
    if (!LiveCredential.secretless(credential) || listing == null || listing.getSpec() == null
        || LiveCredential.method(credential) != listing.getSpec().clientAuthenticationMethod()) {
      return Verdict.refused(listing == null || listing.getSpec() == null ? Refusal.NO_LISTING : Refusal.WRONG_METHOD);
    }
    Verdict verdict = granted(clientId, credential, activation, listing, trustedNetworks, source, defaultTokenLifetime,
        now);
    if (!verdict.allowed()) {
      return verdict;
    }
    String refused = check.refusal(activation, listing);
    return refused == null ? verdict : new Verdict(null, Refusal.ASSERTION_REFUSED, refused);
  }

  private static Verdict granted(String clientId, Credential credential, Activation activation, AppListing listing,
      Collection<TrustedNetwork> trustedNetworks, byte[] source, Duration defaultTokenLifetime, Instant now) {
    if (listing == null || listing.getSpec() == null) {
      return Verdict.refused(Refusal.NO_LISTING);
    }
    if (IdleExpiry.expired(credential, listing.getSpec(), now)) {
      return Verdict.refused(Refusal.EXPIRED);
    }
    if (activation.getSpec().networkSecurity == NetworkSecurity.TrustedOnly
        && (source == null || !TrustedSources.allows(trustedNetworks, source))) {
      return Verdict.refused(Refusal.UNTRUSTED_SOURCE);
    }
    List<String> scopes = credential.grantedScopes == null ? List.of() : List.copyOf(credential.grantedScopes);
    return new Verdict(new Grant(clientId, activation.getMetadata().getNamespace(), activation.getMetadata().getName(),
        activation.getSpec().listing, scopes, tokenLifetime(listing, defaultTokenLifetime), credential.firstUsedAt != null),
        null);
  }

  /**
   * Why an activation's current credential cannot be used now, or null when it can. Shared by the
   * token endpoint and introspection, so a token stops being active exactly when the credential
   * would stop being exchanged.
   */
  public static Refusal unusable(Activation activation, Instant now) {
    Credential credential = activation.getStatus().credential;
    if (activation.getMetadata().getDeletionTimestamp() != null) {
      return Refusal.DEACTIVATED;
    }
    if (credential.expiredAt != null || UnusedCredentials.pastDeadline(credential, now)) {
      return Refusal.EXPIRED;
    }
    if (activation.getSpec().suspended || activation.getStatus().phase == Phase.Suspended) {
      return Refusal.SUSPENDED;
    }
    if (!LiveCredential.live(credential)) {
      return Refusal.WITHDRAWN;
    }
    if (credential.revision == null || credential.revision != activation.getSpec().revision) {
      return Refusal.REVISION_MISMATCH;
    }
    if (activation.getStatus().phase != Phase.Active) {
      return Refusal.NOT_ACTIVE;
    }
    return null;
  }

  /** The activation's credential when it belongs to this client ID, else null. */
  static Credential credential(Activation activation, String clientId) {
    if (activation == null || activation.getStatus() == null || activation.getStatus().credential == null
        || activation.getSpec() == null || activation.getMetadata() == null) {
      return null;
    }
    Credential credential = activation.getStatus().credential;
    return clientId.equals(credential.clientId) ? credential : null;
  }

  /**
   * The listing's access-token lifetime, or {@code operatorDefault} when it sets none (or an
   * unreadable one), kept within what the CRD allows even if the stored value is not.
   */
  public static Duration tokenLifetime(AppListing listing, Duration operatorDefault) {
    Duration lifetime;
    try {
      String own = listing.getSpec().credentialPolicy().accessTokenLifetime;
      lifetime = own == null ? operatorDefault : GoDuration.parse(own);
    } catch (IllegalArgumentException e) {
      return operatorDefault;
    }
    if (lifetime.compareTo(Duration.ofMinutes(1)) < 0) {
      return Duration.ofMinutes(1);
    }
    return lifetime.compareTo(TokenSettings.LONGEST_TOKEN_LIFETIME) > 0 ? TokenSettings.LONGEST_TOKEN_LIFETIME : lifetime;
  }
}
