package io.appconnector.operator.reconciler;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.dependent.EventRecorder;
import io.appconnector.operator.dependent.OwnWrites;
import io.appconnector.operator.dependent.PlanExecutor;
import io.appconnector.operator.dependent.VendorNotifications;
import io.appconnector.operator.logic.ActivationPlan;
import io.appconnector.operator.logic.ActivationPlanner;
import io.appconnector.operator.logic.ApiPods;
import io.appconnector.operator.logic.CredentialAction;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.logic.DueDeadline;
import io.appconnector.operator.logic.PlanEvent;
import io.appconnector.operator.logic.SecretRotation;
import io.appconnector.operator.logic.VendorNotice;
import io.appconnector.operator.logic.VendorSecret;
import io.appconnector.operator.observability.ProductMetrics;
import io.appconnector.operator.values.Conditions;
import io.appconnector.operator.values.NamespacedName;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles an Activation: reads the listing, the tenant's Secrets and the delivered Secret from
 * informer caches, asks {@link ActivationPlanner} what should be, lets {@link PlanExecutor} write
 * it, and schedules the next look for the earliest deadline (credential expiry, fee change).
 *
 * <p>The reconciler keeps its finalizer itself (the controller runs with
 * {@code triggerReconcilerOnAllEvents}): it adds it in the same pass that issues credentials, and on
 * deletion revokes everything before removing it. Watch events of its own writes are filtered
 * ({@link OwnWrites}), so issuing credentials takes one reconcile.
 */
public class ActivationReconciler implements Reconciler<Activation> {
  /** The finalizer that holds a deleted Activation until its credentials are revoked everywhere. */
  public static final String FINALIZER = "activations.appconnector.io/finalizer";

  private static final Logger log = LoggerFactory.getLogger(ActivationReconciler.class);

  private final java.util.Map<String, java.util.concurrent.locks.Lock> singleTenantLocks =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Clock clock;
  private final PlanExecutor executor;
  private final EventRecorder events;
  private final ApiPods apiPods;
  private final OwnWrites ownWrites;
  private ActivationSources sources;

  private final ProductMetrics metrics;

  private final Duration defaultLifetime;
  private final ListingReports reports;
  private VendorNotifications notifications;

  /** {@code reports} receives, per listing, which activations are Active or blocked. */
  public ActivationReconciler(Clock clock, PlanExecutor executor, EventRecorder events,
      ApiPods apiPods, Duration defaultLifetime, ProductMetrics metrics, OwnWrites ownWrites, ListingReports reports) {
    this.reports = reports;
    this.ownWrites = ownWrites;
    this.defaultLifetime = defaultLifetime;
    this.metrics = metrics;
    this.apiPods = apiPods;
    this.clock = clock;
    this.executor = executor;
    this.events = events;
  }

  @Override
  public List<EventSource<?, Activation>> prepareEventSources(EventSourceContext<Activation> context) {
    sources = new ActivationSources(context, ownWrites, executor.feeRecordNamespace());
    var primaries = context.getPrimaryCache();
    reports.knowActivations(listing -> primaries.byIndex(ActivationSources.BY_LISTING, listing).stream()
        .map(ResourceID::fromResource).collect(java.util.stream.Collectors.toSet()));
    // Started by JOSDK once the activations' own informer has listed: from then on the cache knows
    // every activation, so a listing whose activations have all reported is complete.
    SimpleInboundEventSource<Activation> listed = new SimpleInboundEventSource<>("activations-listed") {
      @Override
      public void start() {
        super.start();
        reports.listed();
      }
    };
    List<EventSource<?, Activation>> all = new java.util.ArrayList<>(sources.all());
    all.add(listed);
    return all;
  }

