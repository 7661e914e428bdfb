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
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
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
  static final List<String> CLUSTER_RULES = List.of( // the controller's
      "appconnector.io activations get,list,watch,patch",  // informers; fresh read before expiry; finalizer (JSON patch)
      "appconnector.io activations/status update",          // status PUT with resourceVersion; first use
      "appconnector.io applistings/status patch",           // the listing's Ready condition
      "appconnector.io applistings,trustednetworks list,watch", // informers
      "appconnector.io trustednetworks/status patch",       // the Ready condition of TrustedNetworks
      " secrets get,list,watch,create,update,delete",        // delivered and vendor-credential Secrets
      " namespaces get,list,watch",                          // tenant annotations and labels
      " serviceaccounts get",                                // a ServiceAccountToken listing's account exists
      "events.k8s.io events create,patch",                   // Events on activations; repeats as a series
      "networking.k8s.io networkpolicies get,list,watch,create,update,delete", // trusted-network fences
      "authorization.k8s.io selfsubjectrulesreviews create"); // leader election's check of its Lease access
  static final List<String> NAMESPACE_RULES = List.of(
      "coordination.k8s.io leases create",                   // the first replica creates the Lease
      // read and renew (patch) that one; update only because leader election checks for it at start
      "coordination.k8s.io leases[appconnector-operator-leader] get,update,patch",
      " configmaps list,watch,create,update");              // fee-change records, out of tenants' reach

  /**
   * The token server's permissions: read what it looks up, record first uses, keep its own Secrets
   * in the release namespace (by name, but for the create no name can limit).
   */
  static final List<String> TOKEN_CLUSTER_RULES = List.of(
      "appconnector.io activations get,list,watch",         // informer; fresh read before a first use
      "appconnector.io activations/status update",          // the first use, PUT with resourceVersion
      "appconnector.io applistings,trustednetworks list,watch", // informers
      "authentication.k8s.io tokenreviews create");         // vendors' ServiceAccount tokens, reviewed
  static final List<String> TOKEN_NAMESPACE_RULES = List.of(
      " secrets[appconnector-signing-keys,appconnector-introspection,appconnector-operator-token-tls] get,list,watch",
      " secrets[appconnector-signing-keys] update",          // rotation
      " secrets create");                                    // the first replica creates the signing keys

  static String describe(PolicyRule r) {
    String names = r.getResourceNames() == null || r.getResourceNames().isEmpty() ? ""
        : "[" + String.join(",", r.getResourceNames()) + "]";
    return String.join(",", r.getApiGroups()) + " " + String.join(",", r.getResources()) + names + " "
        + String.join(",", r.getVerbs());
  }

  /** The token server's Deployment: the network-facing endpoint, under its own ServiceAccount. */
  static Deployment tokenServer(List<HasMetadata> objects) {
    return Chart.named(objects, Deployment.class, Chart.RELEASE + "-token-server");
  }

  /** The controller's Deployment: the reconcilers, under the operator's ServiceAccount. */
  static Deployment controller(List<HasMetadata> objects) {
    return Chart.named(objects, Deployment.class, Chart.RELEASE + "-controller");
  }

  /** The Service vendors call (named like the release: the tokenUrl's host). */
  static Service vendorService(List<HasMetadata> objects) {
    return Chart.named(objects, Service.class, Chart.RELEASE);
  }

  static Container operator(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static Map<String, EnvVar> env(Deployment d) {
    return operator(d).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void theControllerRunsWithTheClientCompilerAndTheTokenServerWithout() {
    List<HasMetadata> objects = Chart.render(NS, "");
    String controller = env(controller(objects)).get("JDK_JAVA_OPTIONS").getValue();
    String tokens = env(tokenServer(objects)).get("JDK_JAVA_OPTIONS").getValue();
    assertEquals("-XX:MaxRAMPercentage=75.0 -XX:+UseSerialGC", tokens);
    assertEquals(tokens + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m", controller);
    String off = env(controller(Chart.render(NS, "controllerJavaOptions: ''"))).get("JDK_JAVA_OPTIONS").getValue();
    assertEquals(tokens, off, "an empty setting adds nothing");
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
    Deployment d = tokenServer(objects);
    assertEquals(2, d.getSpec().getReplicas());
    Map<String, EnvVar> env = env(d);
    assertEquals("true", env.get("LEADER_ELECTION").getValue());
    assertEquals("metadata.namespace", env.get("OPERATOR_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
    assertFalse(env.containsKey("HOSTNAME"), "the pod's name is the replica's identity");
    assertEquals("", env.get("WATCH_NAMESPACES").getValue());
    assertEquals("https://appconnector-operator.appconnector-system.svc:8080/oauth2/token", env.get("TOKEN_URL").getValue());
    assertEquals("https://appconnector-operator.appconnector-system.svc:8080", env.get("TOKEN_ISSUER").getValue());
    assertEquals("appconnector-operator-token-tls", env.get("TOKEN_TLS_SECRET").getValue(), "TLS unless chosen otherwise");
    assertFalse(env.containsKey("TOKEN_PLAIN_HTTP"));
    assertEquals("app.kubernetes.io/component=api", env.get("API_POD_SELECTOR").getValue());
    assertEquals("8443", env.get("API_PORTS").getValue());
    assertEquals("720h", env.get("SIGNING_KEY_ROTATION").getValue());
    assertEquals("8081", env.get("METRICS_PORT").getValue());
    assertEquals("48h", env.get("DEFAULT_UNUSED_CREDENTIAL_LIFETIME").getValue());
    assertEquals("1h", env.get("DEFAULT_ACCESS_TOKEN_LIFETIME").getValue());
    assertEquals("info", env.get("LOG_LEVEL").getValue());
    assertEquals("text", env.get("LOG_FORMAT").getValue());
    assertEquals("30s", env.get("USAGE_FLUSH_INTERVAL").getValue());
    assertFalse(env.containsKey("NOTIFICATION_QUEUE_CAPACITY"), "the token server sends no notifications");
    Map<String, EnvVar> controllerEnv = env(controller(objects));
    assertEquals(List.of("10000", "1h", "1m", "10s"), List.of(controllerEnv.get("NOTIFICATION_QUEUE_CAPACITY").getValue(),
        controllerEnv.get("NOTIFICATION_RETRY_FOR").getValue(), controllerEnv.get("NOTIFICATION_MAX_BACKOFF").getValue(),
        controllerEnv.get("NOTIFICATION_TIMEOUT").getValue()));
    assertFalse(controllerEnv.containsKey("USAGE_FLUSH_INTERVAL"), "the controller counts no exchanges");

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

    Service s = vendorService(objects);
    assertEquals(Map.of("token", 8080), s.getSpec().getPorts().stream()
        .collect(Collectors.toMap(p -> p.getName(), p -> p.getPort())), "vendors see the token port only");
    assertEquals(d.getSpec().getSelector().getMatchLabels(), s.getSpec().getSelector(), "the token server's pods only");
    assertEquals("token-server", s.getSpec().getSelector().get("app.kubernetes.io/component"));
    Service metrics = Chart.named(objects, Service.class, Chart.RELEASE + "-metrics");
    assertEquals(Map.of("metrics", 8081), metrics.getSpec().getPorts().stream()
        .collect(Collectors.toMap(p -> p.getName(), p -> p.getPort())));
    Deployment controller = controller(objects);
    for (Deployment each : List.of(d, controller)) {
      Map<String, String> podLabels = each.getSpec().getTemplate().getMetadata().getLabels();
      assertTrue(podLabels.entrySet().containsAll(metrics.getSpec().getSelector().entrySet()),
          "the metrics Service reaches " + each.getMetadata().getName());
      assertTrue(podLabels.entrySet().containsAll(each.getSpec().getSelector().getMatchLabels().entrySet()));
      PodDisruptionBudget pdb = Chart.named(objects, PodDisruptionBudget.class, each.getMetadata().getName());
      assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal());
      assertEquals(each.getSpec().getSelector(), pdb.getSpec().getSelector());
    }
    assertEquals(2, Chart.all(objects, PodDisruptionBudget.class).size(), "one per Deployment");
    assertEquals(List.of("token-server", "controller"), List.of(env(d).get("COMPONENT").getValue(),
        env(controller).get("COMPONENT").getValue()));
    assertEquals(ChartRbac.TOKEN_SERVER, pod.getServiceAccountName());
    assertEquals(Chart.RELEASE, controller.getSpec().getTemplate().getSpec().getServiceAccountName());
    assertEquals(Map.of("metrics", 8081), operator(controller).getPorts().stream()
        .collect(Collectors.toMap(p -> p.getName(), p -> p.getContainerPort())), "the controller serves no token port");
    assertEquals(2, controller.getSpec().getReplicas());
    assertEquals(c.getImage(), operator(controller).getImage());
    assertEquals(c.getSecurityContext(), operator(controller).getSecurityContext());
    assertEquals(pod.getTopologySpreadConstraints().size(),
        controller.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().size());
    assertTrue(Chart.ofKind(objects, "ServiceMonitor").isEmpty(), "no ServiceMonitor unless asked for");
    assertTrue(Chart.all(objects, ConfigMap.class).isEmpty(), "no dashboard unless asked for");
  }

  @Test
  void rbacGrantsExactlyTheDocumentedRulesToTheOperatorsServiceAccount() {
    ChartRbac rbac = ChartRbac.render(NS);
    assertEquals(CLUSTER_RULES, rbac.clusterRules().stream().map(HelmChartTest::describe).toList());
    assertEquals(NAMESPACE_RULES, rbac.namespaceRules().stream().map(HelmChartTest::describe).toList());
    List<HasMetadata> objects = Chart.render(NS, "");
    for (String account : List.of(Chart.RELEASE, ChartRbac.TOKEN_SERVER)) {
      var subject = Chart.named(objects, ClusterRoleBinding.class, account).getSubjects().get(0);
      assertEquals(List.of("ServiceAccount", account, NS),
          List.of(subject.getKind(), subject.getName(), subject.getNamespace()));
      assertEquals(account, Chart.named(objects, ClusterRoleBinding.class, account).getRoleRef().getName());
      assertEquals(subject, Chart.named(objects, RoleBinding.class, account).getSubjects().get(0));
      assertEquals(account, Chart.named(objects, RoleBinding.class, account).getRoleRef().getName());
      assertEquals(NS, Chart.named(objects, RoleBinding.class, account).getMetadata().getNamespace());
    }
    ChartRbac token = ChartRbac.tokenServer(NS);
    assertEquals(TOKEN_CLUSTER_RULES, token.clusterRules().stream().map(HelmChartTest::describe).toList());
    assertEquals(TOKEN_NAMESPACE_RULES, token.namespaceRules().stream().map(HelmChartTest::describe).toList());
    // Without TLS the token server has no certificate Secret to read.
    assertEquals(" secrets[appconnector-signing-keys,appconnector-introspection] get,list,watch",
        describe(Chart.named(Chart.render(NS, "token: {tls: {mode: none}}"), Role.class, ChartRbac.TOKEN_SERVER)
            .getRules().get(0)));
    // Watching some tenant namespaces still needs the ClusterRole: credentials go to vendor namespaces.
    assertEquals(rbac.clusterRules(),
        Chart.named(Chart.render(NS, "watchNamespaces: [tenant-a]"), ClusterRole.class, Chart.RELEASE).getRules());
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
        logging: {level: debug, format: json}
        usage: {flushInterval: 5s}
        notifications: {queueCapacity: 250000, retryFor: 6h, maxBackoff: 5m, requestTimeout: 3s}
        """);
    Deployment d = tokenServer(objects);
    assertEquals(3, d.getSpec().getReplicas());
    Map<String, EnvVar> env = env(d);
    assertEquals("debug", env.get("LOG_LEVEL").getValue());
    assertEquals("json", env.get("LOG_FORMAT").getValue());
    assertEquals("tenant-a,tenant-b", env.get("WATCH_NAMESPACES").getValue());
    assertEquals("https://tokens.example.com/oauth2/token", env.get("TOKEN_URL").getValue());
    assertEquals("https://tokens.example.com", env.get("TOKEN_ISSUER").getValue());
    assertEquals("payments-api", env.get("TOKEN_AUDIENCE").getValue());
    assertEquals("app=api,tier=backend", env.get("API_POD_SELECTOR").getValue());
    assertEquals("8443,9443", env.get("API_PORTS").getValue());
    assertEquals("72h", env.get("DEFAULT_UNUSED_CREDENTIAL_LIFETIME").getValue());
    assertEquals("30m", env.get("DEFAULT_ACCESS_TOKEN_LIFETIME").getValue());
    assertEquals("5s", env.get("USAGE_FLUSH_INTERVAL").getValue());
    Map<String, EnvVar> controllerEnv = env(controller(objects));
    assertEquals(List.of("250000", "6h", "5m", "3s"), List.of(controllerEnv.get("NOTIFICATION_QUEUE_CAPACITY").getValue(),
        controllerEnv.get("NOTIFICATION_RETRY_FOR").getValue(), controllerEnv.get("NOTIFICATION_MAX_BACKOFF").getValue(),
        controllerEnv.get("NOTIFICATION_TIMEOUT").getValue()), "a large capacity is written whole, not as 2.5e+05");
    assertEquals(new Quantity("1Gi"), operator(d).getResources().getLimits().get("memory"));
    assertEquals(new Quantity("250m"), operator(d).getResources().getRequests().get("cpu"));
    for (PodDisruptionBudget pdb : Chart.all(objects, PodDisruptionBudget.class)) {
      assertEquals(2, pdb.getSpec().getMinAvailable().getIntVal(), pdb.getMetadata().getName());
    }
    assertEquals(3, controller(objects).getSpec().getReplicas());

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
      "image: {digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'}",
      "extraEnv: [{name: JAVA_TOOL_OPTIONS, value: '-Dhttps.proxyHost=proxy'}]",
      "extraEnv: [{name: FROM_SECRET, valueFrom: {secretKeyRef: {name: s, key: k}}}]",
      "extraVolumes: [{name: ca, configMap: {name: ca}}]\\nextraVolumeMounts: [{name: ca, mountPath: /etc/ca, readOnly: true}]",
      "serviceAccount: {annotations: {iam.gke.io/gcp-service-account: 'op@p.iam.gserviceaccount.com'}}",
      "service: {type: NodePort, externalTrafficPolicy: Local}",
      "service: {type: LoadBalancer, externalTrafficPolicy: Cluster, annotations: {a.example.com/b: c}}",
      "topologySpreadConstraints: [{maxSkew: 2, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}]",
      "crds: {enabled: false}",
      "crds: {keep: false}",
      "rbac: {userRoles: false}",
      "prometheusRule: {enabled: true, tokenRefusalRatio: 0.9, reconcileErrorsPerSecond: 0}"})
  void valuesInsideTheSchemaRender(String values) {
    String manifests = Chart.template(NS, values.replace("\\n", "\n"));
    assertTrue(manifests.contains("kind: Deployment"), manifests);
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
      "image: {pullPolicy: Sometimes}              | image.pullPolicy: image.pullPolicy must be one of",
      "image: {digest: 'sha256:abc'}               | image.digest: Does not match pattern",
      "image: {digest: 'latest'}                   | image.digest: Does not match pattern",
      "extraEnv: [{value: x}]                      | extraEnv.0: name is required",
      "extraEnv: [{name: '1X', value: x}]          | extraEnv.0.name: Does not match pattern",
      "extraEnv: [{name: X, value: 1}]             | extraEnv.0.value: Invalid type",
      "extraEnv: {X: y}                            | extraEnv: Invalid type. Expected: array",
      "extraEnv: [{name: TOKEN_URL, value: x}]     | extraEnv: TOKEN_URL is set by the chart from its values",
      "extraVolumes: [{emptyDir: {}}]              | extraVolumes.0: name is required",
      "extraVolumes: [{name: tmp, emptyDir: {}}]   | extraVolumes: the name tmp is the chart's own",
      "extraVolumeMounts: [{name: a, mountPath: x}] | extraVolumeMounts.0.mountPath: Does not match pattern",
      "extraVolumeMounts: [{name: a}]              | extraVolumeMounts.0: mountPath is required",
      "serviceAccount: {annotations: {a: 1}}       | serviceAccount.annotations.a: Invalid type",
      "serviceAccount: {name: other}               | Additional property name is not allowed",
      "service: {annotations: [a]}                 | service.annotations: Invalid type",
      "service: {externalTrafficPolicy: Remote}    | service.externalTrafficPolicy: service.externalTrafficPolicy must be one of",
      "service: {externalTrafficPolicy: Local}     | service.externalTrafficPolicy needs service.type NodePort or LoadBalancer",
      "topologySpreadConstraints: [{maxSkew: 1}]   | topologySpreadConstraints.0: topologyKey is required",
      "topologySpreadConstraints: [{maxSkew: 0, topologyKey: k, whenUnsatisfiable: ScheduleAnyway}] | topologySpreadConstraints.0.maxSkew: Must be greater than or equal to 1",
      "crds: {enabled: 'yes'}                      | crds.enabled: Invalid type",
      "crds: {install: true}                       | Additional property install is not allowed",
      "rbac: {aggregateClusterRoles: 1}            | rbac.aggregateClusterRoles: Invalid type",
      "prometheusRule: {tokenRefusalRatio: 2}      | prometheusRule.tokenRefusalRatio: Must be less than or equal to 1",
      "prometheusRule: {for: soon}                 | prometheusRule.for: Does not match pattern",
      "logging: {level: verbose}                   | logging.level: logging.level must be one of",
      "usage: {flushInterval: often}               | usage.flushInterval: Does not match pattern",
      "usage: {interval: 5s}                       | Additional property interval is not allowed",
      "notifications: {queueCapacity: 10}          | notifications.queueCapacity: Must be greater than or equal to 100",
      "notifications: {queueCapacity: 2000000}     | notifications.queueCapacity: Must be less than or equal to 1e+06",
      "notifications: {retryFor: 1d}               | notifications.retryFor: Does not match pattern",
      "notifications: {maxBackoff: forever}        | notifications.maxBackoff: Does not match pattern",
      "notifications: {requestTimeout: 10}         | notifications.requestTimeout: Invalid type",
      "extraEnv: [{name: NOTIFICATION_RETRY_FOR, value: 2h}] | extraEnv: NOTIFICATION_RETRY_FOR is set by the chart from its values",
      "logging: {format: xml}                      | logging.format: logging.format must be one of",
      "extraEnv: [{name: LOG_LEVEL, value: debug}] | extraEnv: LOG_LEVEL is set by the chart from its values",
      "token: {tls: {mode: plain}}                 | token.tls.mode: token.tls.mode must be one of",
      "token: {tls: {mode: certManager}}           | token.tls.mode certManager needs token.tls.issuerRef.name",
      "token: {trustedProxies: [10.0.0.0]}         | token.trustedProxies.0: Does not match pattern",
      "token: {proxyProtocol: true}                | token.proxyProtocol needs token.trustedProxies",
      "extraEnv: [{name: TOKEN_PLAIN_HTTP, value: 'true'}] | extraEnv: TOKEN_PLAIN_HTTP is set by the chart",
      "networkPolicy: {metricsFrom: {a: b}}        | networkPolicy.metricsFrom: Invalid type"})
  void valuesOutsideTheSchemaAreRefused(String values, String error) {
    Exception e = assertThrows(IllegalStateException.class, () -> Chart.template(NS, values));
    assertTrue(e.getMessage().contains(error), e.getMessage());
  }

  @Test
  void theTokenEndpointServesTlsFromACertManagerCertificateOrAUsersSecretAndPlainHttpOnlyWhenChosen() {
    Map<String, EnvVar> own = env(tokenServer(Chart.render(NS, "token: {tls: {secretName: tokens-tls}}")));
    assertEquals("tokens-tls", own.get("TOKEN_TLS_SECRET").getValue());
    assertTrue(Chart.ofKind(Chart.render(NS, ""), "Certificate").isEmpty(), "no Certificate unless asked for");

    List<HasMetadata> managed = Chart.render(NS, """
        token:
          url: https://tokens.example.com/oauth2/token
          tls: {mode: certManager, issuerRef: {name: platform-ca}, dnsNames: [tokens.example.com]}
        """);
    JsonNode certificate = Serialization.jsonMapper().valueToTree(Chart.ofKind(managed, "Certificate").orElseThrow())
        .path("spec");
    assertEquals("appconnector-operator-token-tls", certificate.path("secretName").asText());
    assertEquals("platform-ca", certificate.path("issuerRef").path("name").asText());
    assertEquals("ClusterIssuer", certificate.path("issuerRef").path("kind").asText());
    assertEquals(List.of("appconnector-operator", "appconnector-operator.appconnector-system",
        "appconnector-operator.appconnector-system.svc", "appconnector-operator.appconnector-system.svc.cluster.local",
        "tokens.example.com"), Serialization.jsonMapper().convertValue(certificate.path("dnsNames"), List.class));
    assertEquals("appconnector-operator-token-tls", env(tokenServer(managed)).get("TOKEN_TLS_SECRET")
        .getValue());

    Map<String, EnvVar> plain = env(tokenServer(Chart.render(NS, "token: {tls: {mode: none}}")));
    assertEquals("true", plain.get("TOKEN_PLAIN_HTTP").getValue());
    assertFalse(plain.containsKey("TOKEN_TLS_SECRET"));
    assertEquals("http://appconnector-operator.appconnector-system.svc:8080/oauth2/token", plain.get("TOKEN_URL").getValue());

    Map<String, EnvVar> proxied = env(tokenServer(Chart.render(NS,
        "token: {trustedProxies: [10.0.0.0/16, 'fd00::/8'], proxyProtocol: true}")));
    assertEquals("10.0.0.0/16,fd00::/8", proxied.get("TOKEN_TRUSTED_PROXIES").getValue());
    assertEquals("true", proxied.get("TOKEN_PROXY_PROTOCOL").getValue());
  }

  @Test
  void theMetricsPortIsReachableOnlyFromWhatScrapesIt() {
    NetworkPolicy policy = Chart.one(Chart.render(NS, ""), NetworkPolicy.class);
    List<HasMetadata> rendered = Chart.render(NS, "");
    for (Deployment each : List.of(tokenServer(rendered), controller(rendered))) {
      assertTrue(each.getSpec().getTemplate().getMetadata().getLabels().entrySet()
          .containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()),
          "the policy covers " + each.getMetadata().getName());
    }
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    assertEquals(1, policy.getSpec().getIngress().size(), "by default only the token port is open");
    assertEquals("token", policy.getSpec().getIngress().get(0).getPorts().get(0).getPort().getStrVal());
    assertTrue(policy.getSpec().getIngress().get(0).getFrom() == null
        || policy.getSpec().getIngress().get(0).getFrom().isEmpty(), "to anyone");

    NetworkPolicy scraped = Chart.one(Chart.render(NS, """
        networkPolicy:
          metricsFrom: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
        """), NetworkPolicy.class);
    var metrics = scraped.getSpec().getIngress().get(1);
    assertEquals("metrics", metrics.getPorts().get(0).getPort().getStrVal());
    assertEquals(Map.of("kubernetes.io/metadata.name", "monitoring"),
        metrics.getFrom().get(0).getNamespaceSelector().getMatchLabels());
    assertTrue(Chart.all(Chart.render(NS, "networkPolicy: {enabled: false}"), NetworkPolicy.class).isEmpty());
  }

  @Test
  void theChartCarriesTheCrdsByteForByte() throws IOException {
    var chartCrds = Chart.PATH.resolve("files/crds");
    try (var files = Files.list(chartCrds)) {
      assertEquals(Crds.files().stream().map(f -> f.getFileName().toString()).toList(),
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          "helm/appconnector-operator/files/crds holds exactly the files of crds/ (copy them after regenerating)");
    }
    for (var crd : Crds.files()) {
      assertArrayEquals(Files.readAllBytes(crd), Files.readAllBytes(chartCrds.resolve(crd.getFileName())),
          crd.getFileName() + " differs from the chart's copy; copy crds/*.yml to helm/appconnector-operator/files/crds/");
    }
    assertFalse(Files.exists(Chart.PATH.resolve("crds")),
        "no Helm crds/ directory: Helm would install those once and never upgrade them");
  }

  @Test
  void theRenderedCrdsAreTheGeneratedOnesLabelledAndKeptOnUninstall() throws IOException {
    List<CustomResourceDefinition> rendered = Chart.all(Chart.render(NS, ""), CustomResourceDefinition.class);
    List<CustomResourceDefinition> generated = new ArrayList<>();
    for (var file : Crds.files()) {
      generated.add(Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class));
    }
    assertEquals(generated.stream().map(c -> c.getMetadata().getName()).sorted().toList(),
        rendered.stream().map(c -> c.getMetadata().getName()).sorted().toList());
    for (CustomResourceDefinition crd : rendered) {
      CustomResourceDefinition source = generated.stream()
          .filter(g -> g.getMetadata().getName().equals(crd.getMetadata().getName())).findFirst().orElseThrow();
      assertEquals(source.getSpec(), crd.getSpec(), crd.getMetadata().getName() + ": the spec is the generated one");
      assertEquals("keep", crd.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
      assertEquals(Chart.RELEASE, crd.getMetadata().getLabels().get("app.kubernetes.io/instance"));
    }
    assertTrue(Chart.all(Chart.render(NS, "crds: {keep: false}"), CustomResourceDefinition.class).stream()
        .allMatch(c -> c.getMetadata().getAnnotations() == null
            || !c.getMetadata().getAnnotations().containsKey("helm.sh/resource-policy")), "crds.keep: false");
    assertTrue(Chart.all(Chart.render(NS, "crds: {enabled: false}"), CustomResourceDefinition.class).isEmpty(),
        "crds.enabled: false renders no CRD");
  }

  @Test
  void extraEnvVolumesAnnotationsTopologyAndDigestReachTheObjects() {
    List<HasMetadata> objects = Chart.render(NS, """
        image: {repository: registry.example.com/appconnector-operator, tag: "0.1.0",
                digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
        extraEnv:
          - {name: HTTPS_PROXY, value: "http://proxy.example.com:3128"}
          - name: EXTRA_FROM_SECRET
            valueFrom: {secretKeyRef: {name: operator-extra, key: value}}
        extraVolumes:
          - name: ca-bundle
            configMap: {name: corporate-ca}
        extraVolumeMounts:
          - {name: ca-bundle, mountPath: /etc/ssl/corporate, readOnly: true}
        serviceAccount:
          annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/appconnector"}
        service:
          type: LoadBalancer
          externalTrafficPolicy: Local
          annotations: {service.beta.kubernetes.io/aws-load-balancer-type: nlb}
        topologySpreadConstraints:
          - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}
        """);
    Deployment d = tokenServer(objects);
    Container c = operator(d);
    assertEquals("registry.example.com/appconnector-operator:0.1.0@sha256:"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", c.getImage());
    Map<String, EnvVar> env = env(d);
    assertEquals("http://proxy.example.com:3128", env.get("HTTPS_PROXY").getValue());
    assertEquals("operator-extra", env.get("EXTRA_FROM_SECRET").getValueFrom().getSecretKeyRef().getName());
    assertEquals("true", env.get("LEADER_ELECTION").getValue(), "the chart's own settings stay");
    assertEquals(List.of("/tmp", "/etc/ssl/corporate"), c.getVolumeMounts().stream().map(m -> m.getMountPath()).toList());
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertEquals(List.of("tmp", "ca-bundle"), pod.getVolumes().stream().map(v -> v.getName()).toList());
    assertEquals("corporate-ca", pod.getVolumes().get(1).getConfigMap().getName());
    assertEquals("arn:aws:iam::123456789012:role/appconnector",
        Chart.named(objects, ServiceAccount.class, Chart.RELEASE).getMetadata().getAnnotations().get("eks.amazonaws.com/role-arn"));
    Service s = vendorService(objects);
    assertEquals("Local", s.getSpec().getExternalTrafficPolicy());
    assertEquals("nlb", s.getMetadata().getAnnotations().get("service.beta.kubernetes.io/aws-load-balancer-type"));
    var spread = pod.getTopologySpreadConstraints();
    assertEquals(List.of("kubernetes.io/hostname", "topology.kubernetes.io/zone"),
        spread.stream().map(t -> t.getTopologyKey()).toList(), "the default over nodes, then the values' own");
    assertEquals("DoNotSchedule", spread.get(1).getWhenUnsatisfiable());
    assertEquals(d.getSpec().getSelector().getMatchLabels(), spread.get(1).getLabelSelector().getMatchLabels(),
        "a constraint without a labelSelector selects the operator's pods");

    Deployment plain = tokenServer(Chart.render(NS, "spreadAcrossNodes: false"));
    assertTrue(plain.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().isEmpty());
    assertEquals("appconnector-operator:0.1.0", operator(plain).getImage(), "no digest unless set");
    List<HasMetadata> defaults = Chart.render(NS, "");
    for (HasMetadata o : List.of(Chart.named(defaults, ServiceAccount.class, Chart.RELEASE), vendorService(defaults))) {
      assertTrue(o.getMetadata().getAnnotations() == null || o.getMetadata().getAnnotations().isEmpty(), o.getKind());
    }
  }

  @Test
  void userClusterRolesLetTenantsManageTheirObjectsAndThePlatformItsListings() {
    List<HasMetadata> objects = Chart.render(NS, "");
    ClusterRole edit = Chart.named(objects, ClusterRole.class, "appconnector-operator-tenant-edit");
    assertEquals(List.of("appconnector.io activations,trustednetworks get,list,watch,create,update,patch,delete,deletecollection"),
        edit.getRules().stream().map(HelmChartTest::describe).toList(), "no status: that is the operator's");
    assertEquals("true", edit.getMetadata().getLabels().get("rbac.authorization.k8s.io/aggregate-to-edit"));
    assertEquals("true", edit.getMetadata().getLabels().get("rbac.authorization.k8s.io/aggregate-to-admin"));
    ClusterRole view = Chart.named(objects, ClusterRole.class, "appconnector-operator-tenant-view");
    assertEquals(List.of("appconnector.io activations,trustednetworks get,list,watch"),
        view.getRules().stream().map(HelmChartTest::describe).toList());
    assertEquals("true", view.getMetadata().getLabels().get("rbac.authorization.k8s.io/aggregate-to-view"));
    ClusterRole listings = Chart.named(objects, ClusterRole.class, "appconnector-operator-applisting-editor");
    assertEquals(List.of("appconnector.io applistings get,list,watch,create,update,patch,delete,deletecollection",
        "appconnector.io activations,trustednetworks get,list,watch"),
        listings.getRules().stream().map(HelmChartTest::describe).toList());
    assertTrue(listings.getMetadata().getLabels().keySet().stream().noneMatch(k -> k.startsWith("rbac.authorization")),
        "AppListings are cluster-wide: never aggregated into a namespace role");

    ClusterRole unaggregated = Chart.named(Chart.render(NS, "rbac: {aggregateClusterRoles: false}"), ClusterRole.class,
        "appconnector-operator-tenant-edit");
    assertTrue(unaggregated.getMetadata().getLabels().keySet().stream().noneMatch(k -> k.startsWith("rbac.authorization")));
    assertEquals(List.of(Chart.RELEASE, ChartRbac.TOKEN_SERVER), Chart.all(Chart.render(NS, "rbac: {userRoles: false}"),
        ClusterRole.class).stream().map(r -> r.getMetadata().getName()).toList(),
        "only the controller's and the token server's ClusterRoles");
  }

  @Test
  void prometheusRuleAlertsOnTheMetricsTheOperatorExports() {
    assertTrue(Chart.ofKind(Chart.render(NS, ""), "PrometheusRule").isEmpty(), "no PrometheusRule unless asked for");
    HasMetadata rule = Chart.ofKind(Chart.render(NS, """
        prometheusRule: {enabled: true, labels: {release: prometheus}, for: 5m, expiryOverdueSeconds: 120}
        """), "PrometheusRule").orElseThrow();
    assertEquals("monitoring.coreos.com/v1", rule.getApiVersion());
    assertEquals("prometheus", rule.getMetadata().getLabels().get("release"));
    JsonNode rules = Serialization.jsonMapper().valueToTree(rule).path("spec").path("groups").get(0).path("rules");
    Map<String, JsonNode> byAlert = new java.util.LinkedHashMap<>();
    rules.forEach(r -> byAlert.put(r.path("alert").asText(), r));
    assertEquals(List.of("AppConnectorExpiriesFailing", "AppConnectorReconcileErrors", "AppConnectorTokenRefusalsSurging"),
        List.copyOf(byAlert.keySet()));
    assertEquals("-min(appconnector_next_expiry_seconds{namespace=\"appconnector-system\"}) > 120",
        byAlert.get("AppConnectorExpiriesFailing").path("expr").asText());
    assertTrue(byAlert.get("AppConnectorReconcileErrors").path("expr").asText()
        .startsWith("sum(rate(operator_sdk_reconciliations_failed_total{namespace=\"appconnector-system\"}[10m]))"));
    String refusals = byAlert.get("AppConnectorTokenRefusalsSurging").path("expr").asText();
    assertTrue(refusals.contains("appconnector_token_exchanges_total{namespace=\"appconnector-system\",outcome!=\"issued\"}"),
        refusals);
    for (JsonNode r : rules) {
      assertEquals("5m", r.path("for").asText());
      assertEquals("warning", r.path("labels").path("severity").asText());
      assertTrue(r.path("annotations").path("description").asText().contains("{{ $value"),
          "Prometheus, not Helm, fills in the value: " + r.path("annotations").path("description").asText());
    }
  }

  @Test
  void theReadmesValuesExampleRendersWhatItSays() throws IOException {
    String readme = Files.readString(Crds.PROJECT.resolve("README.md"));
    int start = readme.indexOf("```yaml\n", readme.indexOf("For example, a values file")) + "```yaml\n".length();
    String values = readme.substring(start, readme.indexOf("```", start))
        .replace("sha256:<digest you pushed>", "sha256:" + "ab".repeat(32));
    List<HasMetadata> objects = Chart.render(NS, values);
    Deployment d = tokenServer(objects);
    assertEquals("registry.example.com/appconnector-operator:0.1.0@sha256:" + "ab".repeat(32), operator(d).getImage());
    assertEquals("-XX:+ExitOnOutOfMemoryError", env(d).get("JAVA_TOOL_OPTIONS").getValue());
    assertEquals("Local", vendorService(objects).getSpec().getExternalTrafficPolicy());
    assertTrue(Chart.ofKind(objects, "PrometheusRule").isPresent());
  }

  @Test
  void notesShowAChartUserWhatToApplyWithoutTheProjectsFiles() {
    String notes = Chart.notes(NS, "");
    assertFalse(notes.contains("examples/"), "a chart user has no examples/ directory");
    assertTrue(notes.contains("kubectl apply -f - <<'YAML'") && notes.contains("kind: AppListing")
        && notes.contains("kind: Activation"), notes);
    assertTrue(notes.contains("--clusterrole=appconnector-operator-applisting-editor"), notes);
    assertTrue(notes.contains("kubectl get appconnector -A"), notes);
    String withoutCrds = Chart.notes(NS, "crds: {enabled: false}");
    assertTrue(withoutCrds.contains("--set crds.enabled=true --show-only templates/crds.yaml | kubectl apply"), withoutCrds);
  }
}
