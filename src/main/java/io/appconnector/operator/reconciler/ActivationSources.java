package io.appconnector.operator.reconciler;

import io.appconnector.operator.values.NamespacedName;
import io.appconnector.operator.cache.DeliveredSecretStore;
import io.appconnector.operator.cache.LeanStore;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.dependent.OwnWrites;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.logic.VendorSecret;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.logic.NetworkFence;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The informers an Activation depends on, and the mappings from their objects back to activations:
 * listings (by name), the tenants' vendor-credential Secrets (labelled, by reference), and the
 * Secrets delivered to vendors (by label selector, in every namespace).
 */
class ActivationSources {
  static final String BY_LISTING = "byListing";
  static final String BY_VENDOR_SECRET = "byVendorSecret";

  private final InformerEventSource<AppListing, Activation> listings;
  private final InformerEventSource<Secret, Activation> vendorSecrets;
  private final InformerEventSource<Secret, Activation> delivered;
  private final InformerEventSource<TrustedNetwork, Activation> trustedNetworks;
  private final InformerEventSource<NetworkPolicy, Activation> policies;
  private final InformerEventSource<Namespace, Activation> namespaces;
  private final InformerEventSource<io.fabric8.kubernetes.api.model.ConfigMap, Activation> feeRecords;
  private final SimpleInboundEventSource<Activation> peers = new SimpleInboundEventSource<>("peers");
  private final KubernetesClient client;
  private final DeliveredSecretStore deliveredStore = new DeliveredSecretStore();

  /**
   * The reconciler finds secondaries itself (by name, namespace or its own index), never through
   * JOSDK; without this mapper JOSDK would keep a primary-to-secondary index of every informer.
   */
  private static final PrimaryToSecondaryMapper<Activation> NOT_INDEXED = activation -> Set.of();

  /** An informer of {@code type} for activations, cached in {@code store}, listed in pages, not indexed by JOSDK. */
  private static <R extends HasMetadata> InformerEventSourceConfiguration.Builder<R> cached(Class<R> type,
      ItemStore<R> store) {
    return InformerEventSourceConfiguration.from(type, Activation.class).withPrimaryToSecondaryMapper(NOT_INDEXED)
        .withInformerListLimit(type == Secret.class ? LeanStore.SECRET_LIST_PAGE : LeanStore.LIST_PAGE)
        .withItemStore(store);
  }

