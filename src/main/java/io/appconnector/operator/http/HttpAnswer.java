package io.appconnector.operator.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer to write: status, headers and body, after {@code delay} (held by a timer, never by a
 * thread). A {@code Connection: close} header ends the connection after the answer.
 */
public record HttpAnswer(int status, Map<String, String> headers, byte[] body, Duration delay) {

  public HttpAnswer {
    headers = Map.copyOf(headers);
  }

  public static HttpAnswer text(int status, String contentType, String body) {
    return new HttpAnswer(status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8),
        Duration.ZERO);
  }

  public HttpAnswer withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new HttpAnswer(status, more, body, delay);
  }

  public HttpAnswer delayedBy(Duration by) {
    return new HttpAnswer(status, headers, body, by);
  }

  public boolean closesConnection() {
    return "close".equalsIgnoreCase(headers.get("Connection"));
  }
}
