package io.appconnector.operator.observability;

import io.appconnector.operator.http.GuardedHttpServer;
import io.appconnector.operator.http.HttpAnswer;
import io.appconnector.operator.http.HttpCall;
import io.appconnector.operator.http.ServerLimits;
import io.appconnector.operator.http.TrustedProxies;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Metrics and probes on their own port and threads: {@code /metrics} (Prometheus text format),
 * {@code /healthz} (liveness: the process answers) and {@code /readyz} (readiness: the operator has
 * started and every informer is healthy). Liveness does not follow the informers, so an API server
 * outage does not restart the pod: the informers reconnect by themselves. The listener has its own
 * event loop, workers and bounds, so load on the token endpoint never delays a probe.
 */
public class HealthServer implements AutoCloseable {
  private static final String TEXT = "text/plain; charset=utf-8";
  private final GuardedHttpServer server;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier ready;

  public HealthServer(int port, PrometheusMeterRegistry registry, Supplier<RuntimeInfo> runtime) throws IOException {
    this(port, registry, runtime, ServerLimits.PROBE_DEFAULTS);
  }

  public HealthServer(int port, PrometheusMeterRegistry registry, Supplier<RuntimeInfo> runtime, ServerLimits limits)
      throws IOException {
    this(port, registry, () -> {
      RuntimeInfo info = runtime.get();
      return info != null && info.isStarted() && info.allEventSourcesAreHealthy();
    }, limits);
  }

  /** Probes and metrics of a process without reconcilers (the token server): ready when {@code ready} says so. */
  public HealthServer(int port, PrometheusMeterRegistry registry, BooleanSupplier ready, ServerLimits limits)
      throws IOException {
    this.registry = registry;
    this.ready = ready;
    try {
      server = GuardedHttpServer.start(new GuardedHttpServer.Listener("metrics", "0.0.0.0", port, 1, 2, limits,
          TrustedProxies.NONE, false, null), this::answer,
          retryAfter -> HttpAnswer.text(503, TEXT, "busy, retry shortly\n"));
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private HttpAnswer answer(HttpCall call) {
    switch (call.path()) {
      case "/metrics":
        if (!"GET".equals(call.method())) {
          return HttpAnswer.text(405, TEXT, "method not allowed\n");
        }
        return HttpAnswer.text(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
      case "/healthz":
        return HttpAnswer.text(200, TEXT, "ok\n");
      case "/readyz":
        boolean isReady = ready.getAsBoolean();
        return HttpAnswer.text(isReady ? 200 : 503, TEXT, isReady ? "ready\n" : "not ready: informers starting or unhealthy\n");
      default:
        return HttpAnswer.text(404, TEXT, "not found\n");
    }
  }

  public int port() {
    return server.port();
  }

  /** How many connections the listener holds open now. */
  public int connections() {
    return server.connections();
  }

  @Override
  public void close() {
    server.close();
  }
}
