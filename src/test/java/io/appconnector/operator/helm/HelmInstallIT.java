package io.appconnector.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.appconnector.operator.support.Tools;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart installed, upgraded and uninstalled by a real `helm` (built by .ci/helm-binary.sh)
 * against the real kube-apiserver, as a platform team would: the CRDs come with the release, an
 * upgrade that changes a CRD changes it in the cluster, and `helm uninstall` leaves the CRDs and
 * the custom resources (crds.keep). The NOTES' inline example is applied as a chart user would.
 */
class HelmInstallIT {
  /** The controller and the token server. */
  static final List<String> DEPLOYMENTS = List.of(Chart.RELEASE + "-controller", Chart.RELEASE + "-token-server");

  static final String NS = "appconnector-system";
  static final String VERSION = System.getProperty("helm.version", "3.19.5");
  static final List<String> CRDS = List.of("activations.appconnector.io", "applistings.appconnector.io",
      "trustednetworks.appconnector.io");

  static RealApiServer api;
  static Path helm;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    helm = RealApiServer.binaries().getParent().getParent().resolve("helm/" + VERSION + "-linux-amd64/helm");
    if (!Files.isExecutable(helm)) {
      String message = "helm " + VERSION + " not found at " + helm + "; run .ci/helm-binary.sh";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (required under CI)");
      }
      Assumptions.abort(message);
    }
    api = RealApiServer.startWithoutCrds();
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  /** Runs helm with a kubeconfig for the test's API server and its own cache and config directories. */
  String helm(String... args) {
    try {
      Path kubeconfig = dir.resolve("kubeconfig");
      if (!Files.exists(kubeconfig)) {
        Files.writeString(kubeconfig, api.kubeConfigYaml());
      }
      List<String> command = new ArrayList<>(List.of(helm.toString(), "--kubeconfig", kubeconfig.toString()));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("HELM_CACHE_HOME", dir.resolve("helm-cache").toString());
      builder.environment().put("HELM_CONFIG_HOME", dir.resolve("helm-config").toString());
      builder.environment().put("HELM_DATA_HOME", dir.resolve("helm-data").toString());
      Process process = builder.start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("helm " + String.join(" ", args) + " did not finish:\n" + output);
      }
      assertEquals(0, process.exitValue(), () -> "helm " + String.join(" ", args) + ":\n" + output);
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  CustomResourceDefinition crd(String name) {
    return api.client().apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  /** The YAML between `kubectl apply -f - <<'YAML'` and `YAML` in the NOTES, without the indentation. */
  static String inlineExample(String notes) {
    int start = notes.indexOf("<<'YAML'\n");
    assertTrue(start > 0, notes);
    int end = notes.indexOf("\n  YAML\n", start);
    return notes.substring(start + "<<'YAML'\n".length(), end).lines()
        .map(l -> l.startsWith("  ") ? l.substring(2) : l).collect(Collectors.joining("\n"));
  }

  /** A copy of the chart whose TrustedNetwork CRD has one more printer column: the next chart version's CRD. */
  Path chartWithChangedCrd() throws IOException {
    Path copy = dir.resolve("chart");
    try (Stream<Path> files = Files.walk(Chart.PATH)) {
      for (Path from : files.toList()) {
        Path to = copy.resolve(Chart.PATH.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    Path file = copy.resolve("files/crds/trustednetworks.appconnector.io-v1.yml");
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
    crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().add(new CustomResourceColumnDefinitionBuilder()
        .withName("Upgraded").withType("string").withJsonPath(".metadata.name").build());
    Files.writeString(file, Serialization.asYaml(crd));
    return copy;
  }

  @Test
  void helmLintStrictPassesWithEveryOptionOn() throws IOException {
    Path values = dir.resolve("everything.yaml");
    Files.writeString(values, HelmChartIT.EVERYTHING_ON);
    for (List<String> args : List.of(List.of("lint", "--strict", Chart.PATH.toString()),
        List.of("lint", "--strict", Chart.PATH.toString(), "--values", values.toString()))) {
      String lint = helm(args.toArray(String[]::new));
      assertTrue(lint.contains("1 chart(s) linted, 0 chart(s) failed"), lint);
      assertTrue(!lint.contains("[WARNING]") && !lint.contains("[ERROR]"), lint);
    }
  }

  @Test
  void installUpgradeAndUninstallWithTheCrdsManagedByHelm() throws IOException {
    KubernetesClient client = api.client();
    for (String crd : CRDS) {
      assertNull(crd(crd), "no CRD before the install");
    }

    // Install: the CRDs come with the release, kept on uninstall.
    String installed = helm("install", Chart.RELEASE, Chart.PATH.toString(), "--namespace", NS, "--create-namespace");
    assertTrue(installed.contains("STATUS: deployed"), installed);
    for (String name : CRDS) {
      CustomResourceDefinition crd = crd(name);
      assertNotNull(crd, name + " installed by helm install");
      assertEquals("keep", crd.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
      assertEquals(Chart.RELEASE, crd.getMetadata().getAnnotations().get("meta.helm.sh/release-name"));
      client.apiextensions().v1().customResourceDefinitions().withName(name)
          .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
              .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
    }
    for (String deployment : DEPLOYMENTS) {
      assertNotNull(client.apps().deployments().inNamespace(NS).withName(deployment).get(), deployment);
    }

    // What the NOTES tell a chart user to apply is accepted as it stands.
    for (String namespace : List.of("vendor-ledgerly", "tenant-acme")) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    }
    List<GenericKubernetesResource> example = new ArrayList<>();
    for (String document : inlineExample(installed).split("(?m)^---$")) {
      example.add(client.resource(Serialization.unmarshal(document, GenericKubernetesResource.class)).create());
    }
    assertEquals(List.of("AppListing", "Activation"), example.stream().map(GenericKubernetesResource::getKind).toList());
    // ...and so are the commands it tells them to read the outcome with, once the API server's
    // discovery (which kubectl resolves the category through) serves the new CRDs.
    Await.until("the appconnector category in discovery", () -> client.raw("/apis/appconnector.io/v1alpha1"),
        d -> d != null && d.split("\"appconnector\"", -1).length - 1 == CRDS.size());
    Path kubeconfig = dir.resolve("kubeconfig");
    for (String line : installed.lines().map(String::strip).filter(l -> l.startsWith("kubectl get ")).toList()) {
      List<String> args = new ArrayList<>(List.of(line.substring("kubectl ".length()).split(" ")));
      args.addAll(List.of("--cache-dir", dir.resolve("kubectl-cache").toString()));
      Tools.Result read = Tools.kubectl(kubeconfig, args.toArray(String[]::new));
      assertEquals(0, read.exitCode(), () -> line + ":\n" + read.err());
      if (line.startsWith("kubectl get appconnector ") || line.startsWith("kubectl get applistings")) {
        assertTrue(read.out().contains("ledgerly"), () -> line + ":\n" + read.out());
      }
    }

    // Upgrade with a changed CRD: Helm changes it in the cluster, the custom resources stay.
    String trustedNetworks = "trustednetworks.appconnector.io";
    assertTrue(crd(trustedNetworks).getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
        .noneMatch(c -> c.getName().equals("Upgraded")));
    String upgraded = helm("upgrade", Chart.RELEASE, chartWithChangedCrd().toString(), "--namespace", NS);
    assertTrue(upgraded.contains("REVISION: 2"), upgraded);
    assertTrue(crd(trustedNetworks).getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
        .anyMatch(c -> c.getName().equals("Upgraded")), "helm upgrade changed the CRD");
    assertNotNull(client.genericKubernetesResources("appconnector.io/v1alpha1", "AppListing").withName("ledgerly").get());

    // Turning crds.enabled off on an upgrade leaves them too (kept), and turning it on again adopts them.
    String withoutCrds = helm("upgrade", Chart.RELEASE, Chart.PATH.toString(), "--namespace", NS, "--set", "crds.enabled=false");
    assertTrue(withoutCrds.contains("REVISION: 3"), withoutCrds);
    for (String name : CRDS) {
      assertNotNull(crd(name), name + " kept when the release stops managing it");
    }
    assertNotNull(client.genericKubernetesResources("appconnector.io/v1alpha1", "AppListing").withName("ledgerly").get());
    helm("upgrade", Chart.RELEASE, Chart.PATH.toString(), "--namespace", NS, "--set", "crds.enabled=true");
    String manifest = helm("get", "manifest", Chart.RELEASE, "--namespace", NS);
    for (String name : CRDS) {
      assertTrue(manifest.contains("name: " + name), () -> name + " is in the release again:\n" + manifest.lines().filter(l -> l.startsWith("kind:") || l.contains("name:")).toList());
    }

    // Uninstall: the operator goes, the CRDs and every custom resource stay.
    String uninstalled = helm("uninstall", Chart.RELEASE, "--namespace", NS);
    assertTrue(uninstalled.contains("kept due to the resource policy"), uninstalled);
    for (String deployment : DEPLOYMENTS) {
      assertNull(client.apps().deployments().inNamespace(NS).withName(deployment).get(), deployment + " is removed");
    }
    for (String name : CRDS) {
      assertNotNull(crd(name), name + " kept");
    }
    assertNotNull(client.genericKubernetesResources("appconnector.io/v1alpha1", "AppListing").withName("ledgerly").get());
    assertNotNull(client.genericKubernetesResources("appconnector.io/v1alpha1", "Activation").inNamespace("tenant-acme")
        .withName("ledgerly").get());
  }
}
