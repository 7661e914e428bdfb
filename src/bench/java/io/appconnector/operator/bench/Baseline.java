package io.appconnector.operator.bench;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.credentials.ClientCredentials;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.dependent.DeliveredSecrets;
import io.appconnector.operator.dependent.EventRecorder;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.Conditions;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's limit: a plain Fabric8 client that makes, for each activation it is told of by a
 * watch, the API writes the operator makes when it issues credentials (finalizer patch on the
 * Activation, delivered Secret create in the vendor namespace, status PUT with the resourceVersion,
 * one Event create), on a pool as large as JOSDK's reconcile pool. No caches of Secrets, no
 * planning, no second look.
 */
final class Baseline implements AutoCloseable {
  static final String LABEL = "bench.appconnector.io/baseline";
  static final String FINALIZER = "bench.appconnector.io/baseline";

  private final KubernetesClient client;
  private final ExecutorService pool;
  private final CredentialGenerator generator = new CredentialGenerator();
  private final DeliveredSecrets secrets;
  private final EventRecorder events;
  private final String vendorNamespace;
  final AtomicLong failures = new AtomicLong();
  private SharedIndexInformer<Activation> informer;

  Baseline(KubernetesClient client, int threads, String vendorNamespace) {
    this.client = client;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "bench-baseline");
      t.setDaemon(true);
      return t;
    });
    this.secrets = new DeliveredSecrets(client);
    this.events = new EventRecorder(client, Clock.systemUTC(), "bench-baseline");
    this.vendorNamespace = vendorNamespace;
  }

  /** Starts watching activations labelled for the baseline; each new one is issued on the pool. */
  void start() {
    informer = client.resources(Activation.class).inAnyNamespace().withLabel(LABEL, "true")
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Activation a) {
            pool.submit(() -> issue(a));
          }

          @Override
          public void onUpdate(Activation before, Activation after) {
          }

          @Override
          public void onDelete(Activation a, boolean unknownFinalState) {
          }
        }, 0);
  }

  private void issue(Activation a) {
    try {
      Instant now = Instant.now();
      // 1. finalizer (a JSON patch, as JOSDK writes it without server-side apply)
      Activation withFinalizer = client.resource(a).edit(x -> {
        x.getMetadata().getFinalizers().add(FINALIZER);
        return x;
      });
      // 2. the delivered Secret, exactly as the operator writes it
      ClientCredentials credentials = generator.generate();
      Instant expiresAt = now.plus(Duration.ofHours(48));
      ActivationStatus.Credential said = new ActivationStatus.Credential();
      said.clientId = credentials.clientId();
      said.revision = 0L;
      said.grantedScopes = List.of("invoices.read");
      said.issuedAt = Times.formatPrecise(now);
      said.expiresAt = Times.formatPrecise(expiresAt);
      DeliveredCredentials delivered = secrets.deliver(withFinalizer.getMetadata().getUid(), DeliveredSecrets.build(
          vendorNamespace, io.appconnector.operator.values.DeliveryNames.secretName(withFinalizer),
          io.appconnector.operator.logic.DeliveredContent.expected(withFinalizer, said,
              "http://127.0.0.1:8080/oauth2/token"), credentials.clientSecret()));
      // 3. status, a PUT carrying the resourceVersion
      Activation copy = new Activation();
      copy.setMetadata(withFinalizer.getMetadata());
      copy.setSpec(withFinalizer.getSpec());
      copy.setStatus(status(withFinalizer, delivered, now));
      client.resource(copy).updateStatus();
      // 4. one Event
      events.normal(withFinalizer, "CredentialsIssued", "Credentials issued and delivered to " + delivered.location()
          + "; they expire unused at " + Times.format(expiresAt) + ".");
    } catch (RuntimeException e) {
      failures.incrementAndGet();
    }
  }

  /** A status of the size and shape the operator writes for an issued Vendor-built activation. */
  static ActivationStatus status(Activation a, DeliveredCredentials d, Instant now) {
    ActivationStatus s = new ActivationStatus();
    s.phase = ActivationStatus.Phase.Active;
    s.message = "Credentials delivered to " + d.location() + "; unused credentials expire at "
        + Times.format(d.expiresAt()) + ".";
    s.observedGeneration = a.getMetadata().getGeneration();
    s.conditions = Conditions.merge(List.of(), List.of(
        Conditions.of(Conditions.READY, true, "CredentialsDelivered", s.message),
        Conditions.of(Conditions.LISTING_AVAILABLE, true, "Approved", "The listing is approved and visible to this tenant."),
        Conditions.of(Conditions.CONSENT_GIVEN, true, "ConsentCurrent",
            "Consent covers the fee change and every data scope the listing requests."),
        Conditions.of(Conditions.CREDENTIALS_ISSUED, true, "Issued", "Credentials issued for revision 0.")),
        a.getMetadata().getGeneration() == null ? 0 : a.getMetadata().getGeneration(), now);
    ActivationStatus.Credential c = new ActivationStatus.Credential();
    c.clientId = d.clientId();
    c.verifier = SecretVerifier.create(d.clientSecret());
    c.revision = d.revision();
    c.grantedScopes = new ArrayList<>(d.scopes());
    c.deliveredTo = d.location();
    c.issuedAt = Times.formatPrecise(d.issuedAt());
    c.expiresAt = Times.formatPrecise(d.expiresAt());
    s.credential = c;
    s.billing = new ActivationStatus.Billing();
    s.billing.state = ActivationStatus.BillingState.NotBillable;
    return s;
  }

  /** Removes what the baseline wrote, so the operator starts on the same cluster as it would have. */
  void cleanUp(List<Activation> created, Duration timeout) throws InterruptedException {
    if (informer != null) {
      informer.close();
    }
    for (Activation a : created) {
      pool.submit(() -> {
        try {
          var resource = client.resources(Activation.class).inNamespace(a.getMetadata().getNamespace())
              .withName(a.getMetadata().getName());
          Activation current = resource.get();
          if (current != null) {
            if (current.getMetadata().getFinalizers().contains(FINALIZER)) {
              resource.edit(x -> {
                x.getMetadata().getFinalizers().remove(FINALIZER);
                return x;
              });
            }
            resource.delete();
          }
        } catch (RuntimeException e) {
          failures.incrementAndGet();
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    client.secrets().inNamespace(vendorNamespace).withLabel("appconnector.io/tenant").delete();
    PhaseWatch.await(() -> client.resources(Activation.class).inAnyNamespace().withLabel(LABEL, "true").list()
        .getItems().isEmpty() && client.secrets().inNamespace(vendorNamespace).list().getItems().isEmpty(), timeout);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    pool.shutdownNow();
  }
}
