package io.appconnector.operator.helm;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The chart's ServiceAccount with its ClusterRole, Role and bindings, created in an API server as
 * `helm install` would, and a client that authenticates as that ServiceAccount: a bearer token from
 * the TokenRequest API, the server's URL and CA, no client certificate. It can do exactly what the
 * chart grants.
 */
public final class ChartRbac {
  private final List<HasMetadata> objects;
  private final String namespace;

  private ChartRbac(List<HasMetadata> objects, String namespace) {
    this.objects = objects;
    this.namespace = namespace;
  }

  /** The chart rendered with its default values for a release in this namespace. */
  public static ChartRbac render(String namespace) {
    return new ChartRbac(Chart.render(namespace, ""), namespace);
  }

  public ServiceAccount serviceAccount() {
    return Chart.one(objects, ServiceAccount.class);
  }

  /** "system:serviceaccount:<namespace>:<name>", the user the API server sees. */
  public String user() {
    return "system:serviceaccount:" + namespace + ":" + serviceAccount().getMetadata().getName();
  }

  public List<PolicyRule> clusterRules() {
    return operatorClusterRole().getRules();
  }

  /** The operator's ClusterRole, named like its ServiceAccount (the others are for people). */
  public ClusterRole operatorClusterRole() {
    return Chart.named(objects, ClusterRole.class, serviceAccount().getMetadata().getName());
  }

  public List<PolicyRule> namespaceRules() {
    return Chart.one(objects, Role.class).getRules();
  }

  /** Creates the ServiceAccount, roles and bindings with the administrator's client. */
  public void install(KubernetesClient admin) {
    List<HasMetadata> rbac = new ArrayList<>();
    rbac.add(serviceAccount());
    rbac.add(operatorClusterRole());
    rbac.add(Chart.one(objects, ClusterRoleBinding.class));
    rbac.add(Chart.one(objects, Role.class));
    rbac.add(Chart.one(objects, RoleBinding.class));
    rbac.forEach(o -> admin.resource(o).create());
  }

  /** A client authenticated as the chart's ServiceAccount, on the administrator's API server. */
  public KubernetesClient clientFor(KubernetesClient admin) {
    TokenRequest issued = admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount().getMetadata().getName())
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build());
    Config adminConfig = admin.getConfiguration();
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(adminConfig.getMasterUrl())
        .withCaCertData(adminConfig.getCaCertData())
        .withCaCertFile(adminConfig.getCaCertFile())
        .withOauthToken(issued.getStatus().getToken())
        .withNamespace(namespace)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
