package io.appconnector.operator.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appconnector.operator.http.HttpAnswer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON answers. Every answer forbids caching (RFC 6749 section 5.1); an invalid_client answer names
 * Basic in WWW-Authenticate; a refusal ends the connection, since it may have left part of its body
 * unread.
 */
public final class HttpReplies {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String REALM = "Basic realm=\"appconnector\"";

  private HttpReplies() {
  }

  public static Map<String, Object> errorBody(OAuthError error) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error.error());
    body.put("error_description", error.description());
    return body;
  }

  public static HttpAnswer error(OAuthError error) {
    HttpAnswer answer = json(error.status(), errorBody(error));
    if (error.allow() != null) {
      answer = answer.withHeader("Allow", error.allow());
    }
    if (error.isClientAuthenticationFailure()) {
      answer = answer.withHeader("WWW-Authenticate", REALM);
    }
    return answer;
  }

  /** The answer to a request refused because the listener is at a bound: 503, retry later. */
  public static HttpAnswer overloaded(Duration retryAfter) {
    return error(OAuthError.temporarilyUnavailable());
  }

  public static HttpAnswer json(int status, Map<String, ?> body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("answer not serializable", e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json;charset=UTF-8");
    headers.put("Cache-Control", "no-store");
    headers.put("Pragma", "no-cache");
    if (status >= 400) {
      headers.put("Connection", "close");
    }
    return new HttpAnswer(status, headers, bytes, Duration.ZERO);
  }
}
