package io.appconnector.operator;

import io.appconnector.operator.config.Env;
import io.appconnector.operator.config.LogSettings;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.credentials.CredentialGenerator;
import io.appconnector.operator.dependent.EventRecorder;
import io.appconnector.operator.dependent.VendorNotifications;
import io.appconnector.operator.dependent.OwnWrites;
import io.appconnector.operator.dependent.PlanExecutor;
import io.appconnector.operator.reconciler.ActivationReconciler;
import io.appconnector.operator.reconciler.AppListingReconciler;
import io.appconnector.operator.reconciler.DeadlinesFirstExecutor;
import io.appconnector.operator.reconciler.ListingReports;
import io.appconnector.operator.cache.LeanStore;
import io.appconnector.operator.reconciler.TrustedNetworkReconciler;
import io.appconnector.operator.http.ServerLimits;
import io.appconnector.operator.observability.HealthServer;
import io.appconnector.operator.observability.Logging;
import io.appconnector.operator.observability.MetricsRegistry;
import io.appconnector.operator.observability.ProductMetrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.appconnector.operator.token.TokenServer;
import io.appconnector.operator.token.TokenSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The operator's entry point: runs against the current kubeconfig (or the in-cluster service
 * account) with settings from the environment.
 */
public final class AppConnectorOperator {
  public static final String LEASE_NAME = "appconnector-operator-leader";
  /** How long reconciles under way may take to finish when the operator stops. */
  static final Duration RECONCILE_GRACE = Duration.ofSeconds(5);
  /** A stop that has not ended by then is cut short: the pod's grace period is 30 s, SIGKILL follows. */
  static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(15);

  private AppConnectorOperator() {
  }

  /**
   * The operator as production runs it, with its metrics registered in {@code metrics.registry()}
   * (JOSDK's reconcile metrics included) and the bounds of the vendor notifications' queue and
   * retries. Status, finalizers and Secrets are written with optimistic locking (resourceVersion), not
   * server-side apply; see docs/decisions.md.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock,
      ProductMetrics metrics, VendorNotifications.Settings notificationSettings) {
    return create(client, settings, clock, metrics, notificationSettings, o -> {
    });
  }

  /**
   * As above, with {@code overrides} applied to JOSDK's configuration last: a benchmark sets the
   * number of reconcile threads, a test installs its own {@code Metrics} to follow reconciles.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock,
      ProductMetrics metrics, VendorNotifications.Settings notificationSettings,
      Consumer<ConfigurationServiceOverrider> overrides) {
    // Reconciles with a due deadline (expiry, a rotation's end, a fee date) run before the others
    // waiting, so a burst of new activations does not make them late; see docs/decisions.md.
    DeadlinesFirstExecutor reconcileQueue = new DeadlinesFirstExecutor(
        ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER);
    Operator operator = new Operator(o -> {
      o.withExecutorService(reconcileQueue);
      o.withKubernetesClient(client)
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics.registry()))
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withStopOnInformerErrorDuringStartup(true)
          // On stop, reconciles under way get this long to finish before the lease is released.
          .withReconciliationTerminationTimeout(RECONCILE_GRACE);
      if (settings.leaderElection()) {
        // JOSDK's own exit on stop-leading would run inside the shutdown hook and hang it.
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE_NAME, settings.operatorNamespace(),
            settings.lease().leaseDuration(), settings.lease().renewDeadline(), settings.lease().retryPeriod(),
            settings.instance(), Leadership.callbacks(settings.instance(), settings.exitOnLostLeadership()), false));
      }
      overrides.accept(o);
    });
    OwnWrites ownWrites = new OwnWrites();
    PlanExecutor executor = new PlanExecutor(client, new CredentialGenerator(), settings.tokenUrl(), ownWrites,
        settings.operatorNamespace());
    EventRecorder events = new EventRecorder(client, clock, settings.instance());
    ListingReports reports = new ListingReports();
    VendorNotifications notifications = new VendorNotifications(client, events, metrics.registry(), clock,
        notificationSettings);
    // As many threads as JOSDK's configuration says, whatever set it.
    int threads = operator.getConfigurationService().concurrentReconciliationThreads();
    reconcileQueue.setMaximumPoolSize(Math.max(threads, reconcileQueue.getCorePoolSize()));
    reconcileQueue.setCorePoolSize(threads);
    reconcileQueue.setMaximumPoolSize(threads);
    ActivationReconciler activations = new ActivationReconciler(clock, executor, events, settings.api(),
        settings.defaultUnusedLifetime(), metrics, ownWrites, reports).withNotifications(notifications);
    reconcileQueue.rankActivationsBy(activations);
    operator.register(activations, c -> {
      c.withName("activation");
      // The reconciler adds its finalizer in the pass that issues credentials and removes it after
      // cleaning up, instead of JOSDK spending a reconcile on adding it.
      c.withTriggerReconcilerOnAllEvents(true);
      // Reconcile on any change, status included, so a hand-edited status is noticed and repaired;
      // the watch events of the operator's own writes (finalizer, status) cost no reconcile.
      c.withGenerationAware(false);
      c.withOnUpdateFilter((updated, old) -> !ownWrites.isOwnWrite(updated));
      c.withItemStore(LeanStore.activations());
      c.withInformerListLimit(LeanStore.LIST_PAGE);
      // Retried without limit, backing off from 0.5 s to 10 s: an expiry that falls due while the
      // API server is unreachable fires within seconds of its return, without waiting for an event.
      c.withRetry(new GenericRetry().setInitialInterval(500).setIntervalMultiplier(2).setMaxInterval(10_000)
          .withoutMaxAttempts());
      if (settings.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(settings.watchNamespaces());
      }
    });
    // The listings' status for the platform team: Ready, and what stands in the way.
    operator.register(new AppListingReconciler(clock, reports), c -> {
      c.withName("applisting");
      c.withGenerationAware(false);
      c.withItemStore(LeanStore.withoutManagedFields());
      c.withRetry(new GenericRetry().setInitialInterval(500).setIntervalMultiplier(2).setMaxInterval(10_000)
          .withoutMaxAttempts());
    });
    operator.register(new TrustedNetworkReconciler(clock), c -> {
      c.withName("trustednetwork");
      if (settings.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(settings.watchNamespaces());
      }
    });
    return operator;
  }

  /** What one process runs: both parts (the default, for the demo and {@code java -jar}), or one of them. */
  public enum Component {
    ALL, TOKEN_SERVER, CONTROLLER;

