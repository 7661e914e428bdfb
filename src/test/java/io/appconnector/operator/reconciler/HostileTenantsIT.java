package io.appconnector.operator.reconciler;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.dependent.FeeRecords;
import io.appconnector.operator.helm.AuditedApiServer;
import io.appconnector.operator.helm.ChartRbac;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.logic.VendorSecret;
import io.appconnector.operator.values.Conditions;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.NamespaceAdmins;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenants and vendors acting against each other, each the admin of its own namespace only
 * ({@link NamespaceAdmins}), against a real API server, with the operator holding exactly the Helm chart's
 * RBAC. Each test tries one hostile act and shows the victim's credentials (record and delivered
 * Secret) unaffected, and what the hostile party was told.
 */
class HostileTenantsIT extends OperatorScenarios {
  static AuditedApiServer api;
  static KubernetesClient restricted;

  /** The admins of this test's tenant, other tenant and vendor namespaces. */
  KubernetesClient tenantAdmin;
  KubernetesClient otherAdmin;
  KubernetesClient vendorAdmin;

  @BeforeAll
  static void apiServerWithTheChartsRbac() {
    api = AuditedApiServer.start();
    ChartRbac rbac = ChartRbac.render(RbacLifecycleIT.RELEASE_NAMESPACE);
    rbac.install(api.client());
    restricted = rbac.clientFor(api.client());
  }

