package io.appconnector.operator.reconciler;

import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Trusted-network policies against a real kube-apiserver: it accepts every policy the operator writes. */
class TrustedNetworkIT extends TrustedNetworkScenarios {
  static RealApiServer api;

  @BeforeAll
  static void startApiServer() {
    api = RealApiServer.start();
  }

  @AfterAll
  static void stopApiServer() {
    if (api != null) {
      api.close();
    }
  }

  @Override
  protected KubernetesClient client() {
    return api.client();
  }
}
