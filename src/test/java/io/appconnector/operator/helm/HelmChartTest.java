package io.appconnector.operator.helm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Helm chart rendered with Helm's own library: what a `helm install` would create. */
class HelmChartTest {
  static final String NS = "appconnector-system";

  /**
   * The operator's permissions. Identical to templates/rbac.yaml on purpose: granting more is a
   * deliberate change here, and RbacLifecycleIT shows each of these in use by the operator.
   */
  static final List<String> CLUSTER_RULES = List.of(
      "appconnector.io activations get,list,watch,patch",  // informers; fresh read before expiry; finalizer (JSON patch)
      "appconnector.io activations/status update",          // status PUT with resourceVersion; first use
      "appconnector.io applistings/status patch",           // the listing's Ready condition
      "appconnector.io applistings,trustednetworks list,watch", // informers
      " secrets get,list,watch,create,update,delete",        // delivered, vendor-credential, signing-key Secrets
      " namespaces get,list,watch",                          // tenant annotations and labels
      "events.k8s.io events create",                         // Events on activations
      "networking.k8s.io networkpolicies get,list,watch,create,update,delete", // trusted-network fences
      "authorization.k8s.io selfsubjectrulesreviews create"); // leader election's check of its Lease access
  static final List<String> NAMESPACE_RULES = List.of(
      "coordination.k8s.io leases create",                   // the first replica creates the Lease
      // read and renew (patch) that one; update only because leader election checks for it at start
      "coordination.k8s.io leases[appconnector-operator-leader] get,update,patch",
      " configmaps list,watch,create,update");              // fee-change records, out of tenants' reach

  static String describe(PolicyRule r) {
    String names = r.getResourceNames() == null || r.getResourceNames().isEmpty() ? ""
        : "[" + String.join(",", r.getResourceNames()) + "]";
    return String.join(",", r.getApiGroups()) + " " + String.join(",", r.getResources()) + names + " "
        + String.join(",", r.getVerbs());
  }

  static Container operator(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static Map<String, EnvVar> env(Deployment d) {
    return operator(d).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void lintPassesStrictly() {
    LintResult lint = new Helm(Chart.PATH).lint().strict().call();
    assertFalse(lint.isFailed(), () -> String.join("\n", lint.getMessages()));
    assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]")),
        () -> String.join("\n", lint.getMessages()));
  }

