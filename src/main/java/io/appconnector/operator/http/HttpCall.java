package io.appconnector.operator.http;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the endpoints read it, already bounded in size and time by {@link GuardedHttpServer}.
 *
 * @param headers header values by lower-case name
 * @param body the body, or empty when it exceeded the server's limit
 * @param bodyTooLarge whether the body exceeded the limit (it was then not kept)
 * @param source the client's address: the TCP peer, or what a trusted proxy reported
 */
public record HttpCall(String method, String path, Map<String, List<String>> headers, byte[] body,
    boolean bodyTooLarge, InetAddress source) {

  public List<String> headers(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  public String header(String name) {
    List<String> values = headers(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