  @Override
  public UpdateControl<Activation> reconcile(Activation activation, Context<Activation> context) {
    if (context.isPrimaryResourceDeleted()) {
      forget(activation);
      return UpdateControl.noUpdate();
    }
    if (activation.isMarkedForDeletion()) {
      if (activation.hasFinalizer(FINALIZER)) {
        cleanup(activation, context);
        PrimaryUpdateAndCacheUtils.removeFinalizer(context.getClient(), activation, FINALIZER);
      }
      return UpdateControl.noUpdate();
    }
    if (!activation.hasFinalizer(FINALIZER)) {
      // Before anything is delivered, so nothing outlives a deletion; its watch event is our own.
      Activation intended = Serialization.clone(activation);
      intended.addFinalizer(FINALIZER);
      Activation current = activation;
      Activation withFinalizer = ownWrites.write(intended,
          () -> PrimaryUpdateAndCacheUtils.addFinalizer(context.getClient(), current, FINALIZER));
      context.eventSourceRetriever().getControllerEventSource()
          .handleRecentResourceUpdate(ResourceID.fromResource(activation), withFinalizer, activation);
      activation = withFinalizer;
    }
    AppListing held = sources.listing(activation);
    if (held == null || held.getSpec().installation != AppListingSpec.Installation.SingleTenant) {
      return decideAndWrite(activation, context);
    }
    // Activations of one SingleTenant listing decide one at a time, and one about to be issued
    // decides again on a fresh list of its peers: two tenants racing never both hold the listing.
    java.util.concurrent.locks.Lock lock = singleTenantLocks.computeIfAbsent(held.getMetadata().getName(),
        k -> new java.util.concurrent.locks.ReentrantLock());
    lock.lock();
    try {
      return decideAndWrite(activation, context);
    } finally {
      lock.unlock();
    }
  }

  private UpdateControl<Activation> decideAndWrite(Activation activation, Context<Activation> context) {
    Instant now = clock.instant();
    AppListing listing = sources.listing(activation);
    Collection<Activation> peers = sources.peers(context, activation);
    if (listing != null && listing.getSpec().installation == AppListingSpec.Installation.SingleTenant) {
      ActivationPlan cached = plan(activation, listing, peers, sources.vendorSecret(activation),
          sources.delivered(activation, listing), sources.namespace(activation), now);
      if (cached.action() == CredentialAction.ISSUE_NEW_CLIENT || cached.action() == CredentialAction.ISSUE_SAME_CLIENT) {
        String name = listing.getMetadata().getName();
        peers = context.getClient().resources(Activation.class).inAnyNamespace().list().getItems().stream()
            .filter(a -> name.equals(a.getSpec().listing)).toList();
      }
    }
    VendorSecret vendorSecret = sources.vendorSecret(activation);
    DeliveredCredentials delivered = sources.delivered(activation, listing);
    Namespace tenant = sources.namespace(activation);
    ActivationPlan plan = plan(activation, listing, peers, vendorSecret, delivered, tenant, now);
    SecretRotation.Decision rotation = SecretRotation.decide(activation, listing == null ? null : listing.getSpec(),
        plan, delivered, now);
    if (plan.revokesOrReplaces() || rotation.step() != SecretRotation.Step.NONE) {
      // Caches can lag behind a first use recorded a moment ago or a Secret just replaced: decide
      // anything that revokes or replaces credentials again on fresh reads.
      Activation fresh = context.getClient().resource(activation).get();
      if (fresh == null) {
        return UpdateControl.noUpdate();
      }
      activation = fresh;
      delivered = sources.freshDelivered(activation, listing);
      plan = plan(activation, listing, peers, vendorSecret, delivered, tenant, now);
      rotation = SecretRotation.decide(activation, listing == null ? null : listing.getSpec(), plan, delivered, now);
    }
    if (plan.startsBilling(activation.getStatus())) {
      // Whether the tenant's plan includes the activation is decided for good: on a fresh read of
      // its Namespace, not a cache that may lag behind a label set a moment ago.
      tenant = context.getClient().namespaces().withName(activation.getMetadata().getNamespace()).get();
      plan = plan(activation, listing, peers, vendorSecret, delivered, tenant, now);
    }
    // The fence goes up before credentials are delivered, and comes down once they are not needed.
    executor.fence(activation, plan.networkPolicy(), sources.policy(activation));
    PlanExecutor.Outcome outcome = executor.execute(activation, plan, delivered,
        sources.feeRecord(activation, executor.feeRecordNamespace()), now,
        listing == null ? null : listing.getSpec().secretTemplate, rotation);
    boolean changed;
    if (outcome.deliverAfterStatus() != null) {
      // The record first, so no Secret exists that its record does not vouch for; the phase and
      // conditions only once the Secret is delivered, so Ready never runs ahead of delivery.
      Activation recorded = writeStatus(activation, outcome.intent(activation.getStatus()), context);
      executor.deliver(outcome.deliverAfterStatus());
      changed = writeStatus(recorded, outcome.status(), context) != recorded || recorded != activation;
    } else {
      changed = writeStatusIfChanged(activation, outcome.status(), context);
    }
    if (outcome.deleteAfterStatus() != null) {
      executor.delete(activation, outcome.deleteAfterStatus());
      if (plan.action() == CredentialAction.WITHDRAW || plan.action() == CredentialAction.EXPIRE) {
        tellVendor(activation, outcome.deleteAfterStatus(), plan);
      }
    }
    if (rotation.step() != SecretRotation.Step.NONE) {
      announceRotation(activation, outcome.status(), rotation);
      notifyVendor(listing, activation, VendorNotice.forReason(rotation.event().reason()), outcome.status(), rotation.why(), now);
    } else if (changed || plan.action() == CredentialAction.REPAIR) {
      announce(activation, plan);
      notifyVendor(listing, activation, noticeType(activation, plan), outcome.status(), plan.message(), now);
      count(plan);
    }
    reports.report(activation.getSpec().listing, ResourceID.fromResource(activation),
        plan.phase() == ActivationStatus.Phase.Active, null);
    metrics.observed(ResourceID.fromResource(activation), plan.phase(),
        plan.phase() == ActivationStatus.Phase.Active ? plan.requeueAt() : null);
    Instant next = plan.nextLook();
    if (rotation.nextLook() != null && (next == null || rotation.nextLook().isBefore(next))) {
      next = rotation.nextLook();
    }
    if (next == null) {
      return UpdateControl.noUpdate();
    }
    // A little past the deadline, so the next reconcile sees it as due; counted from now, when the
    // reconcile ends and JOSDK starts the timer, not from its start (issuing takes several writes).
    return UpdateControl.<Activation>noUpdate()
        .rescheduleAfter(Math.max(1, Duration.between(clock.instant(), next).plusMillis(1).toMillis()));
  }

