package io.appconnector.operator.token;

import io.appconnector.operator.support.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The token scenarios on the Fabric8 mock server: one CRUD mock server per test class, with the
 * operator's CRDs installed before the first test.
 */
abstract class TokenMockServerScenarios extends TokenScenarios {
  @RegisterExtension
  static final MockApiServer api = new MockApiServer();

  @Override
  protected KubernetesClient client() {
    return api.client();
  }
}