  @AfterAll
  static void close() {
    if (restricted != null) {
      restricted.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Override
  protected KubernetesClient client() {
    return api.client();
  }

  @Override
  protected KubernetesClient operatorClient() {
    return restricted;
  }

  @BeforeEach
  void namespaceAdmins() {
    tenantAdmin = NamespaceAdmins.adminOf(client(), tenant);
    otherAdmin = NamespaceAdmins.adminOf(client(), otherTenant);
    vendorAdmin = NamespaceAdmins.adminOf(client(), vendor);
    assertThrows(KubernetesClientException.class, () -> tenantAdmin.secrets().inNamespace(vendor).list(),
        "a tenant admin cannot read the vendor's namespace");
  }

  Activation activate(KubernetesClient admin, String namespace, String name, AppListing listing) {
    Activation a = activation(namespace, name, listing.getMetadata().getName(), "invoices.read");
    a.getMetadata().setUid(null);
    a.getMetadata().setCreationTimestamp(null);
    a.getMetadata().setGeneration(null);
    admin.resource(a).create();
    return awaitPhase(namespace, name, Phase.Active);
  }

  DeliveredCredentials deliveredAt(String location) {
    String[] parts = location.split("/", 2);
    return DeliveredCredentials.read(client().secrets().inNamespace(parts[0]).withName(parts[1]).get());
  }

  /** The activation's record and its delivered Secret agree, as the token endpoint needs them to. */
  DeliveredCredentials assertWorking(Activation a) {
    Activation now = get(a.getMetadata().getNamespace(), a.getMetadata().getName());
    assertEquals(Phase.Active, now.getStatus().phase);
    DeliveredCredentials d = deliveredAt(now.getStatus().credential.deliveredTo);
    assertNotNull(d, "delivered");
    assertEquals(now.getStatus().credential.clientId, d.clientId());
    assertTrue(SecretVerifier.matches(now.getStatus().credential.verifier, d.clientSecret()), "the recorded secret");
    return d;
  }

  /** The listing's Ready condition, as the platform team reads it, once its reason is {@code reason}. */
  io.fabric8.kubernetes.api.model.Condition awaitListingReady(AppListing l, String reason) {
    return Await.until("listing " + l.getMetadata().getName() + " Ready reason " + reason, () -> {
      AppListing now = client().resources(AppListing.class).withName(l.getMetadata().getName()).get();
      return now == null || now.getStatus() == null ? null : now.getStatus().conditions.stream()
          .filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    }, c -> c != null && reason.equals(c.getReason()));
  }

  /** Nothing the tenant reads names the vendor's namespace or another tenant. */
  void assertTellsNothing(Activation a, String... others) {
    Activation now = get(a.getMetadata().getNamespace(), a.getMetadata().getName());
    List<String> words = Stream.concat(Stream.of(now.getStatus().message),
        now.getStatus().conditions.stream().map(c -> c.getMessage())).filter(Objects::nonNull).toList();
    for (String secret : Stream.concat(Stream.of(vendor), Stream.of(others)).toList()) {
      words.forEach(w -> assertFalse(w.contains(secret), "'" + w + "' reveals " + secret));
    }
  }

  @Test
  void activationsWhoseOldSecretNamesCollidedEachGetTheirOwnCredentials() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    // appconnector-<tenant>-<activation> gave both the same name.
    String acme = "acme-" + suffix;
    String acmeEu = "acme-" + suffix + "-eu";
    for (String ns : List.of(acme, acmeEu)) {
      client().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    Activation first = activate(NamespaceAdmins.adminOf(client(), acmeEu), acmeEu, "ledgerly", l);
    Activation second = activate(NamespaceAdmins.adminOf(client(), acme), acme, "eu-ledgerly", l);
    assertEquals(DeliveryNames.legacySecretName(first), DeliveryNames.legacySecretName(second));
    DeliveredCredentials a = assertWorking(first);
    DeliveredCredentials b = assertWorking(second);
    assertNotEquals(a.location(), b.location());
    assertNotEquals(a.clientId(), b.clientId());
  }

  @Test
  void aSecretDeliveredUnderTheOldNameKeepsWorkingAcrossTheUpgrade() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    Activation a = activate(tenantAdmin, tenant, "ledger", l);
    DeliveredCredentials before = assertWorking(a);
    stopOperator();
    // What an earlier version left: the same Secret under appconnector-<tenant>-<activation>, recorded there.
    Secret current = client().secrets().inNamespace(vendor).withName(before.name()).get();
    Secret legacy = new SecretBuilder(current).editMetadata().withName(DeliveryNames.legacySecretName(a))
        .withResourceVersion(null).withUid(null).withCreationTimestamp(null).withManagedFields(List.of()).endMetadata()
        .build();
    String legacyVersion = client().resource(legacy).create().getMetadata().getResourceVersion();
    client().secrets().inNamespace(vendor).withName(before.name()).delete();
    client().resources(Activation.class).inNamespace(tenant).withName("ledger").editStatus(x -> {
      x.getStatus().credential.deliveredTo = vendor + "/" + DeliveryNames.legacySecretName(a);
      return x;
    });
    startOperator();
    Await.until("the operator reconciled after the upgrade", () -> reconciles(a), n -> n > 0);
    DeliveredCredentials after = assertWorking(a);
    assertEquals(DeliveryNames.legacySecretName(a), after.name(), "adopted where it is, by the activation's UID");
    assertEquals(before.clientSecret(), after.clientSecret(), "never silently reissued");
    assertEquals(legacyVersion, client().secrets().inNamespace(vendor).withName(after.name()).get()
        .getMetadata().getResourceVersion(), "not even rewritten");
  }

  @Test
  void aVendorsEditsOfADeliveredSecretAreRepairedFromTheRecordNeverAdopted() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    Activation victim = activate(otherAdmin, otherTenant, "ledger", l);
    Activation edited = activate(tenantAdmin, tenant, "ledger", l);
    DeliveredCredentials victimBefore = assertWorking(victim);
    DeliveredCredentials before = assertWorking(edited);
    ActivationStatus.Credential recordBefore = get(tenant, "ledger").getStatus().credential;

    // The vendor claims the other activation's client ID, a secret of its choosing and no expiry.
    vendorAdmin.secrets().inNamespace(vendor).withName(before.name()).edit(s -> new SecretBuilder(s)
        .addToData("clientId", b64(victimBefore.clientId())).addToData("clientSecret", b64("chosen-by-the-vendor"))
        .editMetadata().addToAnnotations(DeliveryNames.EXPIRES_AT, "").endMetadata().build());
    DeliveredCredentials repaired = Await.until("the Secret repaired", () -> deliveredAt(before.location()),
        d -> d != null && before.clientId().equals(d.clientId()) && !"chosen-by-the-vendor".equals(d.clientSecret()));
    ActivationStatus.Credential record = get(tenant, "ledger").getStatus().credential;
    assertEquals(recordBefore.clientId, record.clientId, "the record keeps its client ID");
    assertEquals(recordBefore.expiresAt, record.expiresAt, "and its expiry, never a later one");
    assertEquals(recordBefore.expiresAt, repaired.content().get("annotation:" + DeliveryNames.EXPIRES_AT));
    assertFalse(SecretVerifier.matches(record.verifier, "chosen-by-the-vendor"));
    assertWorking(edited);
    assertEquals(victimBefore.clientSecret(), assertWorking(victim).clientSecret(), "the other activation is untouched");
    Await.until("an event saying so", () -> events(edited), e -> e.contains("DeliveredSecretReplaced"));

    // An edit that leaves the secret: rewritten in place, the secret kept.
    vendorAdmin.secrets().inNamespace(vendor).withName(before.name()).edit(s -> new SecretBuilder(s)
        .editMetadata().addToAnnotations(DeliveryNames.EXPIRES_AT, "2099-01-01T00:00:00Z")
        .addToLabels(DeliveryNames.TENANT, otherTenant).endMetadata().build());
    Await.until("repaired in place", () -> deliveredAt(before.location()), d -> d != null
        && recordBefore.expiresAt.equals(d.content().get("annotation:" + DeliveryNames.EXPIRES_AT))
        && tenant.equals(d.content().get("label:" + DeliveryNames.TENANT)));
    assertEquals(repaired.clientSecret(), assertWorking(edited).clientSecret());
    Await.until("an event saying so", () -> events(edited), e -> e.contains("DeliveredSecretRepaired"));
    io.fabric8.kubernetes.api.model.Condition issued = Await.until("a condition saying what was repaired",
        () -> Conditions.find(get(tenant, "ledger").getStatus().conditions, Conditions.CREDENTIALS_ISSUED),
        c -> "DeliveredSecretRepaired".equals(c.getReason()));
    assertTrue(issued.getMessage().contains("annotation:" + DeliveryNames.EXPIRES_AT), issued.getMessage());
  }

