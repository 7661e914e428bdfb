package io.appconnector.operator.support;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real kube-apiserver and etcd (io.fabric8:kube-api-test, offline) built by .ci/kube-binaries.sh.
 * Without the binaries the integration tests are skipped, except under CI, where they fail.
 */
public final class RealApiServer implements AutoCloseable {
  public static final String VERSION = System.getProperty("kube.api.version", "1.34.4");
  public static final String SCRIPT = ".ci/kube-binaries.sh";

  private final KubeAPIServer server;
  private final KubernetesClient client;

  private RealApiServer(KubeAPIServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  public static Path binaries() {
    String dir = System.getenv().getOrDefault("KUBE_API_TEST_DIR", System.getProperty("user.home") + "/.kubeapitest");
    return Path.of(dir, "k8s", VERSION + "-linux-amd64");
  }

  /** Starts an API server, or skips the calling test class when the binaries are missing outside CI. */
  public static RealApiServer start() {
    return start(new LinkedHashMap<>());
  }

  /** As {@link #start()}, with extra kube-apiserver flags (name to value). */
  public static RealApiServer start(Map<String, String> flags) {
    return start(flags, true);
  }

  /** As {@link #start()}, without the project's CRDs: for a test in which something else installs them (Helm). */
  public static RealApiServer startWithoutCrds() {
    return start(new LinkedHashMap<>(), false);
  }

  private static RealApiServer start(Map<String, String> flags, boolean installCrds) {
    Path bin = binaries();
    boolean present = Files.isExecutable(bin.resolve("kube-apiserver")) && Files.isExecutable(bin.resolve("etcd"))
        && Files.isExecutable(bin.resolve("kubectl"));
    if (!present) {
      String message = "kube-apiserver " + VERSION + " binaries not found in " + bin + "; run " + SCRIPT;
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (required under CI)");
      }
      Assumptions.abort(message);
    }
    KubeAPIServerConfigBuilder config = KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withApiServerVersion(VERSION)
        .withOfflineMode(true)
        .withStartupTimeout(180_000)
        .withUpdateKubeConfig(false);
    flags.forEach(config::withApiServerFlag);
    KubeAPIServer server = new KubeAPIServer(config.build());
    server.start();
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    try {
      if (installCrds) {
        Crds.install(client, true);
      }
    } catch (RuntimeException e) {
      client.close();
      server.stop();
      throw e;
    }
    return new RealApiServer(server, client);
  }

  public KubernetesClient client() {
    return client;
  }

  public String kubeConfigYaml() {
    return server.getKubeConfigYaml();
  }

  @Override
  public void close() {
    client.close();
    server.stop();
  }

  /**
   * One API server for a test class: {@code @RegisterExtension static final RealApiServer.PerClass
   * api = new RealApiServer.PerClass();} starts it before the class and stops it after.
   */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private RealApiServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
      server = start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (server != null) {
        server.close();
        server = null;
      }
    }

    public KubernetesClient client() {
      return server.client();
    }

    public String kubeConfigYaml() {
      return server.kubeConfigYaml();
    }
  }
}