  @Test
  void defaultsRunTwoLeaderElectingReplicasLockedDown() {
    List<HasMetadata> objects = Chart.render(NS, "");
    Deployment d = Chart.one(objects, Deployment.class);
    assertEquals(2, d.getSpec().getReplicas());
    Map<String, EnvVar> env = env(d);
    assertEquals("true", env.get("LEADER_ELECTION").getValue());
    assertEquals("metadata.namespace", env.get("OPERATOR_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
    assertFalse(env.containsKey("HOSTNAME"), "the pod's name is the replica's identity");
    assertEquals("", env.get("WATCH_NAMESPACES").getValue());
    assertEquals("http://appconnector-operator.appconnector-system.svc:8080/oauth2/token", env.get("TOKEN_URL").getValue());
    assertEquals("http://appconnector-operator.appconnector-system.svc:8080", env.get("TOKEN_ISSUER").getValue());
    assertEquals("app.kubernetes.io/component=api", env.get("API_POD_SELECTOR").getValue());
    assertEquals("8443", env.get("API_PORTS").getValue());
    assertEquals("720h", env.get("SIGNING_KEY_ROTATION").getValue());
    assertEquals("8081", env.get("METRICS_PORT").getValue());
    assertEquals("48h", env.get("DEFAULT_UNUSED_CREDENTIAL_LIFETIME").getValue());
    assertEquals("1h", env.get("DEFAULT_ACCESS_TOKEN_LIFETIME").getValue());

    Container c = operator(d);
    assertEquals(Map.of("token", 8080, "metrics", 8081), c.getPorts().stream()
        .collect(Collectors.toMap(p -> p.getName(), p -> p.getContainerPort())));
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/healthz", c.getStartupProbe().getHttpGet().getPath());
    for (var probe : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
      assertEquals("metrics", probe.getHttpGet().getPort().getStrVal());
    }
    assertEquals(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")), c.getResources().getRequests());
    assertEquals(Map.of("cpu", new Quantity("1"), "memory", new Quantity("512Mi")), c.getResources().getLimits());

    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertEquals(65532L, pod.getSecurityContext().getRunAsUser());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    var sc = c.getSecurityContext();
    assertTrue(sc.getRunAsNonRoot());
    assertEquals(65532L, sc.getRunAsUser());
    assertTrue(sc.getReadOnlyRootFilesystem());
    assertFalse(sc.getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
    assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty(), "nothing added");
    assertNull(sc.getPrivileged());
    assertEquals("RuntimeDefault", sc.getSeccompProfile().getType());
    assertEquals("/tmp", c.getVolumeMounts().get(0).getMountPath());
    assertTrue(pod.getVolumes().get(0).getEmptyDir() != null, "/tmp is an emptyDir");
    assertEquals(Chart.one(objects, ServiceAccount.class).getMetadata().getName(), pod.getServiceAccountName());

    Service s = Chart.one(objects, Service.class);
    assertEquals(Map.of("token", 8080, "metrics", 8081), s.getSpec().getPorts().stream()
        .collect(Collectors.toMap(p -> p.getName(), p -> p.getPort())));
    assertEquals(d.getSpec().getSelector().getMatchLabels(), s.getSpec().getSelector());
    PodDisruptionBudget pdb = Chart.one(objects, PodDisruptionBudget.class);
    assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal());
    assertEquals(d.getSpec().getSelector(), pdb.getSpec().getSelector());
    assertTrue(Chart.ofKind(objects, "ServiceMonitor").isEmpty(), "no ServiceMonitor unless asked for");
    assertTrue(Chart.all(objects, ConfigMap.class).isEmpty(), "no dashboard unless asked for");
  }

  @Test
  void rbacGrantsExactlyTheDocumentedRulesToTheOperatorsServiceAccount() {
    ChartRbac rbac = ChartRbac.render(NS);
    assertEquals(CLUSTER_RULES, rbac.clusterRules().stream().map(HelmChartTest::describe).toList());
    assertEquals(NAMESPACE_RULES, rbac.namespaceRules().stream().map(HelmChartTest::describe).toList());
    List<HasMetadata> objects = Chart.render(NS, "");
    var subject = Chart.one(objects, ClusterRoleBinding.class).getSubjects().get(0);
    assertEquals(List.of("ServiceAccount", "appconnector-operator", NS),
        List.of(subject.getKind(), subject.getName(), subject.getNamespace()));
    assertEquals(subject, Chart.one(objects, RoleBinding.class).getSubjects().get(0));
    assertEquals(NS, Chart.one(objects, RoleBinding.class).getMetadata().getNamespace());
    // Watching some tenant namespaces still needs the ClusterRole: credentials go to vendor namespaces.
    assertEquals(rbac.clusterRules(),
        Chart.one(Chart.render(NS, "watchNamespaces: [tenant-a]"), ClusterRole.class).getRules());
  }

  @Test
  void nonDefaultValuesReachTheObjects() {
    List<HasMetadata> objects = Chart.render(NS, """
        replicas: 3
        watchNamespaces: [tenant-a, tenant-b]
        token: {url: "https://tokens.example.com/oauth2/token", audience: payments-api}
        apiPods: {selector: "app=api,tier=backend", ports: [8443, 9443]}
        defaults: {unusedCredentialLifetime: 72h, accessTokenLifetime: 30m}
        resources: {requests: {cpu: 250m, memory: 384Mi}, limits: {cpu: "2", memory: 1Gi}}
        podDisruptionBudget: {minAvailable: 2}
        serviceMonitor: {enabled: true, interval: 15s, labels: {release: prometheus}}
        dashboard: {enabled: true}
        """);
    Deployment d = Chart.one(objects, Deployment.class);
    assertEquals(3, d.getSpec().getReplicas());
    Map<String, EnvVar> env = env(d);
    assertEquals("tenant-a,tenant-b", env.get("WATCH_NAMESPACES").getValue());
    assertEquals("https://tokens.example.com/oauth2/token", env.get("TOKEN_URL").getValue());
    assertEquals("https://tokens.example.com", env.get("TOKEN_ISSUER").getValue());
    assertEquals("payments-api", env.get("TOKEN_AUDIENCE").getValue());
    assertEquals("app=api,tier=backend", env.get("API_POD_SELECTOR").getValue());
    assertEquals("8443,9443", env.get("API_PORTS").getValue());
    assertEquals("72h", env.get("DEFAULT_UNUSED_CREDENTIAL_LIFETIME").getValue());
    assertEquals("30m", env.get("DEFAULT_ACCESS_TOKEN_LIFETIME").getValue());
    assertEquals(new Quantity("1Gi"), operator(d).getResources().getLimits().get("memory"));
    assertEquals(new Quantity("250m"), operator(d).getResources().getRequests().get("cpu"));
    assertEquals(2, Chart.one(objects, PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal());

    HasMetadata monitor = Chart.ofKind(objects, "ServiceMonitor").orElseThrow();
    assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
    assertEquals("prometheus", monitor.getMetadata().getLabels().get("release"));
    JsonNode endpoint = Serialization.jsonMapper().valueToTree(monitor).path("spec").path("endpoints").get(0);
    assertEquals(List.of("metrics", "/metrics", "15s"),
        List.of(endpoint.path("port").asText(), endpoint.path("path").asText(), endpoint.path("interval").asText()));

    ConfigMap dashboard = Chart.one(objects, ConfigMap.class);
    assertEquals("1", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
    JsonNode json = Serialization.unmarshal(dashboard.getData().get("appconnector-operator.json"), JsonNode.class);
    String queries = json.path("panels").findValues("expr").stream().map(JsonNode::asText).collect(Collectors.joining("\n"));
    for (String metric : List.of("appconnector_activations", "appconnector_credentials_issued_total",
        "appconnector_credentials_expired_total", "appconnector_credentials_revoked_total",
        "appconnector_token_exchanges_total", "appconnector_next_expiry_seconds",
        "operator_sdk_reconciliations_started_total", "operator_sdk_reconciliations_failed_total",
        "operator_sdk_controllers_execution_reconcile_seconds")) {
      assertTrue(queries.contains(metric), "the dashboard charts " + metric);
    }
    assertTrue(queries.contains("by (phase)") && queries.contains("by (outcome)"), queries);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "replicas: two                               | replicas: Invalid type. Expected: integer",
      "replicas: -1                                | replicas: Must be greater than or equal to 1",
      "replica: 3                                  | Additional property replica is not allowed",
      "defaults: {unusedCredentialLifetime: 2d}    | defaults.unusedCredentialLifetime: Does not match pattern",
      "defaults: {accessTokenLifetime: soon}       | defaults.accessTokenLifetime: Does not match pattern",
      "token: {signingKeyRotation: 12h}            | token.signingKeyRotation: Does not match pattern",
      "token: {port: 70000}                        | token.port: Must be less than or equal to 65535",
      "metrics: {port: 0}                          | metrics.port: Must be greater than or equal to 1",
      "metrics: {port: 8080}                       | token.port and metrics.port must differ",
      "apiPods: {ports: [http]}                    | apiPods.ports.0: Invalid type",
      "apiPods: {selector: api}                    | apiPods.selector: Does not match pattern",
      "watchNamespaces: [Tenant_A]                 | watchNamespaces.0: Does not match pattern",
      "resources: {limits: {memory: lots}}         | resources.limits.memory",
      "serviceMonitor: {enabled: yes please}       | serviceMonitor.enabled: Invalid type",
      "token: {url: 'ftp://tokens.example.com'}    | token.url: Does not match pattern",
      "image: {pullPolicy: Sometimes}              | image.pullPolicy: image.pullPolicy must be one of"})
  void valuesOutsideTheSchemaAreRefused(String values, String error) {
    Exception e = assertThrows(IllegalStateException.class, () -> Chart.template(NS, values));
    assertTrue(e.getMessage().contains(error), e.getMessage());
  }

  @Test
  void theChartCarriesTheCrdsByteForByte() throws IOException {
    var chartCrds = Chart.PATH.resolve("crds");
    try (var files = Files.list(chartCrds)) {
      assertEquals(Crds.files().stream().map(f -> f.getFileName().toString()).toList(),
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          "helm/appconnector-operator/crds holds exactly the files of crds/ (copy them after regenerating)");
    }
    for (var crd : Crds.files()) {
      assertArrayEquals(Files.readAllBytes(crd), Files.readAllBytes(chartCrds.resolve(crd.getFileName())),
          crd.getFileName() + " differs from the chart's copy; copy crds/*.yml to helm/appconnector-operator/crds/");
    }
  }
}
