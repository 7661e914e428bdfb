package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.values.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A listing's Ready condition, for the platform team: whether it can serve its activations, and
 * what stands in the way. Unlike an activation's messages, these name tenants and namespaces: only
 * the platform team reads AppListings' status.
 */
public final class ListingReadiness {
  /** How many blocked activations the message names; the count says how many there are in all. */
  static final int NAMED = 5;

  private ListingReadiness() {
  }

  /** An activation the operator cannot serve, as {@code namespace/name}, and why (a Ready reason). */
  public record Blocked(String activation, String reason) {
  }

  public static Condition ready(AppListingSpec spec, boolean vendorNamespaceExists, int active, List<Blocked> blocked) {
    return ready(spec, vendorNamespaceExists, true, active, blocked);
  }

  /**
   * As above; {@code serviceAccountExists} says whether a ServiceAccountToken listing's ServiceAccount
   * was found in the vendor namespace (true when unknown or for other methods).
   */
  public static Condition ready(AppListingSpec spec, boolean vendorNamespaceExists, boolean serviceAccountExists,
      int active, List<Blocked> blocked) {
    if (spec.lifecycle == AppListingSpec.Lifecycle.Retired) {
      return Conditions.of(Conditions.READY, false, "Retired", "Retired: activations' delivered credentials are "
          + "withdrawn and tokens refused. Approve it again to restore them with the same client IDs, or delete it.");
    }
    if (spec.lifecycle != AppListingSpec.Lifecycle.Approved) {
      return Conditions.of(Conditions.READY, false, "NotApproved", spec.lifecycle + ": tenants cannot activate it "
          + "until it is Approved.");
    }
    if (spec.developedBy == AppListingSpec.Party.Vendor && !vendorNamespaceExists) {
      return Conditions.of(Conditions.READY, false, "VendorNamespaceMissing", "Namespace '" + spec.vendor.namespace
          + "' does not exist, so credentials cannot be delivered; create it or correct spec.vendor.namespace.");
    }
    if (!serviceAccountExists && spec.clientAuthenticationMethod()
        == AppListingSpec.ClientAuthenticationMethod.ServiceAccountToken) {
      return Conditions.of(Conditions.READY, false, "ServiceAccountMissing", "ServiceAccount '"
          + spec.clientAuthentication.serviceAccountName + "' does not exist in namespace '" + spec.vendor.namespace
          + "', so no token of it can be exchanged; have the vendor create it and run its connector under it, or "
          + "correct spec.clientAuthentication.serviceAccountName.");
    }
    String keys = vendorKeysProblem(spec);
    if (keys != null) {
      return Conditions.of(Conditions.READY, false, "ClientAuthenticationInvalid", keys);
    }
    if (!blocked.isEmpty()) {
      String named = blocked.stream().sorted(java.util.Comparator.comparing(Blocked::activation)).limit(NAMED)
          .map(b -> b.activation() + " (" + b.reason() + ")").collect(Collectors.joining(", "));
      return Conditions.of(Conditions.READY, false, "ActivationsBlocked", blocked.size() + " activation(s) cannot be "
          + "served: " + named + (blocked.size() > NAMED ? ", ..." : "") + ". Their Events on this listing and the "
          + "operator's log say why.");
    }
    return Conditions.of(Conditions.READY, true, "Ready", "Approved; " + active + " active activation(s).");
  }

  /**
   * What is wrong with a PrivateKeyJWT listing's inline key set, or null: it must be a JSON Web Key
   * Set (RFC 7517) of at least one RSA or EC key and hold no private key (a listing is readable by
   * everyone who may read listings). Read as JSON only; the token endpoint parses the keys themselves
   * and logs {@code listing_jwks_unreadable} for a key that does not. Until corrected, every exchange
   * of the listing's activations is refused.
   */
  static String vendorKeysProblem(AppListingSpec spec) {
    if (spec.clientAuthenticationMethod() != AppListingSpec.ClientAuthenticationMethod.PrivateKeyJWT
        || spec.clientAuthentication.jwks == null) {
      return null;
    }
    Object keys;
    try {
      Object set = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(spec.clientAuthentication.jwks,
          java.util.Map.class);
      keys = set instanceof java.util.Map<?, ?> map ? map.get("keys") : null;
    } catch (RuntimeException e) {
      keys = null;
    }
    if (!(keys instanceof List<?> list)) {
      return "spec.clientAuthentication.jwks is not a JSON Web Key Set ({\"keys\": [...]}), so every token exchange "
          + "of this listing's activations is refused; correct it or use jwksUrl.";
    }
    // "d" is the private exponent (RSA) or scalar (EC): a private key must never be published.
    if (list.stream().anyMatch(k -> k instanceof java.util.Map<?, ?> key && key.containsKey("d"))) {
      return "spec.clientAuthentication.jwks holds a private key: publish only the vendor's public keys, and have the "
          + "vendor replace the exposed key. Exchanges are refused until then.";
    }
    if (list.stream().noneMatch(k -> k instanceof java.util.Map<?, ?> key
        && ("RSA".equals(key.get("kty")) || "EC".equals(key.get("kty"))))) {
      return "spec.clientAuthentication.jwks holds no RSA or EC public key, so no client assertion can verify; add "
          + "the vendor's signing keys.";
    }
    return null;
  }
}
