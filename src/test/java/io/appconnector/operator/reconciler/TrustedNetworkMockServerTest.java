package io.appconnector.operator.reconciler;

import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeAll;

/** Trusted-network policies against the Fabric8 mock server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class TrustedNetworkMockServerTest extends TrustedNetworkScenarios {
  static KubernetesClient client;

  @BeforeAll
  static void crds() {
    Crds.install(client, false);
  }

  @Override
  protected KubernetesClient client() {
    return client;
  }
}
