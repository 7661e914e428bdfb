package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.listing == oldSelf.listing",
    message = "listing cannot be changed; delete this Activation and create a new one for the other listing",
    reason = "FieldValueForbidden", fieldPath = ".listing")
@ValidationRule(value = "self.revision >= oldSelf.revision",
    message = "revision can only be raised (raise it to issue fresh credentials)",
    reason = "FieldValueInvalid", fieldPath = ".revision")
@ValidationRule(value = "!has(self.scopes) || !has(self.scopes.allowed) || self.scopes.allowed.all(s, has(self.consent.dataAccess) && s in self.consent.dataAccess)",
    message = "every scope in scopes.allowed must also be in consent.dataAccess: a scope can be allowed only after consenting to it",
    reason = "FieldValueInvalid", fieldPath = ".scopes.allowed")
@ValidationRule(value = "!has(self.scopes) || !has(self.scopes.declined) || self.scopes.declined.all(s, has(self.consent.dataAccess) && s in self.consent.dataAccess)",
    message = "every scope in scopes.declined must be one of consent.dataAccess (the scopes the listing requests)",
    reason = "FieldValueInvalid", fieldPath = ".scopes.declined")
@ValidationRule(value = "!has(self.scopes) || !has(self.scopes.allowed) || !has(self.scopes.declined) || !self.scopes.allowed.exists(s, s in self.scopes.declined)",
    message = "a scope cannot be both allowed and declined",
    reason = "FieldValueInvalid", fieldPath = ".scopes")
@ValidationRule(value = "self.rotateSecret >= oldSelf.rotateSecret",
    message = "rotateSecret can only be raised (raise it to get a new secret for the same client ID)",
    reason = "FieldValueInvalid", fieldPath = ".rotateSecret")
@JsonClassDescription("What the tenant wants: the listing, its consent, the scopes granted, network security, suspension and the revision of its credentials.")
public class ActivationSpec {

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the AppListing to activate. Cannot be changed.")
  public String listing;

  @Required
  @JsonPropertyDescription("The tenant's consent; without full consent nothing is issued.")
  public Consent consent;

  @JsonPropertyDescription("Which consented scopes the credentials grant.")
  public Scopes scopes;

  @Default("Unrestricted")
  @JsonPropertyDescription("TrustedOnly: only the tenant's TrustedNetworks may call the API with these credentials.")
  public NetworkSecurity networkSecurity = NetworkSecurity.Unrestricted;

  @Default("false")
  @JsonPropertyDescription("Pause access without losing it: the delivered Secret is withdrawn and tokens are refused.")
  public boolean suspended;

  @Default("0")
  @Min(0)
  @JsonPropertyDescription("Raise to issue a fresh credential pair (for example after expiry).")
  public long revision;

  @JsonPropertyDescription("Platform-built listings: the Secret in this namespace holding the credentials obtained from the vendor.")
  public SecretRef vendorCredentialsSecretRef;

  @Default("0")
  @Min(0)
  @JsonPropertyDescription("Raise to get a new client secret for the same client ID without downtime: the previous "
      + "secret keeps working until the new one is first used or the listing's rotation grace period ends.")
  public long rotateSecret;

  public enum NetworkSecurity { Unrestricted, TrustedOnly }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Consent {
    @Default("false")
    @JsonPropertyDescription("Acceptance of the fee change, required when the listing has fee impact.")
    public boolean feeChangeAccepted;

    @Size(max = 32)
    @JsonPropertyDescription("The data access accepted: must list exactly the scopes the listing requests.")
    public List<@Size(min = 1, max = 64) String> dataAccess;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Scopes {
    @Size(max = 32)
    @JsonPropertyDescription("Scopes to grant; default: all consented scopes.")
    public List<@Size(min = 1, max = 64) String> allowed;

    @Size(max = 32)
    @JsonPropertyDescription("Consented scopes not to grant.")
    public List<@Size(min = 1, max = 64) String> declined;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretRef {
    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Secret name in the Activation's own namespace.")
    public String name;
  }
}
