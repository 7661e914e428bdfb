package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.cache.LeanStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * What the token endpoint looks up, from informer caches on every replica: activations by client
 * ID, the tenants' trusted networks, and the listings. No request reaches the API server except the
 * write that records a first use.
 */
public class ClientDirectory implements AutoCloseable {
  static final String BY_CLIENT_ID = "byClientId";
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

  private final List<SharedIndexInformer<Activation>> activations = new ArrayList<>();
  private final List<SharedIndexInformer<TrustedNetwork>> networks = new ArrayList<>();
  private final SharedIndexInformer<AppListing> listings;

  public ClientDirectory(KubernetesClient client, Set<String> namespaces) {
    for (Informable<Activation> source : scoped(namespaces, ns -> ns == null
        ? client.resources(Activation.class).inAnyNamespace().withLimit(LeanStore.LIST_PAGE)
        : client.resources(Activation.class).inNamespace(ns).withLimit(LeanStore.LIST_PAGE))) {
      SharedIndexInformer<Activation> informer = source.runnableInformer(0).itemStore(LeanStore.activations());
      informer.addIndexers(Map.of(BY_CLIENT_ID, a -> a.getStatus() == null || a.getStatus().credential == null
          || a.getStatus().credential.clientId == null ? List.of() : List.of(a.getStatus().credential.clientId)));
      activations.add(informer);
    }
    for (Informable<TrustedNetwork> source : scoped(namespaces, ns -> ns == null
        ? client.resources(TrustedNetwork.class).inAnyNamespace() : client.resources(TrustedNetwork.class).inNamespace(ns))) {
      // Looked up by namespace through the informer's built-in namespace index.
      networks.add(source.runnableInformer(0).itemStore(LeanStore.withoutManagedFields()));
    }
    listings = client.resources(AppListing.class).runnableInformer(0).itemStore(LeanStore.withoutManagedFields());
  }

  private static <T> List<T> scoped(Set<String> namespaces, Function<String, T> source) {
    if (namespaces.isEmpty()) {
      List<T> all = new ArrayList<>();
      all.add(source.apply(null));
      return all;
    }
    return namespaces.stream().sorted().map(source).toList();
  }

  /** Starts every informer and waits until each has listed what exists. */
  public void start() {
    List<SharedIndexInformer<? extends HasMetadata>> all = all();
    try {
      for (SharedIndexInformer<? extends HasMetadata> informer : all) {
        informer.start().toCompletableFuture().get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while filling the token endpoint's caches", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the token endpoint's caches did not fill within " + SYNC_TIMEOUT.toSeconds()
          + "s: " + e.getMessage(), e);
    }
  }

  /**
   * The activation whose current credential has this client ID, or null. Should two claim the same
   * ID (status copied by hand), neither is trusted.
   */
  public Activation byClientId(String clientId) {
    List<Activation> found = new ArrayList<>();
    for (SharedIndexInformer<Activation> informer : activations) {
      found.addAll(informer.getIndexer().byIndex(BY_CLIENT_ID, clientId));
    }
    return found.size() == 1 ? found.get(0) : null;
  }

  public List<TrustedNetwork> trustedNetworks(String namespace) {
    List<TrustedNetwork> found = new ArrayList<>();
    for (SharedIndexInformer<TrustedNetwork> informer : networks) {
      found.addAll(informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
    }
    return found;
  }

  public AppListing listing(String name) {
    return listings.getIndexer().getByKey(Cache.namespaceKeyFunc(null, name));
  }

  private List<SharedIndexInformer<? extends HasMetadata>> all() {
    List<SharedIndexInformer<? extends HasMetadata>> all = new ArrayList<>(activations);
    all.addAll(networks);
    all.add(listings);
    return all;
  }

  @Override
  public void close() {
    all().forEach(SharedIndexInformer::close);
  }
}
