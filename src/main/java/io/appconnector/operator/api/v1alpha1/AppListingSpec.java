package io.appconnector.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.visibility != 'Private' || (has(self.allowedTenants) && size(self.allowedTenants) > 0)",
    message = "a Private listing must name at least one tenant in allowedTenants (the tenant namespaces that may see it)",
    reason = "FieldValueRequired", fieldPath = ".allowedTenants")
@ValidationRule(value = "self.visibility == 'Private' || !has(self.allowedTenants) || size(self.allowedTenants) == 0",
    message = "allowedTenants is only used by Private listings; set visibility: Private or remove allowedTenants",
    reason = "FieldValueForbidden", fieldPath = ".allowedTenants")
@ValidationRule(value = "self.developedBy == 'Platform' ? has(self.authMethod) : !has(self.authMethod)",
    message = "authMethod is required for Platform-built listings (what the tenant must supply) and not allowed for Vendor-built ones",
    reason = "FieldValueRequired", fieldPath = ".authMethod")
@ValidationRule(value = "oldSelf.lifecycle == 'Draft' || (has(self.dataAccess) ? self.dataAccess : []) == (has(oldSelf.dataAccess) ? oldSelf.dataAccess : [])",
    message = "dataAccess (the requested scopes) can change only while the listing is Draft; set lifecycle: Draft first, then change the scopes",
    reason = "FieldValueForbidden", fieldPath = ".dataAccess")
@ValidationRule(value = "!has(self.clientAuthentication) || self.developedBy == 'Vendor'",
    message = "clientAuthentication is only used by Vendor-built listings (the vendor authenticates at the token endpoint); remove it or set developedBy: Vendor",
    reason = "FieldValueForbidden", fieldPath = ".clientAuthentication")
@JsonClassDescription("The marketplace entry as the platform team publishes it.")
public class AppListingSpec {

  @Required
  @Size(min = 1, max = 100)
  @JsonPropertyDescription("Name shown in the marketplace.")
  public String displayName;

  @Size(max = 4000)
  @JsonPropertyDescription("What the app does, shown to tenants.")
  public String description;

  @Required
  @JsonPropertyDescription("Marketplace category.")
  public Category category;

  @Size(max = 2048)
  @ValidationRule(value = "isURL(self) && url(self).getScheme() in ['http', 'https'] && url(self).getHostname() != ''",
      message = "moreInfoUrl must be an absolute http(s) URL")
  @JsonPropertyDescription("Where tenants read more about the app.")
  public String moreInfoUrl;

  @Required
  @JsonPropertyDescription("The vendor: its name, contact and the namespace where credentials are delivered.")
  public Vendor vendor;

  @Required
  @JsonPropertyDescription("Vendor: activating issues API credentials delivered to the vendor. "
      + "Platform: activating unlocks the platform's connector, which needs credentials the tenant supplies.")
  public Party developedBy;

  @Required
  @JsonPropertyDescription("Who the tenant contacts for help.")
  public Party supportedBy;

  @Default("Draft")
  @JsonPropertyDescription("Only Approved listings can be activated. Scopes can change only while Draft.")
  public Lifecycle lifecycle = Lifecycle.Draft;

  @Default("Public")
  @JsonPropertyDescription("Public: every tenant sees the listing. Private: only allowedTenants do.")
  public Visibility visibility = Visibility.Public;

