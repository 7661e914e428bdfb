package io.appconnector.operator.reconciler;

import io.appconnector.operator.support.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lifecycle scenarios against the Fabric8 mock server in CRUD mode. */
class ActivationLifecycleMockServerTest extends ActivationLifecycleScenarios {
  @RegisterExtension
  static final MockApiServer api = new MockApiServer();

  @Override
  protected KubernetesClient client() {
    return api.client();
  }
}
