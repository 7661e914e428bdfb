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
    if (!blocked.isEmpty()) {
      String named = blocked.stream().sorted(java.util.Comparator.comparing(Blocked::activation)).limit(NAMED)
          .map(b -> b.activation() + " (" + b.reason() + ")").collect(Collectors.joining(", "));
      return Conditions.of(Conditions.READY, false, "ActivationsBlocked", blocked.size() + " activation(s) cannot be "
          + "served: " + named + (blocked.size() > NAMED ? ", ..." : "") + ". Their Events on this listing and the "
          + "operator's log say why.");
    }
    return Conditions.of(Conditions.READY, true, "Ready", "Approved; " + active + " active activation(s).");
  }
}
