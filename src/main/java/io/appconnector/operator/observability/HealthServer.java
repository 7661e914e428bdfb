package io.appconnector.operator.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Metrics and probes on their own port: {@code /metrics} (Prometheus text format), {@code /healthz}
 * (liveness: the process answers) and {@code /readyz} (readiness: the operator has started and every
 * informer is healthy). Liveness does not follow the informers, so an API server outage does not
 * restart the pod: the informers reconnect by themselves.
 */
public class HealthServer implements AutoCloseable {
  private final HttpServer server;

  public HealthServer(int port, PrometheusMeterRegistry registry, Supplier<RuntimeInfo> runtime) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 16);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "health-server");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/metrics", x -> {
      if (!"GET".equals(x.getRequestMethod())) {
        send(x, 405, "text/plain", "method not allowed\n");
        return;
      }
      send(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    });
    server.createContext("/healthz", x -> send(x, 200, "text/plain", "ok\n"));
    server.createContext("/readyz", x -> {
      RuntimeInfo info = runtime.get();
      boolean ready = info != null && info.isStarted() && info.allEventSourcesAreHealthy();
      send(x, ready ? 200 : 503, "text/plain", ready ? "ready\n" : "not ready: informers starting or unhealthy\n");
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
