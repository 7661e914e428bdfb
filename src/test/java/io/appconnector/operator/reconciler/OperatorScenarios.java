package io.appconnector.operator.reconciler;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.billable;
import static io.appconnector.operator.Fixtures.platformListing;
import static io.appconnector.operator.Fixtures.vendorListing;
import static io.appconnector.operator.Fixtures.withLifetime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.BillingState;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.credentials.SecretVerifier;
import io.appconnector.operator.dependent.FeeRecords;
import io.appconnector.operator.logic.BillingCalendar;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.logic.VendorSecret;
import io.appconnector.operator.values.Times;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.Operators;
import io.appconnector.operator.support.ReconcileLog;
import io.appconnector.operator.support.Resources;
import io.appconnector.operator.support.TestClock;
import io.appconnector.operator.token.FirstUse;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Namespaces, the operator as production runs it, and helpers for end-to-end scenarios. */
abstract class OperatorScenarios {
  private static final AtomicInteger RUN = new AtomicInteger();
  /** The operator's own namespace (OPERATOR_NAMESPACE): its Lease, signing keys and fee-change records. */
  static final String OPERATOR_NAMESPACE = "default";

  protected abstract KubernetesClient client();

  /** The client the operator runs with; the tests' own reads and writes use {@link #client()}. */
  protected KubernetesClient operatorClient() {
    return client();
  }

  final TestClock clock = new TestClock();
  ReconcileLog reconciles;
  Operator operator;
  String tenant;
  String otherTenant;
  String vendor;
  String suffix;

  @BeforeEach
  void namespacesAndOperator() {
    suffix = getClass().getSimpleName().toLowerCase().replaceAll("[^a-z]", "").substring(0, 6) + RUN.incrementAndGet();
    tenant = "tenant-" + suffix;
    otherTenant = "other-" + suffix;
    vendor = "vendor-" + suffix;
    for (String ns : List.of(tenant, otherTenant, vendor)) {
      client().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    startOperator();
  }

  @AfterEach
  void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  void startOperator() {
    reconciles = new ReconcileLog(clock);
    OperatorSettings settings = new OperatorSettings("https://tokens.example.test/oauth2/token", java.util.Set.of(),
        OPERATOR_NAMESPACE, false, "test");
    operator = Operators.create(operatorClient(), settings, clock, reconciles.install());
    operator.start();
  }

  /** Reconciles of one activation that ran to their end since the operator last started. */
  int reconciles(Activation a) {
    return reconciles.finished(a);
  }

  /** When the last reconcile of one activation asked to look at it again; empty when it asked for no further look. */
  java.util.Optional<ReconcileLog.NextLook> nextLook(Activation a) {
    return reconciles.nextLook(a);
  }

  void restartOperator() {
    stopOperator();
    startOperator();
  }

  AppListing listing(AppListing listing) {
    return Resources.createListing(client(), listing, suffix);
  }

  Activation create(Activation activation) {
    return Resources.createActivation(client(), activation);
  }

  Activation get(String ns, String name) {
    return Resources.get(client(), ns, name);
  }

  Activation awaitPhase(String ns, String name, Phase phase) {
    return Resources.awaitPhase(client(), ns, name, phase);
  }

  List<Secret> delivered(String ns) {
    return client().secrets().inNamespace(ns).withLabel(DeliveryNames.ROLE, DeliveryNames.ROLE_DELIVERED).list().getItems();
  }

  DeliveredCredentials deliveredFor(Activation a) {
    Secret s = client().secrets().inNamespace(vendor).withName(DeliveryNames.secretName(a)).get();
    return DeliveredCredentials.read(s);
  }

  Activation edit(String ns, String name, java.util.function.Consumer<ActivationSpec> change) {
    return Resources.editSpec(client(), ns, name, change);
  }


  static String readyReason(Activation a) {
    return a.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow().getReason();
  }

  List<String> events(Activation a) {
    return client().events().v1().events().inNamespace(a.getMetadata().getNamespace()).list().getItems().stream()
        .filter(e -> a.getMetadata().getName().equals(e.getRegarding().getName())).map(e -> e.getReason()).toList();
  }
}
