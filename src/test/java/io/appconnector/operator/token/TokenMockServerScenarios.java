package io.appconnector.operator.token;

import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeAll;

/**
 * The token scenarios on the Fabric8 mock server: one CRUD mock server per test class, with the
 * operator's CRDs installed before the first test.
 */
@EnableKubernetesMockClient(crud = true)
abstract class TokenMockServerScenarios extends TokenScenarios {
  /** Set by the mock-server extension for each test class in turn. */
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
