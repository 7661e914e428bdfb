package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("What the operator did: the phase, a Ready condition with a reason and a message saying what to do next, the credential record and the billing state.")
public class ActivationStatus {
  @JsonPropertyDescription("Where the activation stands: Pending, Rejected, AwaitingConsent, AwaitingVendorCredentials, Active, Suspended or Expired.")
  public Phase phase;
  @JsonPropertyDescription("What happened and what to do next, for the tenant.")
  public String message;
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;
  @JsonPropertyDescription("Kubernetes-convention conditions: Ready, and the gates behind it (ListingAvailable, ConsentGiven, CredentialsIssued, ...).")
  public List<Condition> conditions = new ArrayList<>();
  @JsonPropertyDescription("The operator's record of the issued credential pair: a verifier, never the secret.")
  public Credential credential;
  @JsonPropertyDescription("The fee change this activation causes and when it takes effect.")
  public Billing billing;

  public enum Phase {
    /** Accepted, not yet processed. */
    Pending,
    /** The listing cannot be activated by this tenant (missing, not Approved, not visible, taken). */
    Rejected,
    /** Consent to fees or data access is missing or no longer covers what the listing requests. */
    AwaitingConsent,
    /** Platform-built listing: the tenant's vendor-credential Secret is missing or incomplete. */
    AwaitingVendorCredentials,
    /** Credentials issued and delivered (Vendor-built) or the connector unlocked (Platform-built). */
    Active,
    /** Access paused; the delivered Secret is withdrawn. */
    Suspended,
    /** Credentials were not used within the listing's lifetime and were revoked. */
    Expired
  }

  /** The operator's record of an issued credential pair. Holds a verifier, never the secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Credential {
    @JsonPropertyDescription("The client ID of the delivered credentials.")
    public String clientId;
    /** Salted SHA-256 of the client secret, "sha256:&lt;salt&gt;:&lt;hash&gt;" (base64url). */
    @JsonPropertyDescription("Salted SHA-256 of the client secret; the secret itself is kept nowhere else than the delivered Secret.")
    public String verifier;
    @JsonPropertyDescription("How the vendor authenticates with this client ID when not with a client secret: "
        + "ServiceAccountToken or PrivateKeyJWT (then no secret and no verifier exist). Absent: ClientSecret.")
    public AppListingSpec.ClientAuthenticationMethod clientAuthentication;
    @JsonPropertyDescription("The spec.revision the credentials were issued for.")
    public Long revision;
    @JsonPropertyDescription("The scopes the credentials grant.")
    public List<String> grantedScopes;
    @JsonPropertyDescription("Where the credentials were delivered: namespace/name of the vendor's Secret.")
    public String deliveredTo;
    @JsonPropertyDescription("When the credentials were issued (RFC 3339).")
    public String issuedAt;
    @JsonPropertyDescription("When unused credentials are revoked (RFC 3339); no longer applies once firstUsedAt is set.")
    public String expiresAt;
    @JsonPropertyDescription("When the credentials were first exchanged for an access token (RFC 3339).")
    public String firstUsedAt;
    /** Set when unused credentials were revoked; a higher spec.revision issues a fresh pair. */
    @JsonPropertyDescription("When unused credentials were revoked; raise spec.revision to issue a fresh pair.")
    public String expiredAt;
    @JsonPropertyDescription("The spec.rotateSecret the current secret was issued for.")
    public Long rotation;
    @JsonPropertyDescription("When the current secret was issued (RFC 3339); a rotation gives the same client ID a new one.")
    public String secretIssuedAt;
    @JsonPropertyDescription("When the current secret was first exchanged during a rotation's overlap (RFC 3339); this retired the previous secret.")
    public String secretFirstUsedAt;
    @JsonPropertyDescription("The secret the current one replaced, while both are accepted (a rotation's overlap).")
    public PreviousSecret previousSecret;
    @JsonPropertyDescription("When the credentials were last exchanged for a token (RFC 3339), as recorded by the token "
        + "endpoint at most one flush interval late (exact near an idle deadline).")
    public String lastUsedAt;
    @JsonPropertyDescription("How many tokens these credentials were exchanged for, summed over the token endpoint's replicas.")
    public Long useCount;
  }

  /** The secret a rotation replaced, accepted until {@code retiresAt} or the new secret's first use. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PreviousSecret {
    @JsonPropertyDescription("Salted SHA-256 of the previous client secret.")
    public String verifier;
    @JsonPropertyDescription("When the previous secret was issued (RFC 3339).")
    public String issuedAt;
    @JsonPropertyDescription("When the previous secret was first exchanged (RFC 3339), if known.")
    public String firstUsedAt;
    @JsonPropertyDescription("When the previous secret stops being accepted (RFC 3339), unless the new one is used first.")
    public String retiresAt;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Billing {
    @JsonPropertyDescription("NotBillable, IncludedInPlan, FeeChangePending or FeeChangeEffective.")
    public BillingState state;
    @JsonPropertyDescription("When the fee change takes effect: the first day of the next calendar month (RFC 3339).")
    public String effectiveFrom;
    @JsonPropertyDescription("The fee-change record for billing: namespace/name of its ConfigMap.")
    public String record;
  }

  public enum BillingState { NotBillable, IncludedInPlan, FeeChangePending, FeeChangeEffective }
}
