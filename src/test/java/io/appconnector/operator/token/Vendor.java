package io.appconnector.operator.token;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a vendor's connector does: reads the mounted credentials and talks to the token endpoint
 * over HTTP with the JDK's client. Never prints a secret or a token.
 */
final class Vendor {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final KubernetesClient client;
  private final TokenServer server;

  Vendor(KubernetesClient client, TokenServer server) {
    this.client = client;
    this.server = server;
  }

  /** The keys of a delivered Secret, as files mounted from it would hold them. */
  record Mounted(String clientId, String clientSecret, String tokenUrl, String scopes) {
    @Override
    public String toString() {
      return "Mounted[clientId=" + clientId + ", clientSecret=<redacted>, tokenUrl=" + tokenUrl + "]";
    }

    Mounted withSecret(String other) {
      return new Mounted(clientId, other, tokenUrl, scopes);
    }
  }

  /** An HTTP answer: status, headers and the JSON body. */
  record Reply(int status, HttpResponse<String> raw, Map<String, Object> json) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String error() {
      return (String) json.get("error");
    }

    String token() {
      return (String) json.get("access_token");
    }

    @Override
    public String toString() {
      return "Reply[" + status + (json.containsKey("error") ? " " + json.get("error") : "") + "]";
    }
  }

  Mounted read(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return null;
    }
    return new Mounted(value(secret, "clientId"), value(secret, "clientSecret"), value(secret, "tokenUrl"),
        value(secret, "scopes"));
  }

  /** A key's value as a mounted file holds it. The mock API server keeps stringData as written; a real one moves it to data. */
  private static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return text(secret.getData().get(key));
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }

  Reply basic(Mounted credentials, String scope) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    if (scope != null) {
      form.put("scope", scope);
    }
    return post(credentials.tokenUrl(), form(form), Map.of("Authorization", basicHeader(credentials.clientId(),
        credentials.clientSecret())));
  }

  Reply formAuth(Mounted credentials, String scope) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", credentials.clientId());
    form.put("client_secret", credentials.clientSecret());
    if (scope != null) {
      form.put("scope", scope);
    }
    return post(credentials.tokenUrl(), form(form), Map.of());
  }

  static String basicHeader(String id, String secret) {
    String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  static String form(Map<String, String> parameters) {
    return parameters.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  Reply post(String url, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::setHeader);
    return send(request.build());
  }

  Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      Map<String, Object> json = response.body().isEmpty() ? Map.of()
          : JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
      return new Reply(response.statusCode(), response, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20)).GET().build());
  }

  String base() {
    return "http://127.0.0.1:" + server.port();
  }

  private static String text(String base64) {
    return base64 == null ? null : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
