package io.appconnector.operator.token;

import io.appconnector.operator.http.HttpCall;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code application/x-www-form-urlencoded} request bodies with Netty's decoder; the body's
 * size was bounded by the listener.
 */
public final class FormBody {
  public static final String MEDIA_TYPE = "application/x-www-form-urlencoded";
  /** Far more than any token or introspection request needs; larger bodies are refused unparsed. */
  public static final int LIMIT = 16 * 1024;
  /** More parameters than any request needs; the decoder stops there. */
  static final int MAX_PARAMETERS = 64;
  private static final Set<String> KNOWN =
      Set.of("grant_type", "scope", "client_id", "client_secret", "token", "token_type_hint",
      "client_assertion", "client_assertion_type");

  private FormBody() {
  }

  /** Refuses anything but a form body; parameters such as charset are accepted. */
  public static void requireFormContentType(String contentType) {
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!MEDIA_TYPE.equals(mediaType)) {
      throw OAuthError.invalidRequest("The request body must be " + MEDIA_TYPE + ".");
    }
  }

  /** The checked form of a POST to {@code path}: method, path, content type, size and duplicates. */
  public static Map<String, String> read(HttpCall call, String path) {
    if (!path.equals(call.path())) {
      throw OAuthError.notFound();
    }
    if (!"POST".equals(call.method())) {
      throw OAuthError.methodNotAllowed("POST");
    }
    requireFormContentType(call.header("Content-Type"));
    if (call.bodyTooLarge()) {
      throw OAuthError.invalidRequest("The request body exceeds " + LIMIT + " bytes.");
    }
    return parse(call.body());
  }

  /**
   * Parses name=value pairs. RFC 6749 section 3.1: a parameter sent twice is an error, and one sent
   * without a value counts as omitted.
   */
  public static Map<String, String> parse(byte[] body) {
    Map<String, List<String>> decoded;
    try {
      decoded = new QueryStringDecoder(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false,
          MAX_PARAMETERS, true).parameters();
    } catch (IllegalArgumentException e) {
      throw OAuthError.invalidRequest("The request body is not valid form encoding.");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    decoded.forEach((name, values) -> {
      if (values.size() > 1) {
        throw OAuthError.invalidRequest(shown(name) + " is included more than once.");
      }
      if (!values.get(0).isEmpty()) {
        parameters.put(name, values.get(0));
      }
    });
    return parameters;
  }

  /** Percent-decoding (with '+' as space) of one form component, as RFC 6749 appendix B asks for Basic credentials. */
  static String decode(String encoded) {
    try {
      return QueryStringDecoder.decodeComponent(encoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw OAuthError.invalidRequest("The request body is not valid form encoding.");
    }
  }

  /** Only parameter names the server knows are echoed: a name could be anything the client typed. */
  private static String shown(String name) {
    return KNOWN.contains(name) ? "Parameter '" + name + "'" : "A parameter";
  }
}
