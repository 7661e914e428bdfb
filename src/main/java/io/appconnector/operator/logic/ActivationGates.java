package io.appconnector.operator.logic;

import static io.appconnector.operator.values.Conditions.CONSENT_GIVEN;
import static io.appconnector.operator.values.Conditions.LISTING_AVAILABLE;
import static io.appconnector.operator.values.Conditions.VENDOR_CREDENTIALS_VALID;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The preconditions an activation must pass before anything is issued: an ordered chain of pure
 * checks over the planner's one input, as cert-manager orders its certificate policies. The planner
 * runs them in order and stops at the first that blocks; a new precondition is one method here and
 * one line in {@link #CHAIN}.
 */
public final class ActivationGates {

  /** One precondition: a pure function of what is observed; null when it does not apply to this activation. */
  @FunctionalInterface
  public interface Check {
    Gate check(ActivationPlanner.Observed in);
  }

  /** The preconditions in the order they are checked; each one reports a condition of its own. */
  public static final List<Check> CHAIN = List.of(
      // The listing exists, is offered to the tenant, is Approved, and no other activation holds it.
      ActivationGates::listing,
      // The fee change is accepted and the data access consented is what the listing requests now.
      ActivationGates::consent,
      // Platform-built listings only: the tenant's vendor-credential Secret has every key the auth method needs.
      ActivationGates::vendorCredentials);

  /** Reasons of the listing gate that withdraw delivered credentials, as suspension does. */
  public static final String LISTING_NOT_FOUND = "ListingNotFound";
  public static final String LISTING_RETIRED = "ListingRetired";

  private ActivationGates() {
  }

  static Gate listing(ActivationPlanner.Observed in) {
    return listing(in.activation(), in.listing(), in.sameListing());
  }

  static Gate consent(ActivationPlanner.Observed in) {
    return consent(in.activation().getSpec(), in.listing().getSpec());
  }

  static Gate vendorCredentials(ActivationPlanner.Observed in) {
    AppListingSpec listing = in.listing().getSpec();
    return listing.developedBy == AppListingSpec.Party.Platform
        ? vendorCredentials(in.activation().getSpec(), listing, in.vendorSecret()) : null;
  }

  /**
   * Listing exists, is offered to the tenant, is Approved, and no other eligible activation holds it
   * (a SingleTenant listing, or a second activation of the same listing in one tenant). A private
   * listing not offered to the tenant reads exactly like a missing one, and a listing held elsewhere
   * names no other tenant: the platform team reads the detail on the AppListing.
   */
  public static Gate listing(Activation activation, AppListing listing, Collection<Activation> sameListing) {
    String name = activation.getSpec().listing;
    String tenant = activation.getMetadata().getNamespace();
    if (listing == null || !visibleTo(listing.getSpec(), tenant)) {
      return Gate.block(LISTING_AVAILABLE, Phase.Rejected, LISTING_NOT_FOUND,
          "AppListing '" + name + "' does not exist or is not offered to tenant '" + tenant + "'. Check spec.listing; "
              + "for a private listing, ask the vendor to add your tenant ID '" + tenant + "'.");
    }
    AppListingSpec spec = listing.getSpec();
    if (spec.lifecycle == AppListingSpec.Lifecycle.Retired) {
      return Gate.block(LISTING_AVAILABLE, Phase.Rejected, LISTING_RETIRED,
          "AppListing '" + name + "' is Retired: its credentials are withdrawn and tokens refused. Access returns "
              + "with the same client ID if the platform team approves it again; otherwise delete this Activation.");
    }
    if (spec.lifecycle != AppListingSpec.Lifecycle.Approved) {
      return Gate.block(LISTING_AVAILABLE, Phase.Rejected, "ListingNotApproved",
          "AppListing '" + name + "' is " + spec.lifecycle + "; only Approved listings can be activated. "
              + "It is retried automatically once the platform team approves it.");
    }
    Activation holder = holder(sameListing, activation, listing);
    if (holder != null && !sameObject(holder, activation)) {
      boolean sameTenant = tenant.equals(holder.getMetadata().getNamespace());
      return sameTenant
          ? Gate.block(LISTING_AVAILABLE, Phase.Rejected, "DuplicateActivation",
              "Tenant '" + tenant + "' already activated '" + name + "' with Activation '"
                  + holder.getMetadata().getName() + "'. Delete this duplicate; one activation per listing and tenant.")
          : Gate.block(LISTING_AVAILABLE, Phase.Rejected, "ListingNotAvailable",
              "AppListing '" + name + "' can be installed in one tenant only and cannot be activated here now. "
                  + "It is retried automatically; the platform team sees why on the AppListing.");
    }
    return Gate.pass(LISTING_AVAILABLE, "ListingAvailable", "AppListing '" + name + "' is Approved and available.");
  }

  /** Public, or Private with the tenant among the allowed ones. */
  public static boolean visibleTo(AppListingSpec spec, String tenant) {
    return spec.visibility != AppListingSpec.Visibility.Private
        || (spec.allowedTenants != null && spec.allowedTenants.contains(tenant));
  }

  /**
   * Whether an activation could be issued credentials apart from who holds the listing: the listing
   * is offered to its tenant and its consent is complete. Only such activations hold a listing, so
   * one that could never be issued blocks nobody.
   */
  static boolean eligible(Activation activation, AppListingSpec listing) {
    return activation.getMetadata().getDeletionTimestamp() == null
        && visibleTo(listing, activation.getMetadata().getNamespace())
        && activation.getSpec().consent != null && consent(activation.getSpec(), listing).passed();
  }

  /**
   * The activation that holds the listing among the eligible ones competing with the given one: one
   * already Active or Suspended, else the oldest (then by namespace and name). Only activations in
   * the same tenant compete for a PerTenant listing; all of them for a SingleTenant one. The given
   * activation always competes: if it is not eligible itself, a later gate stops it.
   */
  static Activation holder(Collection<Activation> sameListing, Activation self, AppListing listing) {
    boolean singleTenant = listing.getSpec().installation == AppListingSpec.Installation.SingleTenant;
    List<Activation> competing = new ArrayList<>();
    competing.add(self);
    for (Activation other : sameListing) {
      boolean sameTenant = other.getMetadata().getNamespace().equals(self.getMetadata().getNamespace());
      if (!sameObject(other, self) && self.getSpec().listing.equals(other.getSpec().listing)
          && (singleTenant || sameTenant) && eligible(other, listing.getSpec())) {
        competing.add(other);
      }
    }
    return competing.stream().min(Comparator
        .comparing((Activation a) -> holds(a) ? 0 : 1)
        .thenComparing((Activation a) -> a.getMetadata().getCreationTimestamp(), Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(a -> a.getMetadata().getNamespace())
        .thenComparing(a -> a.getMetadata().getName())).orElse(self);
  }

  /** Already in use: creation times have one-second resolution, so a holder is never displaced by a tie. */
  private static boolean holds(Activation a) {
    return a.getStatus() != null && (a.getStatus().phase == Phase.Active || a.getStatus().phase == Phase.Suspended);
  }

  private static boolean sameObject(Activation a, Activation b) {
    return a.getMetadata().getNamespace().equals(b.getMetadata().getNamespace())
        && a.getMetadata().getName().equals(b.getMetadata().getName());
  }

  /** The fee change is accepted where the listing has fee impact, and the data access consented is exactly what the listing requests now. */
  public static Gate consent(ActivationSpec activation, AppListingSpec listing) {
    if (listing.pricing != null && listing.pricing.feeImpact && !activation.consent.feeChangeAccepted) {
      return Gate.block(CONSENT_GIVEN, Phase.AwaitingConsent, "FeeChangeNotAccepted",
          "Activating this app changes your fees" + (listing.pricing.description == null ? "" : " (" + listing.pricing.description + ")")
              + ". Set spec.consent.feeChangeAccepted: true to accept the fee change.");
    }
    Set<String> requested = requestedScopes(listing);
    Set<String> consented = new TreeSet<>(activation.consent.dataAccess == null ? List.of() : activation.consent.dataAccess);
    if (!requested.equals(consented)) {
      Set<String> missing = new TreeSet<>(requested);
      missing.removeAll(consented);
      Set<String> extra = new TreeSet<>(consented);
      extra.removeAll(requested);
      StringBuilder message = new StringBuilder("Your consent does not match the data access the listing requests now");
      if (!missing.isEmpty()) {
        message.append("; not consented: ").append(String.join(", ", missing));
      }
      if (!extra.isEmpty()) {
        message.append("; no longer requested: ").append(String.join(", ", extra));
      }
      message.append(". Set spec.consent.dataAccess to exactly [").append(String.join(", ", requested))
          .append("] to renew consent; decline scopes you do not want with spec.scopes.declined.");
      return Gate.block(CONSENT_GIVEN, Phase.AwaitingConsent,
          missing.isEmpty() ? "DataAccessConsentMismatch" : "DataAccessConsentMissing", message.toString());
    }
    return Gate.pass(CONSENT_GIVEN, "ConsentGiven", "Fee change and data access accepted.");
  }

  /** Granted scopes: the allowed ones (default all consented) minus the declined ones, in the listing's order. */
  public static List<String> grantedScopes(ActivationSpec activation, AppListingSpec listing) {
    Set<String> granted = new LinkedHashSet<>(requestedScopes(listing));
    if (activation.scopes != null && activation.scopes.allowed != null) {
      granted.retainAll(activation.scopes.allowed);
    }
    if (activation.scopes != null && activation.scopes.declined != null) {
      granted.removeAll(activation.scopes.declined);
    }
    return List.copyOf(granted);
  }

  static Set<String> requestedScopes(AppListingSpec listing) {
    Set<String> scopes = new LinkedHashSet<>();
    if (listing.dataAccess != null) {
      listing.dataAccess.forEach(d -> scopes.add(d.scope));
    }
    return scopes;
  }

  /** Platform-built listings: the tenant's vendor-credential Secret has every key the auth method needs. */
  public static Gate vendorCredentials(ActivationSpec activation, AppListingSpec listing, VendorSecret secret) {
    List<String> required = RequiredKeys.of(listing.authMethod);
    if (activation.vendorCredentialsSecretRef == null) {
      return Gate.block(VENDOR_CREDENTIALS_VALID, Phase.AwaitingVendorCredentials, "VendorCredentialsSecretNotSet",
          "This app needs the credentials you obtain from the vendor (" + listing.authMethod + "). Create a Secret with keys "
              + String.join(", ", required) + ", label it " + VendorSecret.LABEL + "=true, and set spec.vendorCredentialsSecretRef.name.");
    }
    String name = activation.vendorCredentialsSecretRef.name;
    if (secret == null || !secret.exists()) {
      return Gate.block(VENDOR_CREDENTIALS_VALID, Phase.AwaitingVendorCredentials, "VendorCredentialsSecretNotFound",
          "Secret '" + name + "' was not found in this namespace. Create it with keys " + String.join(", ", required)
              + " and label " + VendorSecret.LABEL + "=true.");
    }
    if (!secret.labelled()) {
      return Gate.block(VENDOR_CREDENTIALS_VALID, Phase.AwaitingVendorCredentials, "VendorCredentialsSecretNotLabelled",
          "Secret '" + name + "' is not labelled " + VendorSecret.LABEL + "=true; add the label so the operator can watch it.");
    }
    List<String> missing = required.stream().filter(k -> !secret.keys().contains(k)).toList();
    if (!missing.isEmpty()) {
      return Gate.block(VENDOR_CREDENTIALS_VALID, Phase.AwaitingVendorCredentials, "VendorCredentialsIncomplete",
          "Secret '" + name + "' lacks the keys " + String.join(", ", missing) + " required by " + listing.authMethod
              + " (or they are empty). Add them; the activation continues as soon as the Secret changes.");
    }
    return Gate.pass(VENDOR_CREDENTIALS_VALID, "VendorCredentialsValid",
        "Secret '" + name + "' has every key " + listing.authMethod + " requires.");
  }
}
