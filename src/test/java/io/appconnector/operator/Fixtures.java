package io.appconnector.operator;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.DataScope;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Small builders for listings and activations used across tests. */
public final class Fixtures {
  private Fixtures() {
  }

  /** An Approved, Public, Vendor-built listing requesting the given scopes. */
  public static AppListing vendorListing(String name, String vendorNamespace, String... scopes) {
    AppListingSpec spec = new AppListingSpec();
    spec.displayName = name;
    spec.category = AppListingSpec.Category.Accounting;
    spec.vendor = new AppListingSpec.Vendor();
    spec.vendor.name = "Vendor of " + name;
    spec.vendor.namespace = vendorNamespace;
    spec.developedBy = AppListingSpec.Party.Vendor;
    spec.supportedBy = AppListingSpec.Party.Vendor;
    spec.lifecycle = AppListingSpec.Lifecycle.Approved;
    spec.dataAccess = new ArrayList<>();
    for (String scope : scopes) {
      DataScope d = new DataScope();
      d.scope = scope;
      d.description = "access to " + scope;
      spec.dataAccess.add(d);
    }
    AppListing listing = new AppListing();
    listing.setMetadata(new ObjectMetaBuilder().withName(name).withUid(UUID.randomUUID().toString()).build());
    listing.setSpec(spec);
    return listing;
  }

  /** An Approved, Platform-built listing with the given auth method and no scopes. */
  public static AppListing platformListing(String name, AppListingSpec.AuthMethod method) {
    AppListing listing = vendorListing(name, "platform-connectors");
    listing.getSpec().developedBy = AppListingSpec.Party.Platform;
    listing.getSpec().authMethod = method;
    return listing;
  }

  public static AppListing withLifetime(AppListing listing, String lifetime) {
    listing.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    listing.getSpec().credentialPolicy.unusedCredentialLifetime = lifetime;
    return listing;
  }

  public static AppListing billable(AppListing listing) {
    listing.getSpec().pricing = new AppListingSpec.Pricing();
    listing.getSpec().pricing.feeImpact = true;
    listing.getSpec().pricing.description = "5 EUR per month";
    return listing;
  }

  /** An activation consenting to exactly the given scopes and to fee changes. */
  public static Activation activation(String namespace, String name, String listing, String... consented) {
    ActivationSpec spec = new ActivationSpec();
    spec.listing = listing;
    spec.consent = new ActivationSpec.Consent();
    spec.consent.feeChangeAccepted = true;
    spec.consent.dataAccess = new ArrayList<>(List.of(consented));
    Activation activation = new Activation();
    activation.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
        .withUid(UUID.randomUUID().toString()).withGeneration(1L)
        .withCreationTimestamp(Instant.parse("2026-01-01T00:00:00Z").toString()).build());
    activation.setSpec(spec);
    return activation;
  }
}