  ActivationSources(EventSourceContext<Activation> context, OwnWrites ownWrites, String feeRecordNamespace) {
    client = context.getClient();
    var primaries = context.getPrimaryCache();
    primaries.addIndexer(BY_LISTING, a -> List.of(a.getSpec().listing));
    primaries.addIndexer(BY_VENDOR_SECRET, a -> a.getSpec().vendorCredentialsSecretRef == null ? List.of()
        : List.of(new NamespacedName(a.getMetadata().getNamespace(), a.getSpec().vendorCredentialsSecretRef.name).toString()));

    listings = new InformerEventSource<>(cached(AppListing.class, LeanStore.withoutManagedFields())
        .withName("listings").withWatchAllNamespaces().withFollowControllerNamespacesChanges(false)
        .withSecondaryToPrimaryMapper(l -> ids(primaries.byIndex(BY_LISTING, l.getMetadata().getName())))
        // A listing's status (written for the platform team) changes nothing for its activations:
        // only a new generation (its spec) or its deletion does.
        .withOnUpdateFilter((l, old) -> !Objects.equals(l.getMetadata().getGeneration(), old.getMetadata().getGeneration())
            || !Objects.equals(l.getMetadata().getDeletionTimestamp(), old.getMetadata().getDeletionTimestamp()))
        .build(), context);

    vendorSecrets = new InformerEventSource<>(cached(Secret.class, LeanStore.keyNamesOnly())
        .withName("vendor-credentials").withLabelSelector(VendorSecret.LABEL + "=true")
        .withSecondaryToPrimaryMapper(s -> ids(primaries.byIndex(BY_VENDOR_SECRET,
            NamespacedName.ref(s))))
        .build(), context);

    // Watched by label in every namespace, kept only in the namespaces listings deliver to: those
    // named now are kept before the informer lists, one named later is loaded when first needed.
    deliveredStore.keep(vendorNamespaces(client));
    delivered = new InformerEventSource<>(cached(Secret.class, deliveredStore)
        .withName("delivered-credentials").withWatchAllNamespaces().withFollowControllerNamespacesChanges(false)
        .withLabelSelector(DeliveryNames.DELIVERED_SELECTOR)
        .withSecondaryToPrimaryMapper(ActivationSources::owner)
        // A Secret the reconciler just created, changed or deleted is already accounted for (its
        // note is consumed first); one where no listing delivers concerns no activation.
        .withOnAddFilter(s -> !ownWrites.isOwnWrite(s) && deliveredStore.keeps(s.getMetadata().getNamespace()))
        .withOnUpdateFilter((s, old) -> !ownWrites.isOwnWrite(s) && deliveredStore.keeps(s.getMetadata().getNamespace()))
        .withOnDeleteFilter((s, unknown) -> !ownWrites.isOwnDelete(s)
            && deliveredStore.keeps(s.getMetadata().getNamespace()))
        .build(), context);

    trustedNetworks = new InformerEventSource<>(cached(TrustedNetwork.class, LeanStore.withoutManagedFields())
        .withName("trusted-networks")
        .withSecondaryToPrimaryMapper(n -> ids(primaries.list(n.getMetadata().getNamespace()).toList()))
        .build(), context);

    policies = new InformerEventSource<>(cached(NetworkPolicy.class, LeanStore.withoutManagedFields())
        .withName("trusted-network-policies")
        .withLabelSelector(DeliveryNames.MANAGED_BY + "=" + DeliveryNames.OPERATOR + "," + DeliveryNames.ROLE + "="
            + NetworkFence.ROLE_POLICY)
        // Every activation of the tenant: an Unrestricted one reports when a shared policy fences its pods.
        .withSecondaryToPrimaryMapper(p -> ids(primaries.list(p.getMetadata().getNamespace()).toList()))
        .build(), context);

    // Fee-change records, in the operator's namespace only: an edited or deleted one is rewritten.
    feeRecords = new InformerEventSource<>(cached(io.fabric8.kubernetes.api.model.ConfigMap.class,
        LeanStore.withoutManagedFields())
        .withName("fee-records").withNamespaces(Set.of(feeRecordNamespace)).withFollowControllerNamespacesChanges(false)
        .withLabelSelector(DeliveryNames.MANAGED_BY + "=" + DeliveryNames.OPERATOR + "," + DeliveryNames.ROLE + "="
            + DeliveryNames.ROLE_FEE_RECORD)
        .withSecondaryToPrimaryMapper(ActivationSources::owner)
        .build(), context);

    namespaces = new InformerEventSource<>(cached(Namespace.class, LeanStore.withoutManagedFields())
        .withName("tenant-namespaces").withWatchAllNamespaces().withFollowControllerNamespacesChanges(false)
        .withSecondaryToPrimaryMapper(n -> ids(primaries.list(n.getMetadata().getName()).toList()))
        .build(), context);
  }

  List<EventSource<?, Activation>> all() {
    return List.of(listings, vendorSecrets, delivered, trustedNetworks, policies, namespaces, feeRecords, peers);
  }

  /** The activation's fee-change record as cached, if it has one. */
  io.fabric8.kubernetes.api.model.ConfigMap feeRecord(Activation activation, String namespace) {
    return feeRecords.get(new ResourceID(io.appconnector.operator.dependent.FeeRecords.name(activation), namespace))
        .orElse(null);
  }

  List<TrustedNetwork> trustedNetworks(Activation activation) {
    return trustedNetworks.list(activation.getMetadata().getNamespace()).toList();
  }

