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
 * Tenants and vendors as they are on a shared cluster: a ServiceAccount bound to Kubernetes' own
 * {@code admin} ClusterRole in its namespace only (everything in it, Secrets, ConfigMaps and Events
 * included), plus the appconnector.io kinds a tenant applies there. Its client can do exactly that,
 * and nothing in any other namespace.
 */
public final class NamespaceAdmins {
  private NamespaceAdmins() {
  }

  /** A client acting as the admin of {@code namespace} and of nothing else. */
  public static KubernetesClient adminOf(KubernetesClient cluster, String namespace) {
    String name = "namespace-admin";
    cluster.resource(new ServiceAccountBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .endMetadata().build()).create();
    cluster.resource(new RoleBindingBuilder().withNewMetadata().withNamespace(namespace).withName(name + "-admin")
        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "admin")
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject().build()).create();
    cluster.resource(new RoleBuilder().withNewMetadata().withNamespace(namespace).withName(name + "-appconnector")
        .endMetadata().addNewRule().withApiGroups("appconnector.io").withResources("activations", "trustednetworks")
        .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endRule().build()).create();
    cluster.resource(new RoleBindingBuilder().withNewMetadata().withNamespace(namespace).withName(name + "-appconnector")
        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", name + "-appconnector")
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject().build()).create();
    TokenRequest issued = cluster.serviceAccounts().inNamespace(namespace).withName(name)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build());
    Config admin = cluster.getConfiguration();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(admin.getMasterUrl())
        .withCaCertData(admin.getCaCertData()).withCaCertFile(admin.getCaCertFile())
        .withOauthToken(issued.getStatus().getToken()).withNamespace(namespace).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