  @Size(max = 256)
  @JsonPropertyDescription("Private listings only: the tenant namespaces that may see and activate the listing.")
  public List<@Size(min = 1, max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String> allowedTenants;

  @Default("PerTenant")
  @JsonPropertyDescription("PerTenant: one credential pair per tenant. SingleTenant: only one tenant may hold the app.")
  public Installation installation = Installation.PerTenant;

  @JsonPropertyDescription("Whether activating changes the tenant's fees.")
  public Pricing pricing;

  @Size(max = 32)
  @ValidationRule(value = "self.all(a, self.exists_one(b, b.scope == a.scope))",
      message = "each scope may be listed only once in dataAccess")
  @JsonPropertyDescription("The scopes (data sets) the app requests; each needs the tenant's consent.")
  public List<DataScope> dataAccess;

  @JsonPropertyDescription("Platform-built listings only: what the tenant must supply in its vendor-credential Secret.")
  public AuthMethod authMethod;

  @JsonPropertyDescription("Lifetimes of unused credentials and of access tokens.")
  public CredentialPolicy credentialPolicy;

  @JsonPropertyDescription("Vendor-built listings: how the vendor's connector proves it is an activation's client at the "
      + "token endpoint. Default: a client secret delivered in the Secret.")
  public ClientAuthentication clientAuthentication;

  @JsonPropertyDescription("Which API pods TrustedOnly activations of this listing fence, when not the operator's default.")
  public NetworkOverride network;

  @JsonPropertyDescription("Extra labels and annotations on every Secret delivered for this listing (for example for "
      + "Reloader or a backup tool), as cert-manager's secretTemplate. The operator's own keys cannot be set.")
  public SecretTemplate secretTemplate;

  @JsonPropertyDescription("Where the vendor is told what happens to credentials of this listing (CloudEvents over HTTP).")
  public Notifications notifications;

  /** How the vendor authenticates, ClientSecret when the listing says nothing. */
  public ClientAuthenticationMethod clientAuthenticationMethod() {
    return clientAuthentication == null || clientAuthentication.method == null
        ? ClientAuthenticationMethod.ClientSecret : clientAuthentication.method;
  }

  /** The credential policy with defaults filled in. */
  public CredentialPolicy credentialPolicy() {
    return credentialPolicy == null ? new CredentialPolicy() : credentialPolicy;
  }

  public enum Category { Accounting, Analytics, Communication, CRM, ECommerce, Marketing, Payments, Productivity, Other }

  public enum Party { Vendor, Platform }

  public enum Lifecycle { Draft, Pending, Approved, Retired }

  public enum Visibility { Public, Private }

  public enum Installation { PerTenant, SingleTenant }

  public enum AuthMethod { ApiKey, Basic, OAuth2, AppCredentials, ShopDomain }

  /** How a vendor authenticates at the token endpoint; only ClientSecret needs a secret to exist. */
  public enum ClientAuthenticationMethod {
    /** A client secret generated by the operator and delivered in the Secret (client_secret_basic or _post). */
    ClientSecret,
    /** A projected Kubernetes ServiceAccount token of the vendor's namespace, sent as an RFC 7523 client assertion. */
    ServiceAccountToken,
    /** A JWT signed with the vendor's private key (private_key_jwt, RFC 7523); the listing holds the public keys. */
    PrivateKeyJWT
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.method == 'ServiceAccountToken' ? has(self.serviceAccountName) : !has(self.serviceAccountName)",
      message = "serviceAccountName is required for method ServiceAccountToken (the ServiceAccount in the vendor namespace "
          + "whose token authenticates) and not allowed for other methods",
      reason = "FieldValueRequired", fieldPath = ".serviceAccountName")
  @ValidationRule(value = "self.method == 'PrivateKeyJWT' ? (has(self.jwks) != has(self.jwksUrl)) : (!has(self.jwks) && !has(self.jwksUrl))",
      message = "method PrivateKeyJWT needs exactly one of jwks (the vendor's public keys, inline) or jwksUrl; other "
          + "methods allow neither",
      reason = "FieldValueRequired", fieldPath = ".jwks")
  @JsonClassDescription("How the vendor authenticates at the token endpoint.")
  public static class ClientAuthentication {
    @Default("ClientSecret")
    @JsonPropertyDescription("ClientSecret (default): a secret is generated and delivered. ServiceAccountToken: the "
        + "vendor's pod sends a projected token of serviceAccountName (audience: the tokenUrl); no secret exists. "
        + "PrivateKeyJWT: the vendor signs a short JWT with its own key (jwks or jwksUrl); no secret exists.")
    public ClientAuthenticationMethod method = ClientAuthenticationMethod.ClientSecret;

    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @JsonPropertyDescription("ServiceAccountToken: the ServiceAccount in the listing's vendor namespace whose tokens "
        + "may act for every activation of this listing.")
    public String serviceAccountName;

    @Size(min = 2, max = 16384)
    @JsonPropertyDescription("PrivateKeyJWT: the vendor's public keys as a JSON Web Key Set ({\"keys\": [...]}), inline.")
    public String jwks;

    @Size(max = 2048)
    @ValidationRule(value = "isURL(self) && url(self).getScheme() == 'https' && url(self).getHostname() != ''",
        message = "jwksUrl must be an absolute https URL")
    @JsonPropertyDescription("PrivateKeyJWT: an https URL serving the vendor's JSON Web Key Set, fetched with a "
        + "timeout and cached.")
    public String jwksUrl;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Vendor {
    @Required
    @Size(min = 1, max = 100)
    @JsonPropertyDescription("The vendor's name, shown to tenants.")
    public String name;

    @Size(max = 254)
    @Pattern("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")
    @JsonPropertyDescription("E-mail address for vendor contact.")
    public String contact;

    @Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription("Namespace where the vendor's connector runs and credentials are delivered.")
    public String namespace;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Pricing {
    @Default("false")
    @JsonPropertyDescription("True when activating changes the tenant's fees; the tenant must accept the fee change.")
    public boolean feeImpact;

    @JsonPropertyDescription("What the fee change is, shown to the tenant at consent.")
    @Size(max = 500)
    public String description;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DataScope {
    @Required
    @Size(min = 1, max = 64)
    @Pattern("^[a-z][a-z0-9]*([._:-][a-z0-9]+)*$")
    @JsonPropertyDescription("Scope name, e.g. invoices.read.")
    public String scope;

    @Required
    @Size(min = 1, max = 500)
    @JsonPropertyDescription("What data the scope gives access to, shown at consent.")
    public String description;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class NetworkOverride {
    @Size(max = 16)
    @JsonPropertyDescription("Labels selecting the tenant's API pods this app calls (matchLabels).")
    public java.util.Map<String, @Size(max = 63) String> apiPodSelector;

    @Size(max = 16)
    @JsonPropertyDescription("TCP ports of the API pods.")
    public List<@io.fabric8.generator.annotation.Min(1) @io.fabric8.generator.annotation.Max(65535) Integer> apiPorts;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Notifications {
    @JsonPropertyDescription("A webhook of the vendor that receives a signed CloudEvent for each credential event.")
    public Webhook webhook;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Webhook {
    @Required
    @Size(max = 2048)
    @ValidationRule(value = "isURL(self) && url(self).getScheme() in ['http', 'https'] && url(self).getHostname() != ''",
        message = "notifications.webhook.url must be an absolute http(s) URL")
    @JsonPropertyDescription("The vendor's endpoint; each event is POSTed as a CloudEvent in structured JSON mode.")
    public String url;

    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("The Secret in the vendor's namespace whose key 'signingKey' (whsec_<base64>) signs the "
        + "events (Standard Webhooks HMAC-SHA256); created with a random key when missing. Default: "
        + "appconnector-webhook.<listing>.")
    public String signingSecretName;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretTemplate {
    @Size(max = 16)
    @ValidationRule(value = "self.all(k, !k.startsWith('appconnector.io/') && k != 'app.kubernetes.io/managed-by')",
        message = "secretTemplate.labels cannot set the operator's own keys (appconnector.io/*, app.kubernetes.io/managed-by)")
    @ValidationRule(value = "self.all(k, k.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$'))",
        message = "secretTemplate.labels keys must be Kubernetes label keys: an optional DNS prefix and '/', then up to 63 of A-Z a-z 0-9 - _ .")
    @JsonPropertyDescription("Labels added to each delivered Secret.")
    public java.util.Map<String, @Size(max = 63) @Pattern("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$") String> labels;

    @Size(max = 16)
    @ValidationRule(value = "self.all(k, !k.startsWith('appconnector.io/') && k != 'app.kubernetes.io/managed-by')",
        message = "secretTemplate.annotations cannot set the operator's own keys (appconnector.io/*, app.kubernetes.io/managed-by)")
    @ValidationRule(value = "self.all(k, k.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$'))",
        message = "secretTemplate.annotations keys must be Kubernetes annotation keys: an optional DNS prefix and '/', then up to 63 of A-Z a-z 0-9 - _ .")
    @JsonPropertyDescription("Annotations added to each delivered Secret.")
    public java.util.Map<String, @Size(max = 1024) String> annotations;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class CredentialPolicy {
    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('1s') && duration(self) <= duration('8760h')",
        message = "unusedCredentialLifetime must be a duration between 1s and 8760h (one year), e.g. 48h (units: ms, s, m, h; no d)")
    @JsonPropertyDescription("Credentials not used within this time are revoked. Go duration; "
        + "default: the operator's setting (48h unless the platform team changed it).")
    public String unusedCredentialLifetime;

    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('1m') && duration(self) <= duration('24h')",
        message = "accessTokenLifetime must be a duration between 1m and 24h, e.g. 1h (units: ms, s, m, h; no d)")
    @JsonPropertyDescription("Lifetime of access tokens issued at the token endpoint. Go duration; "
        + "default: the operator's setting (1h unless the platform team changed it).")
    public String accessTokenLifetime;

    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('1h') && duration(self) <= duration('8760h')",
        message = "rotateEvery must be a duration between 1h and 8760h (one year), e.g. 720h (units: ms, s, m, h; no d)")
    @JsonPropertyDescription("Give every activation's credentials a new secret this long after the current one was "
        + "issued (same client ID, with an overlap: see rotationGracePeriod). Go duration; default: only when the tenant "
        + "raises spec.rotateSecret.")
    public String rotateEvery;

    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('1m') && duration(self) <= duration('720h')",
        message = "rotationGracePeriod must be a duration between 1m and 720h (30 days), e.g. 24h (units: ms, s, m, h; no d)")
    @JsonPropertyDescription("After a new secret is issued, how long the previous one keeps working if the new one is "
        + "not used; its first use retires the previous one at once. Go duration; default 24h.")
    public String rotationGracePeriod;

    @Size(max = 32)
    @ValidationRule(value = "duration(self) >= duration('1h') && duration(self) <= duration('8760h')",
        message = "idleLifetime must be a duration between 1h and 8760h (one year), e.g. 2160h (units: ms, s, m, h; no d)")
    @JsonPropertyDescription("Credentials not used for this long after their last use are revoked (as unused ones are). "
        + "Go duration; default: never.")
    public String idleLifetime;
  }
}