  /** The trusted-network policies the operator keeps in the activation's namespace. */
  List<NetworkPolicy> tenantPolicies(Activation activation) {
    return policies.list(activation.getMetadata().getNamespace()).toList();
  }

  NetworkPolicy policy(Activation activation) {
    String ref = NamespacedName.ref(activation);
    return tenantPolicies(activation).stream().filter(p -> p.getMetadata().getAnnotations() != null
        && ref.equals(p.getMetadata().getAnnotations().get(DeliveryNames.ACTIVATION_REF))).findFirst().orElse(null);
  }

  Namespace namespace(Activation activation) {
    return namespaces.get(new ResourceID(activation.getMetadata().getNamespace())).orElse(null);
  }

  AppListing listing(Activation activation) {
    return listings.get(new ResourceID(activation.getSpec().listing)).orElse(null);
  }

  /** Other activations of the same listing, for SingleTenant and duplicate checks. */
  Collection<Activation> peers(Context<Activation> context, Activation activation) {
    return context.getPrimaryCache().byIndex(BY_LISTING, activation.getSpec().listing);
  }

  /** After a deactivation, activations waiting for the same listing decide again. */
  void wakePeers(Context<Activation> context, Activation activation) {
    for (Activation peer : peers(context, activation)) {
      if (!peer.getMetadata().getUid().equals(activation.getMetadata().getUid())) {
        peers.propagateEvent(ResourceID.fromResource(peer));
      }
    }
  }

  VendorSecret vendorSecret(Activation activation) {
    if (activation.getSpec().vendorCredentialsSecretRef == null) {
      return null;
    }
    String ns = activation.getMetadata().getNamespace();
    String name = activation.getSpec().vendorCredentialsSecretRef.name;
    return vendorSecrets.get(new ResourceID(name, ns)).map(VendorSecret::of)
        // Not in the cache of labelled Secrets: tell "missing" from "not labelled".
        .orElseGet(() -> VendorSecret.of(client.secrets().inNamespace(ns).withName(name).get()));
  }

  /**
   * This activation's delivered Secret in the listing's vendor namespace, found by its UID: the one
   * where its record says, else the one at its name, else any (one at the name used before, or one
   * the record does not vouch for, which the plan replaces).
   */
  DeliveredCredentials delivered(Activation activation, AppListing listing) {
    String recorded = recordedLocation(activation);
    return allDelivered(activation, listing).stream()
        .filter(d -> listing == null || d.namespace().equals(listing.getSpec().vendor.namespace))
        .min(java.util.Comparator.comparing((DeliveredCredentials d) -> d.location().equals(recorded) ? 0
            : d.name().equals(DeliveryNames.secretName(activation)) ? 1 : 2))
        .orElse(null);
  }

  /** Like {@link #delivered}, read from the API server instead of the cache (where the record says, else at its name). */
  DeliveredCredentials freshDelivered(Activation activation, AppListing listing) {
    NamespacedName recorded = NamespacedName.parse(recordedLocation(activation));
    String namespace = listing != null ? listing.getSpec().vendor.namespace
        : recorded != null ? recorded.namespace() : null;
    if (namespace == null) {
      return null;
    }
    String name = recorded != null && recorded.namespace().equals(namespace) ? recorded.name()
        : DeliveryNames.secretName(activation);
    DeliveredCredentials d = DeliveredCredentials.read(client.secrets().inNamespace(namespace).withName(name).get());
    return d != null && activation.getMetadata().getUid().equals(d.activationUid()) ? d : null;
  }

  private static String recordedLocation(Activation activation) {
    return activation.getStatus() == null || activation.getStatus().credential == null ? null
        : activation.getStatus().credential.deliveredTo;
  }