  @Test
  void anActivationThatCouldNeverBeIssuedDoesNotSquatASingleTenantListing() {
    AppListing single = vendorListing("solo", vendor, "invoices.read");
    single.getSpec().installation = AppListingSpec.Installation.SingleTenant;
    single.getSpec().visibility = AppListingSpec.Visibility.Private;
    single.getSpec().allowedTenants = List.of(tenant);
    AppListing l = listing(single);
    // Older, but the listing is not offered to its tenant.
    Activation squatter = activation(otherTenant, "solo", l.getMetadata().getName(), "invoices.read");
    squatter.getMetadata().setUid(null);
    squatter.getMetadata().setCreationTimestamp(null);
    squatter.getMetadata().setGeneration(null);
    otherAdmin.resource(squatter).create();
    Activation refused = awaitPhase(otherTenant, "solo", Phase.Rejected);
    assertEquals("ListingNotFound", readyReason(refused), "a private listing reads like a missing one");
    Activation a = activate(tenantAdmin, tenant, "solo", l);
    assertWorking(a);
    assertTellsNothing(refused, tenant);
    assertEquals(readyReason(refused), readyReason(get(otherTenant, "solo")));
  }

  @Test
  void aFailedDeliveryReachesTheTenantsStatusWithoutNamingTheVendorsNamespace() {
    String missing = "missing-" + suffix;
    AppListing l = listing(vendorListing("ledger", missing, "invoices.read"));
    create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read"));
    Activation failed = Await.until("a DeliveryFailed condition", () -> get(tenant, "ledger"),
        x -> x != null && x.getStatus() != null && "DeliveryFailed".equals(readyReason(x)));
    assertEquals(Phase.Pending, failed.getStatus().phase);
    assertFalse(failed.getStatus().message.contains(missing), failed.getStatus().message);
    Await.until("the detail on the listing, for the platform team", () -> client().events().v1().events()
        .inNamespace("default").list().getItems().stream().filter(e -> l.getMetadata().getName()
            .equals(e.getRegarding().getName())).map(e -> e.getNote()).toList(), notes -> notes.stream()
        .anyMatch(n -> n.contains(missing)));
    assertTrue(awaitListingReady(l, "VendorNamespaceMissing").getMessage().contains(missing));
    client().resource(new NamespaceBuilder().withNewMetadata().withName(missing).endMetadata().build()).create();
    // The record is written before the Secret, so Active may show a moment before the Secret exists.
    Await.until("delivered once the namespace exists", () -> {
      Activation a = get(tenant, "ledger");
      return a.getStatus().phase == Phase.Active ? deliveredAt(a.getStatus().credential.deliveredTo) : null;
    }, Objects::nonNull);
    assertEquals("True", awaitListingReady(l, "Ready").getStatus());
  }

