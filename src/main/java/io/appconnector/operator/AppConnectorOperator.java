package io.appconnector.operator;

import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.dependent.EventRecorder;
import io.appconnector.operator.dependent.PlanExecutor;
import io.appconnector.operator.reconciler.ActivationReconciler;
import io.appconnector.operator.reconciler.Deadlines;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;

/**
 * The operator's entry point: runs against the current kubeconfig (or the in-cluster service
 * account) with settings from the environment.
 */
public final class AppConnectorOperator {
  public static final String LEASE_NAME = "appconnector-operator-leader";

  private AppConnectorOperator() {
  }

  /**
   * The operator as production runs it. Status, finalizers and Secrets are written with optimistic
   * locking (resourceVersion), not server-side apply; see docs/decisions.md.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock) {
    return create(client, settings, clock, new Deadlines());
  }

  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock, Deadlines deadlines) {
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withStopOnInformerErrorDuringStartup(true);
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE_NAME, settings.operatorNamespace(),
            settings.lease().leaseDuration(), settings.lease().renewDeadline(), settings.lease().retryPeriod(),
            settings.instance(), null, settings.exitOnLostLeadership()));
      }
    });
    PlanExecutor executor = new PlanExecutor(client, new CredentialGenerator(), settings.tokenUrl());
    EventRecorder events = new EventRecorder(client, clock, settings.instance());
    operator.register(new ActivationReconciler(clock, executor, events, deadlines, settings.api()), c -> {
      c.withName("activation");
      if (settings.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(settings.watchNamespaces());
      }
    });
    return operator;
  }

  public static void main(String[] args) {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    Operator operator = create(client, settings, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(operator::stop, "shutdown"));
    operator.start();
  }
}
