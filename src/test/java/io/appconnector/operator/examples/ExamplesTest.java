package io.appconnector.operator.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.AuthMethod;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The example catalogue in examples/ parses into the Java API types, uses no field those types do
 * not know, covers the cases the demo and the docs rely on, and is consistent with itself (every
 * Activation's expected phase follows from the listings and Secrets in the catalogue).
 *
 * <p>The CRDs' CEL rules run only in an API server; the cross-field rules the examples must respect
 * are mirrored here so that a broken example fails the build rather than {@code kubectl apply}.
 */
class ExamplesTest {

  static final Path PROJECT = Path.of(System.getProperty("appconnector.projectDir", "."));
  static final Path EXAMPLES = PROJECT.resolve("examples");
  static final String EXPECTED_PHASE = "examples.appconnector.io/expected-phase";

  /** Documentation address ranges (RFC 5737, RFC 3849): the only ones the examples may use. */
  static final List<String> DOCUMENTATION_RANGES =
      List.of("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32");

  /** One YAML document: where it came from, its plain tree, and what Fabric8 parsed it into. */
  record Example(String source, JsonNode yaml, Object parsed) {
  }

  static final ObjectMapper JSON = new ObjectMapper();
  static KubernetesSerialization serialization;
  static List<Example> examples;

  @BeforeAll
  static void loadCatalogue() throws IOException {
    serialization = new KubernetesSerialization();
    serialization.registerKubernetesResource(AppListing.class);
    serialization.registerKubernetesResource(Activation.class);
    serialization.registerKubernetesResource(TrustedNetwork.class);
    examples = new ArrayList<>();
    for (Path file : exampleFiles()) {
      List<JsonNode> trees = plainTrees(Files.readAllBytes(file));
      List<?> parsed;
      try {
        parsed = parseAll(Files.readAllBytes(file));
      } catch (IllegalArgumentException e) {
        throw new AssertionError(file + " does not parse into the Java types: " + e.getMessage(), e);
      }
      assertEquals(trees.size(), parsed.size(), file + ": Fabric8 and the plain YAML parser see different documents");
      for (int i = 0; i < trees.size(); i++) {
        examples.add(new Example(file.getFileName() + " document " + (i + 1), trees.get(i), parsed.get(i)));
      }
    }
  }

  static List<Path> exampleFiles() throws IOException {
    assertTrue(Files.isDirectory(EXAMPLES), EXAMPLES.toAbsolutePath() + " is missing; set -Dappconnector.projectDir");
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** Multi-document YAML through Fabric8's deserialiser, the one the operator's client uses. */
  static List<?> parseAll(byte[] yaml) {
    Object parsed = serialization.unmarshal(new ByteArrayInputStream(yaml));
    return parsed instanceof List<?> list ? list : List.of(parsed);
  }

  /** The same documents as plain maps and lists (no Java types), as Jackson trees. */
  static List<JsonNode> plainTrees(byte[] yaml) {
    List<JsonNode> trees = new ArrayList<>();
    try (InputStream in = new ByteArrayInputStream(yaml)) {
      for (Object document : new Load(LoadSettings.builder().build()).loadAllFromInputStream(in)) {
        if (document != null) {
          trees.add(JSON.valueToTree(document));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return trees;
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing
  // ---------------------------------------------------------------------------------------------

  @Test
  void everyExampleParsesIntoTheJavaTypes() {
    assertFalse(examples.isEmpty(), "examples/ holds no YAML documents");
    for (Example example : examples) {
      String apiVersion = example.yaml().path("apiVersion").asText();
      String kind = example.yaml().path("kind").asText();
      Class<?> expected = switch (apiVersion + " " + kind) {
        case "appconnector.io/v1alpha1 AppListing" -> AppListing.class;
        case "appconnector.io/v1alpha1 Activation" -> Activation.class;
        case "appconnector.io/v1alpha1 TrustedNetwork" -> TrustedNetwork.class;
        case "v1 Namespace" -> Namespace.class;
        case "v1 ServiceAccount" -> io.fabric8.kubernetes.api.model.ServiceAccount.class;
        case "v1 Secret" -> Secret.class;
        default -> null;
      };
      assertNotNull(expected, example.source() + ": unexpected " + apiVersion + " " + kind);
      assertInstanceOf(expected, example.parsed(), example.source());
      HasMetadata object = (HasMetadata) example.parsed();
      assertNotNull(object.getMetadata().getName(), example.source() + ": metadata.name is missing");
      if (object instanceof AppListing || object instanceof Namespace) {
        assertNull(object.getMetadata().getNamespace(), example.source() + ": cluster-scoped, must not have a namespace");
      } else {
        assertNotNull(object.getMetadata().getNamespace(), example.source() + ": namespaced, needs metadata.namespace");
      }
    }
  }

  @Test
  void everyFieldIsKnownToTheJavaTypes() {
    List<String> unknown = new ArrayList<>();
    for (Example example : examples) {
      unknown.addAll(unknownFields(example.yaml(), example.parsed()).stream()
          .map(path -> example.source() + " (" + name(example) + "): " + path).toList());
    }
    assertEquals(List.of(), unknown, "fields the Java types drop (misspelled or not in the API)");
  }

  /**
   * Fabric8 rejects most unknown fields of the custom resources while parsing; what it keeps aside
   * (metadata's additional properties) or drops silently is found by comparing trees.
   */
  @Test
  void aMisspelledFieldIsNoticed() {
    Map<String, String> misspelled = new LinkedHashMap<>();
    misspelled.put("feeChangeAcepted", "spec:\n  listing: ledgerly\n  consent:\n    feeChangeAcepted: true\n");
    misspelled.put("listng", "spec:\n  listng: ledgerly\n  consent: {}\n");
    misspelled.put("specs", "specs:\n  listing: ledgerly\n");
    misspelled.put("annotaions", "spec:\n  listing: ledgerly\n  consent: {}\n");
    misspelled.put("trustedonly", "spec:\n  listing: ledgerly\n  consent: {}\n  networkSecurity: trustedonly\n");
    misspelled.forEach((word, body) -> {
      String yaml = "apiVersion: appconnector.io/v1alpha1\nkind: Activation\nmetadata:\n  name: misspelled\n"
          + "  namespace: tenant-acme\n" + (word.equals("annotaions") ? "  annotaions: {a: b}\n" : "") + body;
      List<String> noticed = unknownFields(yaml.getBytes(StandardCharsets.UTF_8));
      assertTrue(noticed.stream().anyMatch(n -> n.contains(word)), word + " went unnoticed: " + noticed);
    });
  }

  /** Everything wrong with one YAML document: a parse error, or the fields the Java types lose. */
  static List<String> unknownFields(byte[] yaml) {
    Object parsed;
    try {
      parsed = parseAll(yaml).get(0);
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
    return unknownFields(plainTrees(yaml).get(0), parsed);
  }

  static List<String> unknownFields(JsonNode yaml, Object parsed) {
    List<String> unknown = new ArrayList<>();
    if (parsed instanceof HasMetadata object && object.getMetadata() != null) {
      object.getMetadata().getAdditionalProperties().keySet().forEach(key -> unknown.add("metadata." + key));
    }
    if (parsed instanceof Secret secret) {
      secret.getAdditionalProperties().keySet().forEach(unknown::add);
    }
    if (parsed instanceof Namespace namespace) {
      namespace.getAdditionalProperties().keySet().forEach(unknown::add);
    }
    unknown.addAll(fieldsLostByTheJavaTypes(yaml, parsed));
    return unknown;
  }

  /** Paths of the plain YAML tree that the typed object, serialised again, lacks or holds with another value. */
  static List<String> fieldsLostByTheJavaTypes(JsonNode yaml, Object typed) {
    JsonNode reserialised;
    try {
      reserialised = JSON.readTree(serialization.asJson(typed));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> lost = new ArrayList<>();
    compare(yaml, reserialised, "", lost);
    return lost;
  }

  static void compare(JsonNode yaml, JsonNode typed, String path, List<String> lost) {
    if (typed == null || typed.isMissingNode() || typed.isNull() && !yaml.isNull()) {
      lost.add(path.isEmpty() ? "(document)" : path);
    } else if (yaml.isObject()) {
      if (!typed.isObject()) {
        lost.add(path + " (an object in YAML, " + typed.getNodeType() + " in the Java type)");
        return;
      }
      for (Map.Entry<String, JsonNode> field : yaml.properties()) {
        compare(field.getValue(), typed.get(field.getKey()), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), lost);
      }
    } else if (yaml.isArray()) {
      if (!typed.isArray()) {
        lost.add(path + " (a list in YAML, " + typed.getNodeType() + " in the Java type)");
        return;
      }
      for (int i = 0; i < yaml.size(); i++) {
        compare(yaml.get(i), typed.get(i), path + "[" + i + "]", lost);
      }
    } else if (!typed.isValueNode() || !yaml.asText().equals(typed.asText())) {
      lost.add(path + " (YAML " + yaml + ", Java type " + typed + ")");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Coverage: the cases the demo and the docs rely on
  // ---------------------------------------------------------------------------------------------

  @Test
  void everyAuthMethodHasAnApprovedPlatformBuiltListing() {
    Set<AuthMethod> covered = listings().stream()
        .map(AppListing::getSpec)
        .filter(s -> s.developedBy == AppListingSpec.Party.Platform && s.lifecycle == AppListingSpec.Lifecycle.Approved)
        .map(s -> s.authMethod)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(AuthMethod.class)));
    assertEquals(EnumSet.allOf(AuthMethod.class), covered);
  }

  @Test
  void everyClientAuthenticationMethodHasAnApprovedListingAndAnActiveActivation() {
    Map<AppListingSpec.ClientAuthenticationMethod, List<String>> byMethod = listings().stream()
        .filter(l -> l.getSpec().developedBy == AppListingSpec.Party.Vendor
            && l.getSpec().lifecycle == AppListingSpec.Lifecycle.Approved)
        .collect(Collectors.groupingBy(l -> l.getSpec().clientAuthenticationMethod(),
            Collectors.mapping(l -> l.getMetadata().getName(), Collectors.toList())));
    for (AppListingSpec.ClientAuthenticationMethod method : AppListingSpec.ClientAuthenticationMethod.values()) {
      List<String> names = byMethod.getOrDefault(method, List.of());
      assertTrue(activations().stream().anyMatch(a -> names.contains(a.getSpec().listing)
          && "Active".equals(expectedPhase(a))), method + ": no Active activation of a listing " + names);
    }
  }

  @Test
  void aVendorBuiltListingChangesFeesAndRequestsSeveralScopes() {
    assertTrue(listings().stream().map(AppListing::getSpec).anyMatch(s ->
            s.developedBy == AppListingSpec.Party.Vendor
                && s.lifecycle == AppListingSpec.Lifecycle.Approved
                && s.visibility == AppListingSpec.Visibility.Public
                && s.pricing != null && s.pricing.feeImpact
                && s.dataAccess != null && s.dataAccess.size() >= 2),
        "no Approved, Public, Vendor-built listing with pricing.feeImpact and two or more dataAccess scopes");
  }

  @Test
  void aPrivateListingNamesItsTenantsAndASingleTenantListingExists() {
    assertTrue(listings().stream().map(AppListing::getSpec).anyMatch(s ->
        s.visibility == AppListingSpec.Visibility.Private && s.allowedTenants != null && !s.allowedTenants.isEmpty()),
        "no Private listing with allowedTenants");
    assertTrue(listings().stream().map(AppListing::getSpec).anyMatch(s ->
        s.installation == AppListingSpec.Installation.SingleTenant), "no SingleTenant listing");
  }

  @Test
  void aListingHasAnUnusedCredentialLifetimeShortEnoughToShowExpiry() {
    assertTrue(listings().stream().map(AppListing::getSpec).anyMatch(s ->
            s.credentialPolicy != null && s.credentialPolicy.unusedCredentialLifetime.matches("[1-9][0-9]?s")),
        "no listing with an unusedCredentialLifetime under 100 seconds");
  }

  @Test
  void activationsSpanTwoTenantsWithOneTrustedOnlyAndOneDecliningAScope() {
    Set<String> tenants = activations().stream().map(a -> a.getMetadata().getNamespace()).collect(Collectors.toSet());
    assertTrue(tenants.containsAll(Set.of("tenant-acme", "tenant-globex")), "tenants with activations: " + tenants);
    assertTrue(activations().stream().anyMatch(a ->
        a.getSpec().networkSecurity == ActivationSpec.NetworkSecurity.TrustedOnly), "no TrustedOnly activation");
    assertTrue(activations().stream().anyMatch(a ->
        a.getSpec().scopes != null && a.getSpec().scopes.declined != null && !a.getSpec().scopes.declined.isEmpty()),
        "no activation declining a scope");
  }

  @Test
  void trustedNetworksHaveIpv4AndIpv6CidrsAndAnException() {
    List<String> cidrs = trustedNetworks().stream().flatMap(t -> t.getSpec().cidrs.stream()).toList();
    assertTrue(cidrs.stream().anyMatch(c -> !c.contains(":")), "no IPv4 CIDR in " + cidrs);
    assertTrue(cidrs.stream().anyMatch(c -> c.contains(":")), "no IPv6 CIDR in " + cidrs);
    assertTrue(trustedNetworks().stream().anyMatch(t ->
        t.getSpec().exceptions != null && !t.getSpec().exceptions.isEmpty()), "no TrustedNetwork with exceptions");
  }

  @Test
  void activationsReachEveryPhaseTheDemoShows() {
    Set<String> phases = activations().stream().map(ExamplesTest::expectedPhase).collect(Collectors.toSet());
    assertTrue(phases.containsAll(Set.of("Active", "AwaitingConsent", "AwaitingVendorCredentials", "Rejected")),
        "expected phases covered: " + phases);
  }

  // ---------------------------------------------------------------------------------------------
  // Consistency
  // ---------------------------------------------------------------------------------------------

  @Test
  void everyActivationNamesAListingInTheCatalogue() {
    Set<String> names = listings().stream().map(l -> l.getMetadata().getName()).collect(Collectors.toSet());
    for (Activation activation : activations()) {
      assertTrue(names.contains(activation.getSpec().listing),
          id(activation) + " names listing " + activation.getSpec().listing + ", not in " + new TreeSet<>(names));
    }
  }

  @Test
  void everyNamespaceUsedIsCreatedByTheCatalogue() {
    Set<String> created = objects(Namespace.class).stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    Set<String> used = new TreeSet<>();
    for (Example example : examples) {
      HasMetadata object = (HasMetadata) example.parsed();
      if (object.getMetadata().getNamespace() != null) {
        used.add(object.getMetadata().getNamespace());
      }
    }
    listings().forEach(l -> used.add(l.getSpec().vendor.namespace));
    listings().stream().filter(l -> l.getSpec().allowedTenants != null).forEach(l -> used.addAll(l.getSpec().allowedTenants));
    used.removeAll(created);
    assertEquals(Set.of(), used, "namespaces used but not created in 00-namespaces.yaml");
  }

  @Test
  void filesApplyInDependencyOrder() {
    List<String> order = List.of("Namespace", "ServiceAccount", "AppListing", "TrustedNetwork", "Secret",
        "Activation");
    int last = 0;
    for (Example example : examples) {
      int rank = order.indexOf(example.yaml().path("kind").asText());
      assertTrue(rank >= last, example.source() + ": a " + order.get(rank) + " after a " + order.get(last)
          + "; kubectl applies files in name order, so keep Namespaces, listings, networks, Secrets, Activations in that order");
      last = Math.max(last, rank);
    }
  }

  @Test
  void trustedNetworksUseDocumentationRangesWrittenAsNetworkAddresses() {
    List<Cidr> documentation = DOCUMENTATION_RANGES.stream().map(Cidr::parse).toList();
    for (TrustedNetwork network : trustedNetworks()) {
      String id = "TrustedNetwork " + network.getMetadata().getNamespace() + "/" + network.getMetadata().getName();
      List<Cidr> cidrs = network.getSpec().cidrs.stream().map(Cidr::parse).toList();
      List<String> exceptions = network.getSpec().exceptions == null ? List.of() : network.getSpec().exceptions;
      for (String text : concat(network.getSpec().cidrs, exceptions)) {
        Cidr cidr = Cidr.parse(text);
        assertTrue(cidr.hasNoHostBits(), id + ": " + text + " has host bits set");
        assertTrue(documentation.stream().anyMatch(d -> d.contains(cidr)), id + ": " + text + " is not in a documentation range");
      }
      for (String text : exceptions) {
        assertTrue(cidrs.stream().anyMatch(c -> c.contains(Cidr.parse(text))), id + ": exception " + text + " lies in none of cidrs");
      }
    }
  }

  @Test
  void theReadmeTableListsEveryActivationWithItsExpectedPhase() throws IOException {
    Set<List<String>> rows = Files.readAllLines(EXAMPLES.resolve("README.md")).stream()
        .filter(line -> line.startsWith("|"))
        .map(line -> Stream.of(line.split("\\|")).skip(1).map(c -> c.replace("`", "").trim()).limit(4).toList())
        .collect(Collectors.toSet());
    for (Activation activation : activations()) {
      List<String> row = List.of(activation.getMetadata().getNamespace(), activation.getMetadata().getName(),
          activation.getSpec().listing, expectedPhase(activation));
      assertTrue(rows.contains(row), "examples/README.md has no row | " + String.join(" | ", row) + " | ... |");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  static <T> List<T> objects(Class<T> type) {
    return examples.stream().map(Example::parsed).filter(type::isInstance).map(type::cast).toList();
  }

  static List<AppListing> listings() {
    return objects(AppListing.class);
  }

  static List<Activation> activations() {
    return objects(Activation.class);
  }

  static List<TrustedNetwork> trustedNetworks() {
    return objects(TrustedNetwork.class);
  }

  static String expectedPhase(Activation activation) {
    Map<String, String> annotations = activation.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(EXPECTED_PHASE);
  }

  static String id(HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    return namespace == null ? object.getMetadata().getName() : namespace + "/" + object.getMetadata().getName();
  }

  static String name(Example example) {
    return example.yaml().path("kind").asText() + " " + id((HasMetadata) example.parsed());
  }

  static Set<String> keys(Secret secret) {
    Set<String> keys = new HashSet<>();
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    return keys;
  }

  static <T> List<T> concat(Collection<T> a, Collection<T> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  /** An IPv4 or IPv6 CIDR, enough to check containment and host bits. */
  record Cidr(int bits, BigInteger address, int prefix) {
    static Cidr parse(String text) {
      String[] parts = text.split("/");
      assertTrue(parts.length == 2 && parts[0].matches("[0-9a-fA-F:.]+") && parts[1].matches("[0-9]{1,3}"),
          text + " is not a CIDR");
      try {
        // A literal address: InetAddress parses it without a name lookup.
        byte[] bytes = InetAddress.getByName(parts[0]).getAddress();
        int prefix = Integer.parseInt(parts[1]);
        assertTrue(prefix >= 0 && prefix <= bytes.length * 8, text + ": prefix out of range");
        return new Cidr(bytes.length * 8, new BigInteger(1, bytes), prefix);
      } catch (IOException e) {
        fail(text + " is not a CIDR: " + e);
        return null;
      }
    }

    BigInteger mask() {
      return BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
          .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
    }

    boolean hasNoHostBits() {
      return address.and(mask()).equals(address);
    }

    boolean contains(Cidr other) {
      return bits == other.bits && prefix <= other.prefix && other.address.and(mask()).equals(address.and(mask()));
    }
  }
}
