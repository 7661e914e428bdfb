package io.appconnector.operator.reconciler;

import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Trusted-network policies against a real kube-apiserver: it accepts every policy the operator writes. */
class TrustedNetworkIT extends TrustedNetworkScenarios {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();


  @Override
  protected KubernetesClient client() {
    return api.client();
  }
}
