package io.appconnector.operator.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes JSON answers. Every answer forbids caching (RFC 6749 section 5.1); an invalid_client
 * answer names Basic in WWW-Authenticate. Held-back answers are written later from a scheduler, so
 * a slowed-down client occupies no server thread while it waits.
 */
public class HttpReplies {
  private static final Logger log = LoggerFactory.getLogger(HttpReplies.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String REALM = "Basic realm=\"appconnector\"";
  /** Beyond this many held-back answers, further ones are dropped (connection closed) rather than queued. */
  static final int MAX_HELD = 2048;

  private final ScheduledExecutorService scheduler;
  private final AtomicInteger held = new AtomicInteger();

  public HttpReplies(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** How many answers are waiting to be sent. */
  public int held() {
    return held.get();
  }

  public static Map<String, Object> errorBody(OAuthError error) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error.error());
    body.put("error_description", error.description());
    return body;
  }

  public void error(HttpExchange exchange, OAuthError error) {
    if (error.allow() != null) {
      exchange.getResponseHeaders().set("Allow", error.allow());
    }
    if (error.isClientAuthenticationFailure()) {
      exchange.getResponseHeaders().set("WWW-Authenticate", REALM);
    }
    json(exchange, error.status(), errorBody(error));
  }

  /** Answers the error after the delay, from the scheduler. */
  public void errorLater(HttpExchange exchange, OAuthError error, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      error(exchange, error);
      return;
    }
    if (held.incrementAndGet() > MAX_HELD) {
      held.decrementAndGet();
      exchange.close();
      return;
    }
    try {
      scheduler.schedule(() -> {
        held.decrementAndGet();
        error(exchange, error);
      }, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      held.decrementAndGet();
      exchange.close();
    }
  }

  public void json(HttpExchange exchange, int status, Map<String, ?> body) {
    try (exchange) {
      byte[] bytes = JSON.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("Pragma", "no-cache");
      if (status >= 400) {
        // A refused request may have left part of its body unread: end the connection after the
        // answer, so the client never reuses a connection the server is about to drop.
        exchange.getResponseHeaders().set("Connection", "close");
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("answer not serializable", e);
    } catch (IOException e) {
      // The client went away; nothing to answer.
      log.debug("answer not delivered: {}", e.getClass().getSimpleName());
    }
  }
}
