package io.appconnector.operator.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Fabric8 mock API server in CRUD mode for a test class, with the operator's CRDs installed:
 * {@code @RegisterExtension static final MockApiServer api = new MockApiServer();} starts it before
 * the class and stops it after. The mock-server twin of {@link RealApiServer.PerClass}, so a scenario
 * class runs on either with the same two lines.
 */
public final class MockApiServer implements BeforeAllCallback, AfterAllCallback {
  private KubernetesMockServer server;
  private KubernetesClient client;

  @Override
  public void beforeAll(ExtensionContext context) {
    // As @EnableKubernetesMockClient(crud = true) builds it: CRUD, with expectations served first.
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), expectations,
        new KubernetesMixedDispatcher(expectations), true);
    server.init();
    client = server.createClient();
    Crds.install(client, false);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (client != null) {
      client.close();
      client = null;
    }
    if (server != null) {
      server.destroy();
      server = null;
    }
  }

  public KubernetesClient client() {
    return client;
  }
}
