package io.appconnector.operator.helm;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real kube-apiserver (RBAC authorization, as every one kube-api-test starts) that also writes an
 * audit log of the requests service accounts make, and enforces owner-reference permissions
 * (OwnerReferencesPermissionEnforcement, on in OpenShift and many hardened clusters). Skipped like
 * {@link RealApiServer} when the binaries are missing outside CI.
 */
public final class AuditedApiServer implements AutoCloseable {
  private static final String POLICY = """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived, ResponseStarted]
      rules:
      - level: Metadata
        userGroups: ["system:serviceaccounts"]
      - level: None
      """;

  /** One request as the audit log records it. */
  public record Request(String user, String verb, String apiGroup, String resource, String subresource,
      String namespace, String name, int code) {
    /** The resource as RBAC names it: "activations/status". */
    public String rbacResource() {
      return subresource == null ? resource : resource + "/" + subresource;
    }
  }

  private final RealApiServer server;
  private final Path dir;

  private AuditedApiServer(RealApiServer server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  public static AuditedApiServer start() {
    try {
      Path dir = Files.createTempDirectory("appconnector-audit");
      Files.writeString(dir.resolve("policy.yaml"), POLICY);
      Map<String, String> flags = new LinkedHashMap<>();
      flags.put("--audit-policy-file", dir.resolve("policy.yaml").toString());
      flags.put("--audit-log-path", dir.resolve("audit.log").toString());
      flags.put("--audit-log-format", "json");
      flags.put("--enable-admission-plugins", "OwnerReferencesPermissionEnforcement");
      return new AuditedApiServer(RealApiServer.start(flags), dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An administrator's client (system:masters). */
  public KubernetesClient client() {
    return server.client();
  }

  /** Every request the given user made so far, in order. */
  public List<Request> requests(String user) {
    try (Stream<String> lines = Files.lines(dir.resolve("audit.log"))) {
      return lines.map(line -> Serialization.unmarshal(line, JsonNode.class))
          .filter(e -> user.equals(e.path("user").path("username").asText()))
          .map(e -> new Request(user, e.path("verb").asText(), groupOf(e.path("objectRef").path("apiGroup")),
              text(e.path("objectRef").path("resource")), text(e.path("objectRef").path("subresource")),
              text(e.path("objectRef").path("namespace")), text(e.path("objectRef").path("name")),
              e.path("responseStatus").path("code").asInt()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The core group is "" in RBAC rules and absent in the audit log. */
  private static String groupOf(JsonNode node) {
    String group = text(node);
    return group == null ? "" : group;
  }

  private static String text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        files.forEach(f -> f.toFile().delete());
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
