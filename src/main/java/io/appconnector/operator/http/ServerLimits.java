package io.appconnector.operator.http;

import java.time.Duration;

/**
 * What one listener grants its clients. A request's headers must arrive within {@code headerTimeout}
 * of its first byte (or of the connection's start), its body within {@code bodyTimeout} of its
 * headers; a connection idle between requests is closed after {@code idleTimeout}. Connections and
 * requests being handled are bounded per source address and in total; beyond a bound the answer is
 * 503 with {@code Retry-After}.
 *
 * @param maxBody the largest body kept; a larger one is refused by the endpoint, unread beyond the limit
 * @param maxHeld how many delayed answers may wait at once; beyond it the connection is closed instead
 */
public record ServerLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections,
    int maxConnectionsPerSource, int maxInFlight, int maxInFlightPerSource, int maxBody, Duration retryAfter,
    int maxHeld) {

  public ServerLimits {
    if (maxConnections < 1 || maxConnectionsPerSource < 1 || maxInFlight < 1 || maxInFlightPerSource < 1) {
      throw new IllegalArgumentException("connection and in-flight bounds must be at least 1");
    }
    if (headerTimeout.isNegative() || headerTimeout.isZero() || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
      throw new IllegalArgumentException("header and body timeouts must be positive");
    }
  }

  /** The token endpoint's defaults: a few seconds per request, room for a thousand idle attackers and a busy fleet. */
  public static final ServerLimits TOKEN_DEFAULTS = new ServerLimits(Duration.ofSeconds(5), Duration.ofSeconds(5),
      Duration.ofSeconds(30), 4096, 256, 256, 32, 16 * 1024, Duration.ofSeconds(1), 2048);

  /** Probes and metrics: few clients, small requests, no body. */
  public static final ServerLimits PROBE_DEFAULTS = new ServerLimits(Duration.ofSeconds(3), Duration.ofSeconds(3),
      Duration.ofSeconds(30), 256, 16, 32, 8, 1024, Duration.ofSeconds(1), 0);

  public ServerLimits withConnections(int total, int perSource) {
    return new ServerLimits(headerTimeout, bodyTimeout, idleTimeout, total, perSource, maxInFlight,
        maxInFlightPerSource, maxBody, retryAfter, maxHeld);
  }

  public ServerLimits withInFlight(int total, int perSource) {
    return new ServerLimits(headerTimeout, bodyTimeout, idleTimeout, maxConnections, maxConnectionsPerSource, total,
        perSource, maxBody, retryAfter, maxHeld);
  }

  public ServerLimits withTimeouts(Duration header, Duration body) {
    return new ServerLimits(header, body, idleTimeout, maxConnections, maxConnectionsPerSource, maxInFlight,
        maxInFlightPerSource, maxBody, retryAfter, maxHeld);
  }
}
