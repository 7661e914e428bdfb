package io.appconnector.operator.reconciler;

import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lifecycle scenarios against a real kube-apiserver and etcd. */
class ActivationLifecycleIT extends ActivationLifecycleScenarios {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();


  @Override
  protected KubernetesClient client() {
    return api.client();
  }
}
