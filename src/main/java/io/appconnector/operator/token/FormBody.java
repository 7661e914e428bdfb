package io.appconnector.operator.token;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads and parses {@code application/x-www-form-urlencoded} request bodies within a size limit. */
public final class FormBody {
  public static final String MEDIA_TYPE = "application/x-www-form-urlencoded";
  /** Far more than any token or introspection request needs; larger bodies are refused unread. */
  public static final int LIMIT = 16 * 1024;
  /** How much of an oversized body is read and discarded before answering. */
  static final long DRAIN_LIMIT = 1024 * 1024;
  private static final java.util.Set<String> KNOWN =
      java.util.Set.of("grant_type", "scope", "client_id", "client_secret", "token", "token_type_hint");

  private FormBody() {
  }

  /** Refuses anything but a form body; parameters such as charset are accepted. */
  public static void requireFormContentType(String contentType) {
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!MEDIA_TYPE.equals(mediaType)) {
      throw OAuthError.invalidRequest("The request body must be " + MEDIA_TYPE + ".");
    }
  }

  /**
   * Reads the body, stopping as soon as it exceeds the limit. A declared Content-Length over the
   * limit is refused without reading at all.
   */
  public static byte[] read(InputStream in, String contentLength, int limit) throws IOException {
    if (contentLength != null) {
      long declared;
      try {
        declared = Long.parseLong(contentLength.trim());
      } catch (NumberFormatException e) {
        throw OAuthError.invalidRequest("Malformed Content-Length.");
      }
      if (declared > limit) {
        drain(in);
        throw tooLarge(limit);
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    int n;
    while ((n = in.read(buffer, 0, Math.min(buffer.length, limit + 1 - body.size()))) > 0) {
      body.write(buffer, 0, n);
      if (body.size() > limit) {
        drain(in);
        throw tooLarge(limit);
      }
    }
    return body.toByteArray();
  }

  /**
   * Reads and discards what is left of an oversized body, up to {@link #DRAIN_LIMIT}, so the answer
   * is not lost to a connection reset while the client is still sending. Beyond that the
   * connection is dropped after the answer.
   */
  static void drain(InputStream in) throws IOException {
    byte[] sink = new byte[8192];
    long left = DRAIN_LIMIT;
    int n;
    while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
      left -= n;
    }
  }

  /**
   * Parses name=value pairs. RFC 6749 section 3.1: a parameter sent twice is an error, and one sent
   * without a value counts as omitted.
   */
  public static Map<String, String> parse(byte[] body) {
    Map<String, String> parameters = new LinkedHashMap<>();
    String text = new String(body, StandardCharsets.UTF_8);
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      String[] nameValue = pair.split("=", 2);
      String name = decode(nameValue[0]);
      String value = nameValue.length == 2 ? decode(nameValue[1]) : "";
      if (parameters.containsKey(name)) {
        throw OAuthError.invalidRequest(shown(name) + " is included more than once.");
      }
      parameters.put(name, value);
    }
    parameters.values().removeIf(String::isEmpty);
    return parameters;
  }

  static String decode(String encoded) {
    try {
      return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw OAuthError.invalidRequest("The request body is not valid form encoding.");
    }
  }

  /** Only parameter names the server knows are echoed: a name could be anything the client typed. */
  private static String shown(String name) {
    return KNOWN.contains(name) ? "Parameter '" + name + "'" : "A parameter";
  }

  private static OAuthError tooLarge(int limit) {
    return OAuthError.invalidRequest("The request body exceeds " + limit + " bytes.");
  }
}
