package io.appconnector.operator.reconciler;

import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The lifecycle scenarios against a real kube-apiserver and etcd. */
class ActivationLifecycleIT extends ActivationLifecycleScenarios {
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
