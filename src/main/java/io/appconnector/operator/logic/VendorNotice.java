package io.appconnector.operator.logic;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a listing's vendor is told about one activation's credentials: the event's type and the
 * facts, never a secret. The operator sends it as a CloudEvent to the listing's webhook.
 *
 * @param clientId the credentials' client ID (null when none was issued)
 * @param secretRef where the credentials are (or were) delivered, namespace/name
 * @param detail why, in words (for example what the tenant changed)
 * @param previousRetiresAt for a rotation: when the previous secret stops working at the latest
 */
public record VendorNotice(Type type, String tenant, String activation, String activationUid, String listing,
    String clientId, String secretRef, Instant at, String detail, Instant previousRetiresAt) {

  /** The CloudEvents types, {@code io.appconnector.credentials.<name>} and one for consent. */
  public enum Type {
    ISSUED("io.appconnector.credentials.issued"),
    ROTATED("io.appconnector.credentials.rotated"),
    RETIRED("io.appconnector.credentials.retired"),
    SUSPENDED("io.appconnector.credentials.suspended"),
    RESTORED("io.appconnector.credentials.restored"),
    EXPIRED("io.appconnector.credentials.expired"),
    REVOKED("io.appconnector.credentials.revoked"),
    CONSENT_RENEWED("io.appconnector.consent.renewed");

    public final String cloudEventType;

    Type(String cloudEventType) {
      this.cloudEventType = cloudEventType;
    }
  }

  /** The type of the notice for an Event reason the reconciler records, or null when the vendor is not told. */
  public static Type forReason(String reason) {
    if (reason == null) {
      return null;
    }
    return switch (reason) {
      case "CredentialsIssued" -> Type.ISSUED;
      case "SecretRotated" -> Type.ROTATED;
      case "PreviousSecretRetired" -> Type.RETIRED;
      case "Suspended" -> Type.SUSPENDED;
      case "Restored" -> Type.RESTORED;
      case "CredentialsExpired", "CredentialsIdleExpired" -> Type.EXPIRED;
      case "CredentialsWithdrawn", "Deactivated" -> Type.REVOKED;
      case "ConsentRenewed" -> Type.CONSENT_RENEWED;
      default -> null;
    };
  }

  /** The event's data: facts only, in a stable order. */
  public Map<String, Object> data() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("tenant", tenant);
    data.put("activation", activation);
    data.put("listing", listing);
    if (clientId != null) {
      data.put("clientId", clientId);
    }
    if (secretRef != null) {
      data.put("secret", secretRef);
    }
    if (detail != null) {
      data.put("detail", detail);
    }
    if (previousRetiresAt != null) {
      data.put("previousSecretRetiresAt", previousRetiresAt.toString());
    }
    return data;
  }

  /** The CloudEvents subject: the activation, namespace/name. */
  public String subject() {
    return tenant + "/" + activation;
  }

  @Override
  public String toString() {
    return "VendorNotice[" + type + " " + subject() + "]";
  }
}