    /** COMPONENT: all, token-server or controller. */
    public static Component fromEnvironment(Env env) {
      return switch (env.oneOf("COMPONENT", "all", "all", "token-server", "controller")) {
        case "token-server" -> TOKEN_SERVER;
        case "controller" -> CONTROLLER;
        default -> ALL;
      };
    }

    boolean servesTokens() {
      return this != CONTROLLER;
    }

    boolean reconciles() {
      return this != TOKEN_SERVER;
    }
  }

  public static void main(String[] args) {
    Env env = new Env(System.getenv());
    Component component = Component.fromEnvironment(env);
    OperatorSettings settings = OperatorSettings.fromEnvironment(env);
    TokenSettings tokenSettings = TokenSettings.fromEnvironment(env);
    LogSettings logSettings = LogSettings.fromEnvironment(env);
    java.time.Duration usageInterval = TokenSettings.usageFlushInterval(env);
    VendorNotifications.Settings notificationSettings = VendorNotifications.Settings.fromEnvironment(env);
    try {
      env.check();
    } catch (Env.InvalidSettingsException e) {
      System.err.println("appconnector-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    Logging.apply(logSettings);
    KubernetesClient client = new KubernetesClientBuilder().build();
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry registry = MetricsRegistry.create();
    ProductMetrics metrics = new ProductMetrics(registry, clock);
    TokenServer tokens = component.servesTokens()
        ? TokenServer.start(client, tokenSettings, clock, registry, metrics::tokenExchange, usageInterval,
            metrics::exchangeForListing) : null;
    Operator operator = component.reconciles()
        ? create(client, settings, clock, metrics, notificationSettings) : null;
    HealthServer health;
    try {
      // The token server alone is ready once started: start() returns after its caches are filled.
      health = operator != null ? new HealthServer(settings.metricsPort(), registry, operator::getRuntimeInfo)
          : new HealthServer(settings.metricsPort(), registry, () -> true, ServerLimits.PROBE_DEFAULTS);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot listen on the metrics port " + settings.metricsPort(), e);
    }
    Runnable releaseLease = () -> {
      if (operator != null && settings.leaderElection()) {
        Leadership.release(client, settings.operatorNamespace(), settings.instance());
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(operator, releaseLease, tokens, health, client),
        "shutdown"));
    if (operator != null) {
      operator.start();
    }
  }

  /**
   * SIGTERM: stop reconciling (reconciles under way get {@link #RECONCILE_GRACE}), release the lease
   * when leading so a follower takes over at once, stop serving tokens and probes. A stop that hangs
   * is cut short after {@link #SHUTDOWN_LIMIT}.
   */
  private static void stop(Operator operator, Runnable releaseLease, TokenServer tokens, HealthServer health,
      KubernetesClient client) {
    Thread limit = new Thread(() -> {
      try {
        Thread.sleep(SHUTDOWN_LIMIT.toMillis());
        LoggerFactory.getLogger(AppConnectorOperator.class).error("stopping took over {}s; halting",
            SHUTDOWN_LIMIT.toSeconds());
        Runtime.getRuntime().halt(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "shutdown-limit");
    limit.setDaemon(true);
    limit.start();
    long started = System.nanoTime();
    Runnable stopOperator = () -> {
      if (operator != null) {
        operator.stop();
      }
    };
    Runnable stopTokens = () -> {
      if (tokens != null) {
        tokens.close();
      }
    };
    for (Runnable step : new Runnable[] {stopOperator, releaseLease, stopTokens, health::close, client::close}) {
      try {
        step.run();
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(AppConnectorOperator.class).warn("while stopping: {}", e.toString());
      }
    }
    LoggerFactory.getLogger(AppConnectorOperator.class).info("stopped in {} ms",
        (System.nanoTime() - started) / 1_000_000);
  }
}