  /**
   * The deadline of {@code activation} that has come, as its cached status and listing say, or null:
   * what {@link DeadlinesFirstExecutor} ranks its reconcile by. Called as JOSDK submits a reconcile.
   */
  public Instant dueDeadline(Activation activation) {
    ActivationSources ready = sources;
    AppListing listing = ready == null ? null : ready.listing(activation);
    return DueDeadline.of(activation, listing == null ? null : listing.getSpec(), clock.instant());
  }

  /** Revokes everything the activation was given, in every namespace; its finalizer is removed after. */
  private void cleanup(Activation activation, Context<Activation> context) {
    Instant now = clock.instant();
    for (DeliveredCredentials delivered : sources.everyDelivered(activation, sources.listing(activation))) {
      executor.delete(activation, delivered);
      metrics.revoked();
    }
    executor.cancelPendingFees(activation, sources.feeRecord(activation, executor.feeRecordNamespace()), now);
    executor.fence(activation, null, sources.policy(activation));
    events.normal(activation, "Deactivated", "Deactivated: delivered credentials revoked in every namespace.");
    notifyVendor(sources.listing(activation), activation, VendorNotice.Type.REVOKED, activation.getStatus(),
        "the tenant deactivated the listing", now);
    sources.wakePeers(context, activation);
    forget(activation);
    log.info("deactivated {}/{}", activation.getMetadata().getNamespace(), activation.getMetadata().getName());
  }

  /** Drops what the operator keeps in memory about an activation that is going or gone. */
  private void forget(Activation activation) {
    ResourceID id = ResourceID.fromResource(activation);
    reports.forget(activation.getSpec().listing, id);
    metrics.removed(id);
  }