  @Test
  void aSecretAVendorPutsAtTheDeliveryNameIsReportedToTheTenantWithoutDetail() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    Activation victim = activate(otherAdmin, otherTenant, "ledger", l);
    Activation planned = activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read");
    vendorAdmin.resource(new SecretBuilder().withNewMetadata().withNamespace(vendor)
        .withName(DeliveryNames.secretName(planned)).endMetadata().addToStringData("clientSecret", "squatted").build())
        .create();
    create(planned);
    Activation reported = Await.until("a DeliveryConflict condition", () -> get(tenant, "ledger"),
        x -> x != null && x.getStatus() != null && "DeliveryConflict".equals(readyReason(x)));
    assertEquals(Phase.Pending, reported.getStatus().phase);
    assertTellsNothing(reported, otherTenant);
    assertTrue(awaitListingReady(l, "ActivationsBlocked").getMessage().contains(tenant + "/ledger (DeliveryConflict)"));
    assertWorking(victim);
  }

  @Test
  void aRetiredOrDeletedListingWithdrawsTheDeliveredSecretAndApprovalRestoresIt() {
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    Activation a = activate(tenantAdmin, tenant, "ledger", l);
    DeliveredCredentials before = assertWorking(a);
    io.appconnector.operator.support.Resources.editListing(client(), l.getMetadata().getName(), x -> {
          x.getSpec().lifecycle = AppListingSpec.Lifecycle.Retired;
          return x;
        });
    Activation retired = Await.until("withdrawn", () -> get(tenant, "ledger"),
        x -> "ListingRetired".equals(readyReason(x)) && deliveredAt(before.location()) == null);
    assertNull(retired.getStatus().credential.verifier, "tokens refused");
    awaitListingReady(l, "Retired");
    Await.until("the vendor is told, in its own namespace", () -> vendorAdmin.events().v1().events().inNamespace(vendor)
        .list().getItems().stream().map(e -> e.getReason()).toList(), r -> r.contains("CredentialsWithdrawn"));
    Await.until("the tenant is told", () -> events(a), e -> e.contains("CredentialsWithdrawn"));

    io.appconnector.operator.support.Resources.editListing(client(), l.getMetadata().getName(), x -> {
          x.getSpec().lifecycle = AppListingSpec.Lifecycle.Approved;
          return x;
        });
    Await.until("restored", () -> get(tenant, "ledger"), x -> x.getStatus().phase == Phase.Active
        && x.getStatus().credential.verifier != null);
    assertEquals(before.clientId(), assertWorking(a).clientId(), "the same client ID");

    client().resources(AppListing.class).withName(l.getMetadata().getName()).delete();
    Await.until("withdrawn when deleted", () -> get(tenant, "ledger"),
        x -> "ListingNotFound".equals(readyReason(x)) && delivered(vendor).isEmpty());
  }

  @Test
  void aTenantFillingItsNamespaceWithLargeLabelledSecretsCostsTheOperatorLittleMemory() {
    int count = Integer.getInteger("appconnector.hostile.secrets", 24);
    AppListing l = listing(vendorListing("ledger", vendor, "invoices.read"));
    AppListing crm = listing(io.appconnector.operator.Fixtures.platformListing("crm",
        AppListingSpec.AuthMethod.ApiKey));
    Activation waiting = activation(tenant, "crm", crm.getMetadata().getName());
    waiting.getSpec().vendorCredentialsSecretRef = new io.appconnector.operator.api.v1alpha1.ActivationSpec.SecretRef();
    waiting.getSpec().vendorCredentialsSecretRef.name = "sentinel";
    create(waiting);
    awaitPhase(tenant, "crm", Phase.AwaitingVendorCredentials);
    // One of each first, so the clients' buffers and the informers' first allocations are in the baseline.
    tenantAdmin.resource(bigSecret(-1, false)).create();
    tenantAdmin.resource(bigSecret(-2, true)).create();
    long heapBefore = usedHeapAfterGc();
    for (int i = 0; i < count; i++) {
      tenantAdmin.resource(bigSecret(i, i % 2 == 1)).create();
    }
    // Watch events arrive in order: once the Secret created last reaches the activation waiting for
    // it, every large one before it has been through the operator's cache.
    tenantAdmin.resource(new SecretBuilder().withNewMetadata().withNamespace(tenant).withName("sentinel")
        .addToLabels(VendorSecret.LABEL, "true").endMetadata().addToData("apiKey", b64("k")).build()).create();
    awaitPhase(tenant, "crm", Phase.Active);
    Activation other = activate(otherAdmin, otherTenant, "ledger", l);
    assertWorking(other);
    long grown = usedHeapAfterGc() - heapBefore;
    long created = (long) count * (1 << 20);
    assertFalse(cachedSecrets("delivered-credentials").containsKey(tenant),
        "no look-alike in the tenant's namespace is held");
    List<Secret> vendorCredentials = cachedSecrets("vendor-credentials").get(tenant);
    assertTrue(vendorCredentials.size() >= count / 2, "the tenant's vendor-credential Secrets are cached");
    assertTrue(vendorCredentials.stream().allMatch(s -> s.getData().values().stream().allMatch(v -> v.length() <= 4)),
        "as key names only");
    System.out.printf("RELIABILITY hostile-secrets: %d labelled Secrets of 1 MiB (%d MiB; half vendor-credential, "
        + "half look-alike delivered) created by one tenant; operator heap after GC grew %d KiB; another tenant's "
        + "activation went Active%n", count, created >> 20, grown >> 10);
    assertTrue(grown < created / 3, "heap grew " + (grown >> 20) + " MiB for " + (created >> 20) + " MiB of Secrets");
  }

  /** What the operator's informer of {@code name} caches, by namespace (its own cache, read in place). */
  java.util.Map<String, List<Secret>> cachedSecrets(String name) {
    for (io.javaoperatorsdk.operator.RegisteredController<?> rc : operator.getRegisteredControllers()) {
      if (rc.getConfiguration().getResourceClass() == Activation.class) {
        var source = ((io.javaoperatorsdk.operator.processing.Controller<?>) rc).getEventSourceManager()
            .getEventSourceFor(Secret.class, name);
        return ((io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource<Secret, ?>) source)
            .list().collect(java.util.stream.Collectors.groupingBy(s -> s.getMetadata().getNamespace()));
      }
    }
    throw new IllegalStateException("no activation controller");
  }

  /** A Secret labelled and annotated as the operator labels one it delivers, with a secret of the author's choosing. */
  static Secret lookalike(String namespace, String name, String activationUid, String clientId) {
    return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR)
        .addToLabels(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED)
        .addToAnnotations(DeliveryNames.ACTIVATION_UID, activationUid).endMetadata()
        .addToData("clientId", b64(clientId)).addToData("clientSecret", b64("chosen-" + clientId)).build();
  }

  String newNamespace(String prefix) {
    String ns = prefix + "-" + suffix;
    client().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    return ns;
  }

  /** The operator's cache of delivered Secrets in {@code ns} holds what the API server does (names, resourceVersions). */
  void awaitCacheAgrees(String ns) {
    Await.until("the operator's cache of " + ns + " agrees with the API server", () -> {
      var server = client().secrets().inNamespace(ns).withLabelSelector(DeliveryNames.DELIVERED_SELECTOR).list()
          .getItems().stream().collect(java.util.stream.Collectors.toMap(x -> x.getMetadata().getName(),
              x -> x.getMetadata().getResourceVersion()));
      var cached = cachedSecrets("delivered-credentials").getOrDefault(ns, List.of()).stream()
          .collect(java.util.stream.Collectors.toMap(x -> x.getMetadata().getName(),
              x -> x.getMetadata().getResourceVersion()));
      return server.equals(cached) ? server : null;
    }, Objects::nonNull);
  }

  @Test
  void deliveredSecretsAreCachedOnlyWhereListingsDeliverAndNoneIsMissedWhenAListingNamesANewNamespace() {
    // The tenant labels Secrets in its own namespace like delivered ones.
    for (int i = 0; i < 5; i++) {
      tenantAdmin.resource(lookalike(tenant, "fake" + i, "u" + i, "c" + i)).create();
    }
    // Before any listing names it, a vendor puts a Secret claiming to be the activation's at its
    // delivery name, and one of its own.
    String early = newNamespace("early");
    KubernetesClient earlyAdmin = NamespaceAdmins.adminOf(client(), early);
    Activation planned = create(activation(tenant, "ledger", "ledger-" + suffix, "invoices.read"));
    Await.until("the activation waits for its listing", () -> get(tenant, "ledger"),
        x -> x.getStatus() != null && "ListingNotFound".equals(readyReason(x)));
    earlyAdmin.resource(lookalike(early, DeliveryNames.secretName(planned), planned.getMetadata().getUid(), "forged"))
        .create();
    earlyAdmin.resource(lookalike(early, "its-own", "v1", "its-own")).create();
    // A new listing names that namespace: what is already there is seen, and what happens there next.
    AppListing l = listing(vendorListing("ledger", early, "invoices.read"));
    awaitPhase(tenant, "ledger", Phase.Active);
    DeliveredCredentials first = Await.until("the claimed Secret replaced from the record", () -> {
      Activation a = get(tenant, "ledger");
      DeliveredCredentials d = a.getStatus().credential == null ? null : deliveredAt(a.getStatus().credential.deliveredTo);
      return d != null && d.clientId().equals(a.getStatus().credential.clientId) ? d : null;
    }, Objects::nonNull);
    assertNotEquals("forged", first.clientId());
    assertWorking(planned);
    awaitCacheAgrees(early);
    earlyAdmin.secrets().inNamespace(early).withName(first.name()).delete();
    Await.until("re-delivered after the vendor deleted it", () -> deliveredAt(first.location()), Objects::nonNull);
    assertWorking(planned);
    awaitCacheAgrees(early);

    // The listing moves to another namespace no listing named before, where the vendor has a Secret.
    String moved = newNamespace("moved");
    KubernetesClient movedAdmin = NamespaceAdmins.adminOf(client(), moved);
    movedAdmin.resource(lookalike(moved, "its-own", "v2", "its-own")).create();
    io.appconnector.operator.support.Resources.editListing(client(), l.getMetadata().getName(), x -> {
      x.getSpec().vendor.namespace = moved;
      return x;
    });
    DeliveredCredentials there = Await.until("delivered in the new namespace", () -> {
      Activation a = get(tenant, "ledger");
      String at = a.getStatus().credential == null ? null : a.getStatus().credential.deliveredTo;
      return at != null && at.startsWith(moved + "/") && a.getStatus().phase == Phase.Active ? deliveredAt(at) : null;
    }, Objects::nonNull);
    assertWorking(planned);
    awaitCacheAgrees(moved);
    movedAdmin.secrets().inNamespace(moved).withName(there.name()).edit(s -> new SecretBuilder(s)
        .addToData("clientSecret", b64("chosen-by-the-vendor")).build());
    Await.until("repaired after the vendor edited it", () -> deliveredAt(there.location()),
        d -> d != null && !"chosen-by-the-vendor".equals(d.clientSecret()));
    assertWorking(planned);
    awaitCacheAgrees(moved);
    assertFalse(cachedSecrets("delivered-credentials").containsKey(tenant), "the tenant's look-alikes are not held");

    // A restarted operator keeps the namespaces listings name from its first list on.
    restartOperator();
    movedAdmin.secrets().inNamespace(moved).withName(there.name()).delete();
    Await.until("re-delivered after a restart", () -> deliveredAt(there.location()), Objects::nonNull);
    assertWorking(planned);
    awaitCacheAgrees(moved);
    var cached = cachedSecrets("delivered-credentials");
    assertFalse(cached.containsKey(tenant), "the tenant's look-alikes are not held: " + cached.keySet());
    assertFalse(cached.containsKey(early), "nor a namespace no listing names any more: " + cached.keySet());

    // Deactivated: nothing delivered for it is left, also where the listing delivered before the restart.
    client().resources(Activation.class).inNamespace(tenant).withName("ledger").delete();
    Await.until("gone", () -> get(tenant, "ledger"), Objects::isNull);
    for (String ns : List.of(early, moved)) {
      assertEquals(List.of("its-own"), client().secrets().inNamespace(ns).withLabelSelector(DeliveryNames.DELIVERED_SELECTOR)
          .list().getItems().stream().map(x -> x.getMetadata().getName()).toList(), "left in " + ns);
    }
  }

  /** A Secret of 1 MiB, the most one may hold: a vendor-credential one, or one labelled like a delivered one. */
  private Secret bigSecret(int i, boolean lookalike) {
    SecretBuilder s = new SecretBuilder().withNewMetadata().withNamespace(tenant).withName("big" + i)
        .addToLabels(lookalike ? DeliveryNames.MANAGED_BY : VendorSecret.LABEL, lookalike ? DeliveryNames.OPERATOR : "true")
        .endMetadata();
    if (lookalike) {
      s.editMetadata().addToLabels(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED)
            .addToAnnotations(DeliveryNames.ACTIVATION_UID, "u" + i).endMetadata();
    }
    return s.addToData(lookalike ? "clientSecret" : "apiKey", b64("x".repeat((1 << 20) - 4096))).build();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  ConfigMap feeRecord(String name) {
    return client().configMaps().inNamespace(OPERATOR_NAMESPACE).withName(name).get();
  }

  @Test
  void aTenantCannotReachItsBillingRecordAndOneEditedOrDeletedIsRepaired() {
    AppListing l = listing(io.appconnector.operator.Fixtures.billable(vendorListing("ledger", vendor, "invoices.read")));
    Activation victim = activate(otherAdmin, otherTenant, "ledger", l);
    Activation a = activate(tenantAdmin, tenant, "ledger", l);
    String name = a.getStatus().billing.record;
    String victimRecord = victim.getStatus().billing.record;
    ConfigMap record = Await.until("the record", () -> feeRecord(name), Objects::nonNull);
    String victimVersion = Await.until("the other record", () -> feeRecord(victimRecord), Objects::nonNull)
        .getMetadata().getResourceVersion();
    assertEquals(FeeRecords.STATE_PENDING, record.getData().get("state"));
    assertEquals(List.of(name), client().configMaps().inNamespace(OPERATOR_NAMESPACE)
        .withLabel(DeliveryNames.ROLE, DeliveryNames.ROLE_FEE_RECORD).withLabel(DeliveryNames.TENANT, tenant).list()
        .getItems().stream().map(c -> c.getMetadata().getName()).toList(), "listed per tenant by label");

    // The tenant's own attempts are refused: the record is not in its namespace.
    assertThrows(KubernetesClientException.class, () -> tenantAdmin.configMaps().inNamespace(OPERATOR_NAMESPACE)
        .withName(name).edit(c -> new ConfigMapBuilder(c).addToData("state", FeeRecords.STATE_CANCELLED).build()));
    assertThrows(KubernetesClientException.class, () -> tenantAdmin.configMaps().inNamespace(OPERATOR_NAMESPACE)
        .withName(name).delete());

    // Anyone who can write there (a careless administrator) gets it repaired.
    client().configMaps().inNamespace(OPERATOR_NAMESPACE).withName(name)
        .edit(c -> new ConfigMapBuilder(c).addToData("state", FeeRecords.STATE_CANCELLED).build());
    Await.until("repaired", () -> feeRecord(name), c -> FeeRecords.STATE_PENDING.equals(c.getData().get("state")));
    client().configMaps().inNamespace(OPERATOR_NAMESPACE).withName(name).delete();
    Await.until("written again", () -> feeRecord(name),
        c -> c != null && FeeRecords.STATE_PENDING.equals(c.getData().get("state")));
    assertEquals(ActivationStatus.BillingState.FeeChangePending, get(tenant, "ledger").getStatus().billing.state);
    assertEquals(victimVersion, feeRecord(victimRecord).getMetadata().getResourceVersion(), "the other is untouched");
  }

  @Test
  void aFeeRecordKeptInTheTenantsNamespaceBeforeIsCarriedOver() {
    AppListing l = listing(io.appconnector.operator.Fixtures.billable(vendorListing("ledger", vendor, "invoices.read")));
    Activation a = activate(tenantAdmin, tenant, "ledger", l);
    String name = Await.until("the record", () -> get(tenant, "ledger").getStatus().billing.record,
        n -> n != null && feeRecord(n) != null);
    stopOperator();
    // What an earlier version left: the record in the tenant's namespace, which the tenant then edited.
    String old = "fee-change-ledger-" + a.getMetadata().getUid().substring(0, 8);
    tenantAdmin.resource(new ConfigMapBuilder().withNewMetadata().withNamespace(tenant).withName(old)
        .addToLabels(DeliveryNames.ROLE, DeliveryNames.ROLE_FEE_RECORD).endMetadata()
        .addToData("state", FeeRecords.STATE_CANCELLED).build()).create();
    client().configMaps().inNamespace(OPERATOR_NAMESPACE).withName(name).delete();
    client().resources(Activation.class).inNamespace(tenant).withName("ledger").editStatus(x -> {
      x.getStatus().billing.record = old;
      return x;
    });
    startOperator();
    Activation carried = Await.until("carried over", () -> get(tenant, "ledger"),
        x -> name.equals(x.getStatus().billing.record) && feeRecord(name) != null);
    assertEquals(FeeRecords.STATE_PENDING, feeRecord(name).getData().get("state"), "from status, not the tenant's edit");
    assertEquals(a.getStatus().billing.effectiveFrom, feeRecord(name).getData().get("effectiveFrom"));
    assertEquals(ActivationStatus.BillingState.FeeChangePending, carried.getStatus().billing.state);
  }
}
