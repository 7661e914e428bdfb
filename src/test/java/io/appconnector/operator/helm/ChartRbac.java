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
 * One of the chart's ServiceAccounts (the controller's or the token server's) with its ClusterRole,
 * Role and bindings, all named like it, created in an API server as `helm install` would, and a
 * client that authenticates as that ServiceAccount: a bearer token from the TokenRequest API, the
 * server's URL and CA, no client certificate. It can do exactly what the chart grants.
 */
public final class ChartRbac {
  /** The token server's ServiceAccount in a release named {@link Chart#RELEASE}. */
  public static final String TOKEN_SERVER = Chart.RELEASE + "-token-server";
  private final List<HasMetadata> objects;
  private final String namespace;
  private final String account;

  private ChartRbac(List<HasMetadata> objects, String namespace, String account) {
    this.objects = objects;
    this.namespace = namespace;
    this.account = account;
  }

  /** The controller's account, the chart rendered with its default values for a release in this namespace. */
  public static ChartRbac render(String namespace) {
    return render(namespace, Chart.RELEASE);
  }

  /** The token server's account. */
  public static ChartRbac tokenServer(String namespace) {
    return render(namespace, TOKEN_SERVER);
  }

  public static ChartRbac render(String namespace, String account) {
    return new ChartRbac(Chart.render(namespace, ""), namespace, account);
  }

  public ServiceAccount serviceAccount() {
    return Chart.named(objects, ServiceAccount.class, account);
  }

  /** "system:serviceaccount:<namespace>:<name>", the user the API server sees. */
  public String user() {
    return "system:serviceaccount:" + namespace + ":" + serviceAccount().getMetadata().getName();
  }

  public List<PolicyRule> clusterRules() {
    return operatorClusterRole().getRules();
  }

  /** The account's ClusterRole, named like its ServiceAccount (the others are the other account's or for people). */
  public ClusterRole operatorClusterRole() {
    return Chart.named(objects, ClusterRole.class, serviceAccount().getMetadata().getName());
  }

  public List<PolicyRule> namespaceRules() {
    return Chart.named(objects, Role.class, account).getRules();
  }

  /** Creates the ServiceAccount, roles and bindings with the administrator's client. */
  public void install(KubernetesClient admin) {
    List<HasMetadata> rbac = new ArrayList<>();
    rbac.add(serviceAccount());
    rbac.add(operatorClusterRole());
    rbac.add(Chart.named(objects, ClusterRoleBinding.class, account));
    rbac.add(Chart.named(objects, Role.class, account));
    rbac.add(Chart.named(objects, RoleBinding.class, account));
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
