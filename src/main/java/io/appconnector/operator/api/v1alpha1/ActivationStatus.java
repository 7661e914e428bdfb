package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ActivationStatus {
  public Phase phase;
  public String message;
  public Long observedGeneration;
  public List<Condition> conditions = new ArrayList<>();
  public Credential credential;
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
    public String clientId;
    /** Salted SHA-256 of the client secret, "sha256:&lt;salt&gt;:&lt;hash&gt;" (base64url). */
    public String verifier;
    public Long revision;
    public List<String> grantedScopes;
    public String deliveredTo;
    public String issuedAt;
    public String expiresAt;
    public String firstUsedAt;
    /** Set when unused credentials were revoked; a higher spec.revision issues a fresh pair. */
    public String expiredAt;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Billing {
    public BillingState state;
    public String effectiveFrom;
    public String record;
  }

  public enum BillingState { NotBillable, IncludedInPlan, FeeChangePending, FeeChangeEffective }
}
