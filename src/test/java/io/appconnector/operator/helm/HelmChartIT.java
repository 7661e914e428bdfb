package io.appconnector.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rendered chart against a real kube-apiserver: every object is accepted with strict field
 * validation, and the operator's pod passes the "restricted" Pod Security Standard.
 */
class HelmChartIT {
  static final String NS = "appconnector-system";
  static final String EVERYTHING_ON = """
      serviceMonitor: {enabled: true}
      prometheusRule: {enabled: true}
      dashboard: {enabled: true}
      image: {digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
      extraEnv: [{name: HTTPS_PROXY, value: "http://proxy.example.com:3128"}]
      extraVolumes: [{name: ca-bundle, configMap: {name: corporate-ca}}]
      extraVolumeMounts: [{name: ca-bundle, mountPath: /etc/ssl/corporate, readOnly: true}]
      serviceAccount: {annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/appconnector"}}
      service: {type: LoadBalancer, externalTrafficPolicy: Local, annotations: {example.com/lb: internal}}
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}]
      token: {trustedProxies: [10.0.0.0/16], proxyProtocol: true}
      networkPolicy: {metricsFrom: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]}
      """;

  /** The PrometheusRule CRD of the Prometheus Operator, cut down to the fields the chart sets. */
  static final String PROMETHEUS_RULE_CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: prometheusrules.monitoring.coreos.com}
      spec:
        group: monitoring.coreos.com
        names: {kind: PrometheusRule, listKind: PrometheusRuleList, plural: prometheusrules, singular: prometheusrule}
        scope: Namespaced
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  properties:
                    groups:
                      type: array
                      items:
                        type: object
                        required: [name]
                        properties:
                          name: {type: string, minLength: 1}
                          rules:
                            type: array
                            items:
                              type: object
                              required: [expr]
                              properties:
                                alert: {type: string}
                                expr: {x-kubernetes-int-or-string: true}
                                for: {type: string, pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$'}
                                labels: {type: object, additionalProperties: {type: string}}
                                annotations: {type: object, additionalProperties: {type: string}}
      """;

  /** The ServiceMonitor CRD of the Prometheus Operator, cut down to the fields the chart sets. */
  static final String SERVICE_MONITOR_CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: servicemonitors.monitoring.coreos.com}
      spec:
        group: monitoring.coreos.com
        names: {kind: ServiceMonitor, listKind: ServiceMonitorList, plural: servicemonitors, singular: servicemonitor}
        scope: Namespaced
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  required: [selector]
                  properties:
                    selector:
                      type: object
                      properties:
                        matchLabels: {type: object, additionalProperties: {type: string}}
                    namespaceSelector:
                      type: object
                      properties:
                        matchNames: {type: array, items: {type: string}}
                    endpoints:
                      type: array
                      items:
                        type: object
                        properties:
                          port: {type: string}
                          path: {type: string}
                          interval: {type: string, pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$'}
                          scrapeTimeout: {type: string, pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$'}
      """;

  static RealApiServer api;

  @BeforeAll
  static void startApiServer() {
    api = RealApiServer.start();
    KubernetesClient client = api.client();
    // Pods in the release namespace must meet the "restricted" Pod Security Standard.
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NS)
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).create();
    for (String yaml : List.of(SERVICE_MONITOR_CRD, PROMETHEUS_RULE_CRD)) {
      CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
      client.resource(crd).create();
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
              .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopApiServer() {
    if (api != null) {
      api.close();
    }
  }

  /** The documents exactly as rendered (no typed model in between), so strict validation sees every field. */
  static List<GenericKubernetesResource> rendered(String values) {
    return Chart.render(NS, values, GenericKubernetesResource.class);
  }

  @Test
  void everyRenderedObjectIsAcceptedWithStrictFieldValidation() {
    KubernetesClient client = api.client();
    List<GenericKubernetesResource> objects = rendered(EVERYTHING_ON);
    assertEquals(List.of("ClusterRole", "ClusterRole", "ClusterRole", "ClusterRole", "ClusterRole", "ClusterRoleBinding",
        "ClusterRoleBinding", "ConfigMap", "CustomResourceDefinition", "CustomResourceDefinition",
        "CustomResourceDefinition", "Deployment", "Deployment", "NetworkPolicy", "PodDisruptionBudget",
        "PodDisruptionBudget", "PrometheusRule", "Role", "Role", "RoleBinding", "RoleBinding", "Service", "Service",
        "ServiceAccount", "ServiceAccount", "ServiceMonitor"),
        objects.stream().map(HasMetadata::getKind).sorted().toList());
    for (GenericKubernetesResource object : objects) {
      // The API server of these tests already has the CRDs: the chart's replace them, as an upgrade would.
      HasMetadata stored = "CustomResourceDefinition".equals(object.getKind())
          ? client.resource(object).fieldValidation(Validation.STRICT).forceConflicts().serverSideApply()
          : client.resource(object).fieldValidation(Validation.STRICT).create();
      assertTrue(stored.getMetadata().getUid() != null, object.getKind() + " stored");
    }
    for (String deployment : List.of(Chart.RELEASE + "-controller", Chart.RELEASE + "-token-server")) {
      Deployment stored = client.apps().deployments().inNamespace(NS).withName(deployment).get();
      assertEquals(2, stored.getSpec().getReplicas());
      assertEquals("appconnector-operator:0.1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
          stored.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    }
    var service = client.services().inNamespace(NS).withName(Chart.RELEASE).get();
    assertEquals(List.of("token"), service.getSpec().getPorts().stream().map(p -> p.getName()).toList());
    assertEquals("Local", service.getSpec().getExternalTrafficPolicy());
  }

  /** Whether the API server's RBAC authorizer lets this user do this (a SubjectAccessReview). */
  static boolean allowed(String user, String verb, String resource, String namespace) {
    String[] parts = resource.split("/");
    var review = new SubjectAccessReviewBuilder().withNewSpec().withUser(user).withNewResourceAttributes()
        .withGroup("appconnector.io").withResource(parts[0]).withSubresource(parts.length > 1 ? parts[1] : null)
        .withVerb(verb).withNamespace(namespace).endResourceAttributes().endSpec().build();
    return api.client().resource(review).create().getStatus().getAllowed();
  }

  @Test
  void theRolesForPeopleGrantTenantsTheirNamespaceAndThePlatformTheCatalogue() {
    KubernetesClient client = api.client();
    for (ClusterRole role : Chart.all(Chart.render(NS, ""), ClusterRole.class)) {
      client.resource(role).forceConflicts().serverSideApply();
    }
    client.resource(new RoleBindingBuilder().withNewMetadata().withName("alice-edits").withNamespace("default").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", Chart.RELEASE + "-tenant-edit")
        .addNewSubject().withKind("User").withName("alice").endSubject().build()).create();
    client.resource(new RoleBindingBuilder().withNewMetadata().withName("bob-views").withNamespace("default").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", Chart.RELEASE + "-tenant-view")
        .addNewSubject().withKind("User").withName("bob").endSubject().build()).create();
    client.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("platform-edits").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", Chart.RELEASE + "-applisting-editor")
        .addNewSubject().withKind("Group").withName("platform").endSubject().build()).create();

    assertTrue(allowed("alice", "create", "activations", "default"));
    assertTrue(allowed("alice", "delete", "trustednetworks", "default"));
    assertFalse(allowed("alice", "update", "activations/status", "default"), "status is the operator's");
    assertFalse(allowed("alice", "create", "activations", NS), "only where she is bound");
    assertFalse(allowed("alice", "create", "applistings", null));
    assertTrue(allowed("bob", "list", "activations", "default"));
    assertFalse(allowed("bob", "patch", "activations", "default"));
    var platform = new SubjectAccessReviewBuilder().withNewSpec().withUser("carol").withGroups("platform")
        .withNewResourceAttributes().withGroup("appconnector.io").withResource("applistings").withVerb("create")
        .endResourceAttributes().endSpec().build();
    assertTrue(client.resource(platform).create().getStatus().getAllowed());
  }

  @Test
  void theOperatorsPodPassesTheRestrictedPodSecurityStandard() {
    KubernetesClient client = api.client();
    Deployment d = HelmChartTest.tokenServer(Chart.render(NS, ""));
    Pod pod = new PodBuilder().withNewMetadata().withNamespace(NS).withName("operator-pod")
        .withLabels(d.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
        .withSpec(d.getSpec().getTemplate().getSpec()).build();
    assertTrue(client.resource(pod).create().getMetadata().getUid() != null);

    // The namespace does enforce it: the same pod allowed to escalate privileges is refused.
    Pod escalating = new PodBuilder(pod).editMetadata().withName("escalating-pod").endMetadata()
        .editSpec().editFirstContainer().editSecurityContext().withAllowPrivilegeEscalation(true)
        .endSecurityContext().endContainer().endSpec().build();
    KubernetesClientException refused = assertThrows(KubernetesClientException.class,
        () -> client.resource(escalating).create());
    assertEquals(403, refused.getCode());
    assertTrue(refused.getMessage().contains("allowPrivilegeEscalation"), refused.getMessage());
  }
}
