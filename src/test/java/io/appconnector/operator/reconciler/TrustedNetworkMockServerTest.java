package io.appconnector.operator.reconciler;

import io.appconnector.operator.support.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Trusted-network policies against the Fabric8 mock server in CRUD mode. */
class TrustedNetworkMockServerTest extends TrustedNetworkScenarios {
  @RegisterExtension
  static final MockApiServer api = new MockApiServer();

  @Override
  protected KubernetesClient client() {
    return api.client();
  }
}