  @Override
  public ErrorStatusUpdateControl<Activation> updateErrorStatus(Activation activation, Context<Activation> context,
      Exception failure) {
    Failures.Report report = Failures.report(activation, failure);
    log.warn("reconcile of {}/{} failed: {}", activation.getMetadata().getNamespace(),
        activation.getMetadata().getName(), report.detail());
    AppListing listing = sources == null ? null : sources.listing(activation);
    reports.report(activation.getSpec().listing, ResourceID.fromResource(activation), false,
        report.forPlatform() ? report.reason() : null);
    if (listing != null && report.forPlatform()) {
      events.warning(listing, report.reason(), activation.getMetadata().getNamespace() + "/"
          + activation.getMetadata().getName() + ": " + report.detail());
    }
    // The activation given here is the one the reconcile started from; status may have been written
    // since. Read it again and retry on a conflict, so the failure is reported on this reconcile.
    for (int attempt = 0; attempt < 3; attempt++) {
      Activation fresh = attempt == 0 ? activation : context.getClient().resource(activation).get();
      if (fresh == null) {
        break;
      }
      ActivationStatus updated = Failures.status(fresh, report, clock.instant());
      if (updated == null) {
        break;
      }
      try {
        writeStatusIfChanged(fresh, updated, context);
        break;
      } catch (RuntimeException writeFailed) {
        log.debug("reporting the failure on {}/{}: {}", activation.getMetadata().getNamespace(),
            activation.getMetadata().getName(), writeFailed.toString());
      }
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** The vendor learns, in its own namespace, that a delivered Secret was withdrawn, and why. */
  private void tellVendor(Activation activation, DeliveredCredentials withdrawn, ActivationPlan plan) {
    io.fabric8.kubernetes.api.model.Secret regarding = new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withNamespace(withdrawn.namespace()).withName(withdrawn.name())
        .endMetadata().build();
    String why = plan.action() == CredentialAction.EXPIRE ? "they were not used in time"
        : plan.phase() == ActivationStatus.Phase.Suspended ? "the tenant suspended the activation"
        : "the listing is no longer available to the tenant";
    events.normal(regarding, PlanEvent.CredentialsWithdrawn.reason(), "Credentials of tenant '" + activation.getMetadata().getNamespace()
        + "' for listing '" + activation.getSpec().listing + "' were withdrawn: " + why + ".");
  }

  /**
   * Writes status with optimistic locking (a PUT carrying the resourceVersion), so a concurrent
   * write such as a recorded first use is never overwritten: a conflict fails this reconcile and
   * the retry decides again on fresh data.
   */
  private boolean writeStatusIfChanged(Activation activation, ActivationStatus status, Context<Activation> context) {
    return writeStatus(activation, status, context) != activation;
  }

  /** Like {@link #writeStatusIfChanged}; returns the activation as written, or the given one if nothing changed. */
  private Activation writeStatus(Activation activation, ActivationStatus status, Context<Activation> context) {
    if (Serialization.jsonMapper().valueToTree(status).equals(
        Serialization.jsonMapper().valueToTree(activation.getStatus()))) {
      return activation;
    }
    return PrimaryUpdateAndCacheUtils.updateAndCacheResource(activation, context, a -> {
      Activation copy = new Activation();
      copy.setMetadata(Serialization.clone(a.getMetadata()));
      copy.setSpec(a.getSpec());
      copy.setStatus(status);
      return copy;
    }, a -> ownWrites.write(a, () -> context.getClient().resource(a).updateStatus()), 0, 0, 0);
  }

  /** One Event and one log line per rotation step, on the Activation and on the vendor's Secret. */
  private void announceRotation(Activation activation, ActivationStatus status, SecretRotation.Decision rotation) {
    ActivationStatus.Credential record = status.credential;
    String message = rotation.step() == SecretRotation.Step.RETIRE
        ? "The previous secret of client ID " + record.clientId + " was retired (" + rotation.why()
            + "); only the current one is accepted, and previousClientSecret is gone from the delivered Secret."
        : "A new secret for client ID " + record.clientId + " was delivered as clientSecret (" + rotation.why()
            + "); the previous one, now previousClientSecret, is accepted until " + record.previousSecret.retiresAt
            + " or the new secret's first use, whichever comes first.";
    log.info("activation {}/{}: {}", activation.getMetadata().getNamespace(), activation.getMetadata().getName(),
        rotation.event());
    events.normal(activation, rotation.event().reason(), message);
    NamespacedName where = NamespacedName.parse(record.deliveredTo);
    if (where != null) {
      events.normal(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
          .withNamespace(where.namespace()).withName(where.name()).endMetadata().build(), rotation.event().reason(),
          "Tenant '"
          + activation.getMetadata().getNamespace() + "', listing '" + activation.getSpec().listing + "': " + message);
    }
  }

  /** Sends the vendor of notifications to be told (set once, before the operator starts). */
  public ActivationReconciler withNotifications(VendorNotifications notifications) {
    this.notifications = notifications;
    return this;
  }

  /** What the vendor is told of a plan carried out: an action's event, or consent given again. */
  static VendorNotice.Type noticeType(Activation activation, ActivationPlan plan) {
    ActivationStatus.Phase before = activation.getStatus() == null ? null : activation.getStatus().phase;
    if (plan.acts()) {
      return VendorNotice.forReason(plan.event().reason());
    }
    return before == ActivationStatus.Phase.AwaitingConsent && plan.phase() == ActivationStatus.Phase.Active
        ? VendorNotice.Type.CONSENT_RENEWED : null;
  }

  /** Queues a notice for the listing's webhook; never waits for the vendor. */
  private void notifyVendor(AppListing listing, Activation activation, VendorNotice.Type type, ActivationStatus status,
      String detail, Instant now) {
    if (notifications == null || type == null || listing == null) {
      return;
    }
    ActivationStatus.Credential record = status == null ? null : status.credential;
    java.time.Instant retiresAt = record == null || record.previousSecret == null ? null
        : io.appconnector.operator.values.Times.parse(record.previousSecret.retiresAt);
    notifications.send(listing, new VendorNotice(type, activation.getMetadata().getNamespace(),
        activation.getMetadata().getName(), activation.getMetadata().getUid(), activation.getSpec().listing,
        record == null ? null : record.clientId,
        record == null || record.deliveredTo == null ? new NamespacedName(listing.getSpec().vendor.namespace,
            io.appconnector.operator.values.DeliveryNames.secretName(activation)).toString() : record.deliveredTo,
        now, detail, type == VendorNotice.Type.ROTATED ? retiresAt : null));
  }

  private void announce(Activation activation, ActivationPlan plan) {
    ActivationStatus.Phase before = activation.getStatus() == null ? null : activation.getStatus().phase;
    boolean acted = plan.acts();
    if (!acted && before == plan.phase()) {
      return;
    }
    Condition ready = Conditions.find(plan.conditions(), Conditions.READY);
    String reason = acted ? plan.event().reason() : ready.getReason();
    // One line per transition, as the Event says it.
    log.info("activation {}/{}: {} -> {} ({})", activation.getMetadata().getNamespace(),
        activation.getMetadata().getName(), before == null ? "new" : before, plan.phase(), reason);
    if (plan.phase() == ActivationStatus.Phase.Active || plan.phase() == ActivationStatus.Phase.Suspended) {
      events.normal(activation, reason, plan.message());
    } else {
      events.warning(activation, reason, plan.message());
    }
  }

  private ActivationPlan plan(Activation activation, AppListing listing, Collection<Activation> peers,
      VendorSecret vendorSecret, DeliveredCredentials delivered, Namespace tenant, Instant now) {
    return ActivationPlanner.plan(new ActivationPlanner.Observed(activation, listing, peers, vendorSecret, delivered,
        now, tenant, sources.trustedNetworks(activation), sources.tenantPolicies(activation),
        apiPods, defaultLifetime, executor.tokenUrl()));
  }

  private void count(ActivationPlan plan) {
    switch (plan.action()) {
      case ISSUE_NEW_CLIENT, ISSUE_SAME_CLIENT -> metrics.issued();
      case EXPIRE -> metrics.expired();
      case WITHDRAW -> metrics.revoked();
      default -> {
      }
    }
  }
}
