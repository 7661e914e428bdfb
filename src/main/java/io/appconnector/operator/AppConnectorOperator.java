package io.appconnector.operator;

import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.dependent.EventRecorder;
import io.appconnector.operator.dependent.PlanExecutor;
import io.appconnector.operator.reconciler.ActivationReconciler;
import io.appconnector.operator.reconciler.Deadlines;
import io.appconnector.operator.token.TokenServer;
import io.appconnector.operator.token.TokenSettings;
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

  /**
   * The token endpoint as production runs it, on every replica whether or not it leads: it fills
   * its own caches and serves once they are filled.
   */
  public static TokenServer startTokenServer(KubernetesClient client, TokenSettings settings, Clock clock) {
    return TokenServer.start(client, settings, clock);
  }

  public static void main(String[] args) {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    TokenSettings tokenSettings = TokenSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    Clock clock = Clock.systemUTC();
    TokenServer tokens = startTokenServer(client, tokenSettings, clock);
    Operator operator = create(client, settings, clock);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      tokens.close();
    }, "shutdown"));
    operator.start();
  }
}