  /**
   * Every Secret delivered for this activation that the cache holds (the listing's namespace loaded
   * first), and the one its record names if that is in a namespace no listing names any more (read
   * from the API server: the listing was deleted or moved before a restart).
   */
  List<DeliveredCredentials> allDelivered(Activation activation, AppListing listing) {
    if (listing != null && listing.getSpec().vendor != null) {
      deliveredStore.load(listing.getSpec().vendor.namespace,
          (namespace, each) -> listDelivered(client.secrets().inNamespace(namespace)
              .withLabelSelector(DeliveryNames.DELIVERED_SELECTOR), each));
    }
    Map<String, DeliveredCredentials> found = new java.util.LinkedHashMap<>();
    deliveredStore.deliveredFor(activation.getMetadata().getUid()).stream().map(DeliveredCredentials::read)
        .filter(Objects::nonNull).forEach(d -> found.put(d.location(), d));
    NamespacedName recorded = NamespacedName.parse(recordedLocation(activation));
    if (recorded != null && !deliveredStore.keeps(recorded.namespace())) {
      DeliveredCredentials d = DeliveredCredentials.read(
          client.secrets().inNamespace(recorded.namespace()).withName(recorded.name()).get());
      if (d != null && activation.getMetadata().getUid().equals(d.activationUid())) {
        found.put(d.location(), d);
      }
    }
    return List.copyOf(found.values());
  }

  /**
   * For a deactivation: every Secret delivered for this activation in any namespace, those the
   * cache holds and those the API server finds by the activation's labels (in a namespace a listing
   * named before the operator last started, for example), so none outlives it.
   */
  List<DeliveredCredentials> everyDelivered(Activation activation, AppListing listing) {
    Map<String, DeliveredCredentials> found = new java.util.LinkedHashMap<>();
    allDelivered(activation, listing).forEach(d -> found.put(d.location(), d));
    String selector = DeliveryNames.DELIVERED_SELECTOR + "," + DeliveryNames.TENANT + "="
        + activation.getMetadata().getNamespace() + "," + DeliveryNames.ACTIVATION + "="
        + DeliveryNames.labelValue(activation.getMetadata().getName());
    listDelivered(client.secrets().inAnyNamespace().withLabelSelector(selector), s -> {
      DeliveredCredentials d = DeliveredCredentials.read(s);
      if (d != null && activation.getMetadata().getUid().equals(d.activationUid())) {
        found.putIfAbsent(d.location(), d);
      }
    });
    return List.copyOf(found.values());
  }

  /** Delivered Secrets listed in pages of {@link LeanStore#SECRET_LIST_PAGE}, as the informer lists them. */
  private static void listDelivered(
      io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<Secret, io.fabric8.kubernetes.api.model.SecretList, ?> secrets,
      java.util.function.Consumer<Secret> each) {
    String page = null;
    do {
      var list = secrets.list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
          .withLimit(LeanStore.SECRET_LIST_PAGE).withContinue(page).build());
      list.getItems().forEach(each);
      page = list.getMetadata() == null ? null : list.getMetadata().getContinue();
    } while (page != null && !page.isEmpty());
  }

  /** The vendor namespaces listings name now; empty if they cannot be listed (each is then loaded when needed). */
  private static Set<String> vendorNamespaces(KubernetesClient client) {
    try {
      Set<String> namespaces = new java.util.HashSet<>();
      String page = null;
      do {
        var list = client.resources(AppListing.class).list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
            .withLimit(LeanStore.LIST_PAGE).withContinue(page).build());
        list.getItems().stream()
            .filter(l -> l.getSpec() != null && l.getSpec().vendor != null && l.getSpec().vendor.namespace != null)
            .forEach(l -> namespaces.add(l.getSpec().vendor.namespace));
        page = list.getMetadata() == null ? null : list.getMetadata().getContinue();
      } while (page != null && !page.isEmpty());
      return namespaces;
    } catch (RuntimeException e) {
      return Set.of();
    }
  }


  private static Set<ResourceID> owner(HasMetadata secret) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    NamespacedName ref = annotations == null ? null : NamespacedName.parse(annotations.get(DeliveryNames.ACTIVATION_REF));
    return ref == null ? Set.of() : Set.of(new ResourceID(ref.name(), ref.namespace()));
  }

  private static Set<ResourceID> ids(Collection<Activation> activations) {
    return activations.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }
}
