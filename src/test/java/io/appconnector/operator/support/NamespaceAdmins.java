package io.appconnector.operator.support;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Tenants and vendors as they are on a shared cluster: a ServiceAccount that may do everything, every
 * verb on every resource, in its own namespace (Secrets, ConfigMaps, Events and the appconnector.io
 * kinds included) and nothing anywhere else. That is Kubernetes' {@code admin} role and more; the
 * built-in role itself is filled by kube-controller-manager's aggregation, which this API server runs
 * without.
 */
public final class NamespaceAdmins {
  private NamespaceAdmins() {
  }

  /** A client acting as the admin of {@code namespace} and of nothing else. */
  public static KubernetesClient adminOf(KubernetesClient cluster, String namespace) {
    String name = "namespace-admin";
    cluster.resource(new ServiceAccountBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .endMetadata().build()).create();
    cluster.resource(new RoleBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .endMetadata().addNewRule().withApiGroups("*").withResources("*").withVerbs("*").endRule().build()).create();
    cluster.resource(new RoleBindingBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject().build()).create();
    TokenRequest issued = cluster.serviceAccounts().inNamespace(namespace).withName(name)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build());
    Config admin = cluster.getConfiguration();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(admin.getMasterUrl())
        .withCaCertData(admin.getCaCertData()).withCaCertFile(admin.getCaCertFile())
        .withOauthToken(issued.getStatus().getToken()).withNamespace(namespace).withRequestTimeout(60_000).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
