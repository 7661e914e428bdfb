package io.appconnector.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.logic.ActivationPlan;
import io.appconnector.operator.logic.ActivationPlanner;
import io.appconnector.operator.logic.CredentialAction;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.support.TestClock;
import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writers' order, read from the requests the API server receives: the record is composed before
 * anything is written, a replacement exists before what it replaces goes, and what is not the
 * operator's is refused without a write.
 */
@EnableKubernetesMockClient(crud = true)
class WriteOrderMockServerTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static KubernetesClient client;
  static KubernetesMockServer server;

  final AppListing ledger = Fixtures.vendorListing("ledger", "vendor-ledger", "invoices.read");
  /** One activation per test: the tests share one API server. */
  final Activation acme = Fixtures.activation("tenant-acme", "ledger-" + java.util.UUID.randomUUID().toString()
      .substring(0, 8), "ledger", "invoices.read");
  final PlanExecutor executor = new PlanExecutor(client, new CredentialGenerator(),
      "https://tokens.example.test/oauth2/token", new OwnWrites(), "appconnector-system");

  @BeforeEach
  void forgetEarlierRequests() throws InterruptedException {
    requests();
  }

  /** The requests received since the last call, as "METHOD path" without the query. */
  static List<String> requests() throws InterruptedException {
    List<String> seen = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(50, TimeUnit.MILLISECONDS); r != null;
        r = server.takeRequest(50, TimeUnit.MILLISECONDS)) {
      seen.add(r.getMethod() + " " + r.getPath().split("\\?", 2)[0]);
    }
    return seen;
  }

  @Test
  void issuingComposesTheRecordWithoutAWriteAndDeliversTheSecretAfterwards() throws Exception {
    ActivationPlan plan = ActivationPlanner.plan(new ActivationPlanner.Observed(acme, ledger, List.of(acme), null,
        null, NOW));
    assertEquals(CredentialAction.ISSUE_NEW_CLIENT, plan.action());

    PlanExecutor.Outcome outcome = executor.execute(acme, plan, null, null, NOW);
    assertEquals(List.of(), requests(), "nothing is written before the record is");
    assertNotNull(outcome.status().credential.verifier);

    executor.deliver(outcome.deliverAfterStatus());
    assertEquals(List.of("POST /api/v1/namespaces/vendor-ledger/secrets"), requests());
  }

  @Test
  void aSecretMovedToItsNewNameIsWrittenThereBeforeTheOldOneIsDeleted() throws Exception {
    Secret old = delivered(DeliveryNames.legacySecretName(acme), acme.getMetadata().getUid());
    client.resource(old).create();
    DeliveredCredentials replacing = DeliveredCredentials.read(client.resource(old).get());
    Secret desired = delivered(DeliveryNames.secretName(acme), acme.getMetadata().getUid());
    requests();

    executor.deliver(new PlanExecutor.Delivery(acme.getMetadata().getUid(), desired, replacing));
    assertEquals(List.of("POST /api/v1/namespaces/vendor-ledger/secrets",
        "DELETE /api/v1/namespaces/vendor-ledger/secrets/" + old.getMetadata().getName()), requests());
  }

  @Test
  void aSecretAtTheNameThatIsNotThisActivationsIsRefusedAndLeftAlone() throws Exception {
    Secret foreign = delivered(DeliveryNames.secretName(acme), "someone-else");
    client.resource(foreign).create();
    requests();

    Secret desired = delivered(DeliveryNames.secretName(acme), acme.getMetadata().getUid());
    assertThrows(PlanExecutor.DeliveryConflictException.class,
        () -> executor.deliver(new PlanExecutor.Delivery(acme.getMetadata().getUid(), desired, null)));
    assertEquals(List.of("POST /api/v1/namespaces/vendor-ledger/secrets",
        "GET /api/v1/namespaces/vendor-ledger/secrets/" + foreign.getMetadata().getName()), requests());
  }

  @Test
  void aNetworkPolicyThatIsNotTheOperatorsIsRefusedWithoutAWrite() throws Exception {
    NetworkPolicy foreign = new NetworkPolicyBuilder().withNewMetadata().withNamespace("tenant-acme")
        .withName("appconnector-ledger-trusted").endMetadata().withNewSpec().withNewPodSelector().endPodSelector()
        .endSpec().build();
    client.resource(foreign).create();
    requests();

    NetworkPolicy desired = new NetworkPolicyBuilder(foreign).editMetadata()
        .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR).endMetadata().build();
    assertThrows(PlanExecutor.DeliveryConflictException.class, () -> executor.fence(acme, desired, null));
    assertEquals(List.of("POST /apis/networking.k8s.io/v1/namespaces/tenant-acme/networkpolicies",
        "GET /apis/networking.k8s.io/v1/namespaces/tenant-acme/networkpolicies/appconnector-ledger-trusted"),
        requests());
  }

  @Test
  void aFeeRecordIsCreatedOnceRewrittenWhenEditedAndOtherwiseNotWritten() throws Exception {
    FeeRecords records = new FeeRecords(client, "appconnector-system");
    String name = records.ensure(acme, null, FeeRecords.STATE_PENDING, "2026-12-01T00:00:00Z", NOW);
    String path = "/api/v1/namespaces/appconnector-system/configmaps";
    assertEquals(List.of("POST " + path), requests());

    ConfigMap stored = client.configMaps().inNamespace("appconnector-system").withName(name).get();
    requests();
    records.ensure(acme, stored, FeeRecords.STATE_PENDING, "2026-12-01T00:00:00Z", NOW.plusSeconds(60));
    assertEquals(List.of(), requests(), "a record that says what status says is left as it is");

    ConfigMap edited = new ConfigMapBuilder(stored).addToData("state", FeeRecords.STATE_CANCELLED).build();
    records.ensure(acme, edited, FeeRecords.STATE_PENDING, "2026-12-01T00:00:00Z", NOW.plusSeconds(120));
    assertEquals(List.of("PUT " + path + "/" + name), requests());
    assertEquals(FeeRecords.STATE_PENDING,
        client.configMaps().inNamespace("appconnector-system").withName(name).get().getData().get("state"));
  }

  @Test
  void anEventIsCreatedOnceAndARepeatIsOnePatchOfItsSeriesWithoutARead() throws Exception {
    TestClock clock = new TestClock();
    EventRecorder events = new EventRecorder(client, clock, "replica-a");
    String path = "/apis/events.k8s.io/v1/namespaces/tenant-acme/events";
    events.warning(acme, "ReconcileError", "The operator could not finish this activation and retries: timeout");
    List<String> first = requests();
    assertEquals(List.of("POST " + path), first);

    clock.jumpTo(clock.instant().plusSeconds(10));
    events.warning(acme, "ReconcileError", "The operator could not finish this activation and retries: timeout");
    List<String> repeat = requests();
    assertEquals(1, repeat.size(), repeat.toString());
    assertTrue(repeat.get(0).startsWith("PATCH " + path + "/" + acme.getMetadata().getName() + "."), repeat.toString());

    clock.jumpTo(clock.instant().plus(EventRecorder.SERIES_WINDOW));
    events.warning(acme, "ReconcileError", "The operator could not finish this activation and retries: timeout");
    assertEquals(List.of("POST " + path), requests(), "past the window the same note is a new Event");
  }

  @Test
  void aSeriesWhoseEventIsGoneStartsAgainWithANewEventAndNeverFailsTheCaller() throws Exception {
    TestClock clock = new TestClock();
    EventRecorder events = new EventRecorder(client, clock, "replica-a");
    String path = "/apis/events.k8s.io/v1/namespaces/tenant-acme/events";
    events.normal(acme, "CredentialsIssued", "Credentials issued.");
    requests();
    client.resources(io.fabric8.kubernetes.api.model.events.v1.Event.class).inNamespace("tenant-acme").list().getItems().stream()
        .filter(e -> acme.getMetadata().getName().equals(e.getRegarding().getName()))
        .forEach(e -> client.resource(e).delete());
    requests();

    events.normal(acme, "CredentialsIssued", "Credentials issued.");
    List<String> gone = requests();
    assertEquals(1, gone.size(), gone.toString());
    assertTrue(gone.get(0).startsWith("PATCH " + path + "/"), "the series is patched, and its 404 swallowed: " + gone);
    events.normal(acme, "CredentialsIssued", "Credentials issued.");
    assertEquals(List.of("POST " + path), requests(), "the next one starts a new Event");
  }

  @Test
  void anEventOnAListingIsWrittenToTheDefaultNamespace() throws Exception {
    new EventRecorder(client, new TestClock(), "replica-a").warning(ledger, "NotReady", "The listing is not ready.");
    assertEquals(List.of("POST /apis/events.k8s.io/v1/namespaces/default/events"), requests());
  }

  private static Secret delivered(String name, String activationUid) {
    return new SecretBuilder().withNewMetadata().withNamespace("vendor-ledger").withName(name)
        .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR)
        .addToLabels(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED)
        .addToAnnotations(DeliveryNames.ACTIVATION_UID, activationUid).endMetadata()
        .addToData("client_secret", "c2VjcmV0").build();
  }
}
