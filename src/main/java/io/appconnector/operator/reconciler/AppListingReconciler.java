package io.appconnector.operator.reconciler;

import io.appconnector.operator.cache.LeanStore;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.AppListingStatus;
import io.appconnector.operator.logic.ListingReadiness;
import io.appconnector.operator.values.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes each AppListing's status for the platform team: a Ready condition (Retired, not Approved,
 * vendor namespace missing, a ServiceAccountToken listing's ServiceAccount missing, activations
 * blocked) and how many activations are Active or blocked, from what the activation reconciler
 * reports ({@link ListingReports}), the vendor's Namespace and, for such a listing, its ServiceAccount.
 */
public class AppListingReconciler implements Reconciler<AppListing> {
  static final String BY_VENDOR_NAMESPACE = "byVendorNamespace";
  /** Ready reasons that rest on the activations' reports, not on the listing alone. */
  private static final Set<String> COUNTED = Set.of("Ready", "ActivationsBlocked");
  /**
   * How often a ServiceAccountToken listing is looked at again, so its ServiceAccount's creation or
   * deletion shows in the Ready condition without a watch of every namespace's ServiceAccounts.
   */
  static final java.time.Duration SERVICE_ACCOUNT_LOOK = java.time.Duration.ofMinutes(5);
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AppListingReconciler.class);

  private final Clock clock;
  private final ListingReports reports;
  private InformerEventSource<Namespace, AppListing> namespaces;

  public AppListingReconciler(Clock clock, ListingReports reports) {
    this.clock = clock;
    this.reports = reports;
  }

  @Override
  public List<EventSource<?, AppListing>> prepareEventSources(EventSourceContext<AppListing> context) {
    var primaries = context.getPrimaryCache();
    primaries.addIndexer(BY_VENDOR_NAMESPACE, l -> l.getSpec() == null || l.getSpec().vendor == null ? List.of()
        : List.of(l.getSpec().vendor.namespace));
    namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, AppListing.class)
        .withName("vendor-namespaces").withWatchAllNamespaces().withFollowControllerNamespacesChanges(false)
        .withPrimaryToSecondaryMapper(l -> Set.of())
        .withItemStore(LeanStore.withoutManagedFields()).withInformerListLimit(LeanStore.LIST_PAGE)
        .withSecondaryToPrimaryMapper(n -> primaries.byIndex(BY_VENDOR_NAMESPACE, n.getMetadata().getName()).stream()
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build(), context);
    SimpleInboundEventSource<AppListing> reported = new SimpleInboundEventSource<>("activation-reports");
    reports.onChange(listing -> reported.propagateEvent(new ResourceID(listing)));
    reports.onListed(() -> primaries.list().forEach(l -> reported.propagateEvent(ResourceID.fromResource(l))));
    return List.of(namespaces, reported);
  }

  @Override
  public UpdateControl<AppListing> reconcile(AppListing listing, Context<AppListing> context) {
    String name = listing.getMetadata().getName();
    boolean vendorNamespace = listing.getSpec().vendor != null
        && namespaces.get(new ResourceID(listing.getSpec().vendor.namespace)).isPresent();
    List<ListingReadiness.Blocked> blocked = reports.blocked(name);
    boolean serviceAccountNamed = vendorNamespace && listing.getSpec().clientAuthenticationMethod()
        == AppListingSpec.ClientAuthenticationMethod.ServiceAccountToken;
    boolean serviceAccount = !serviceAccountNamed || serviceAccountExists(context, listing.getSpec());
    Condition ready = ListingReadiness.ready(listing.getSpec(), vendorNamespace, serviceAccount, reports.active(name),
        blocked);
    AppListingStatus before = listing.getStatus() == null ? new AppListingStatus() : listing.getStatus();
    AppListingStatus status = new AppListingStatus();
    long generation = Objects.requireNonNullElse(listing.getMetadata().getGeneration(), 0L);
    status.observedGeneration = generation;
    status.activeActivations = reports.active(name);
    status.blockedActivations = blocked.size();
    if (!reports.complete(name) && before.activeActivations != null) {
      // Not every activation has reported since the operator started: the counts and a Ready that
      // rests on them stay as recorded until they have, rather than passing through partial counts.
      status.activeActivations = before.activeActivations;
      status.blockedActivations = before.blockedActivations;
      Condition recorded = Conditions.find(before.conditions, Conditions.READY);
      if (COUNTED.contains(ready.getReason()) && recorded != null && COUNTED.contains(recorded.getReason())) {
        ready = recorded;
      }
    }
    status.conditions = Conditions.merge(before.conditions, List.of(ready), generation, clock.instant());
    if (Serialization.jsonMapper().valueToTree(status).equals(Serialization.jsonMapper().valueToTree(before))) {
      return serviceAccountNamed ? UpdateControl.<AppListing>noUpdate().rescheduleAfter(SERVICE_ACCOUNT_LOOK)
          : UpdateControl.noUpdate();
    }
    AppListing patch = new AppListing();
    // Without a resourceVersion: only the operator writes a listing's status, and the platform
    // team's edits of its spec never conflict with it.
    patch.setMetadata(Serialization.clone(listing.getMetadata()));
    patch.getMetadata().setResourceVersion(null);
    patch.setSpec(listing.getSpec());
    patch.setStatus(status);
    return serviceAccountNamed ? UpdateControl.patchStatus(patch).rescheduleAfter(SERVICE_ACCOUNT_LOOK)
        : UpdateControl.patchStatus(patch);
  }

  /**
   * Whether the listing's ServiceAccount exists in its vendor namespace: one GET per reconcile of such
   * a listing, not a cluster-wide watch of ServiceAccounts (whose cache would hold every namespace's).
   * A read the API server refuses or fails counts as present: the condition reports only what was seen.
   */
  private static boolean serviceAccountExists(Context<AppListing> context, AppListingSpec spec) {
    try {
      return context.getClient().serviceAccounts().inNamespace(spec.vendor.namespace)
          .withName(spec.clientAuthentication.serviceAccountName).get() != null;
    } catch (KubernetesClientException e) {
      log.warn("cannot read ServiceAccount {}/{} of a ServiceAccountToken listing: HTTP {}", spec.vendor.namespace,
          spec.clientAuthentication.serviceAccountName, e.getCode());
      return true;
    }
  }
}
