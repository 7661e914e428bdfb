package io.appconnector.operator.bench;

import io.appconnector.operator.support.Operators;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.logic.DeliveredCredentials;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.appconnector.operator.token.ClientAuthentication;
import io.appconnector.operator.token.TokenServer;
import io.appconnector.operator.token.TokenSettings;
import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntSupplier;

/**
 * What each client authentication method costs per exchange, on the real kube-apiserver the suite
 * uses: sequential exchanges by one client with a secret, a projected ServiceAccount token (one
 * TokenReview each) and a vendor-signed assertion, printed as median, p95 and p99 latency.
 *
 * <pre>./mvnw -q -Pbench process-test-classes dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/bench-classpath.txt
 * java -cp target/classes:target/test-classes:$(cat target/bench-classpath.txt) \
 *     io.appconnector.operator.bench.SecretlessExchanges   # -Dbench.secretless.n=500</pre>
 */
public final class SecretlessExchanges {
  private static final String TENANT = "bench-tenant";
  private static final String VENDOR = "bench-vendor";

  private SecretlessExchanges() {
  }

  public static void main(String[] args) throws Exception {
    // 500 + 100 warm-up: one client may hold at most 1,000 live assertions (AssertionReplays.PER_CLIENT).
    int n = Integer.getInteger("bench.secretless.n", 500);
    try (RealApiServer api = RealApiServer.start()) {
      KubernetesClient client = api.client();
      for (String ns : List.of(TENANT, VENDOR, "bench-operator")) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      }
      client.resource(new ServiceAccountBuilder().withNewMetadata().withNamespace(VENDOR).withName("connector")
          .endMetadata().build()).create();
      Pod pod = client.resource(new PodBuilder().withNewMetadata().withNamespace(VENDOR).withName("connector-0")
          .endMetadata().withNewSpec().withServiceAccountName("connector").addNewContainer().withName("c")
          .withImage("example/connector:1").endContainer().endSpec().build()).create();
      ECKey key = new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
      TokenServer tokens = TokenServer.start(client, TokenSettings.embedded("bench-operator"),
          Clock.systemUTC());
      Operator operator = Operators.create(client, new OperatorSettings(tokens.settings().tokenEndpoint(),
          Set.of(), "bench-operator", false, "bench"), Clock.systemUTC());
      operator.start();
      try {
        DeliveredCredentials secret = activated(client, "secret", ClientAuthenticationMethod.ClientSecret, null);
        DeliveredCredentials account = activated(client, "account", ClientAuthenticationMethod.ServiceAccountToken,
            null);
        DeliveredCredentials signed = activated(client, "signed", ClientAuthenticationMethod.PrivateKeyJWT,
            new JWKSet(key.toPublicJWK()).toString());
        String url = tokens.settings().tokenEndpoint();
        String projected = client.serviceAccounts().inNamespace(VENDOR).withName("connector").tokenRequest(
            new TokenRequestBuilder().withNewSpec().withAudiences(url).withExpirationSeconds(3600L)
                .withNewBoundObjectRef("v1", "Pod", "connector-0", pod.getMetadata().getUid()).endSpec().build())
            .getStatus().getToken();
        HttpClient http = HttpClient.newHttpClient();
        String basic = "Basic " + Base64.getEncoder().encodeToString((secret.clientId() + ":" + secret.clientSecret())
            .getBytes(StandardCharsets.UTF_8));
        System.out.printf("%-22s %8s %8s %8s %8s %10s%n", "method (n=" + n + ")", "p50 ms", "p95 ms", "p99 ms",
            "max ms", "per s");
        measure("client_secret_basic", n, () -> post(http, url, "grant_type=client_credentials", basic));
        measure("service account token", n, () -> post(http, url, assertion(account.clientId(), projected), null));
        // Signed before the clock runs: the vendor's signing is not the endpoint's cost.
        java.util.Iterator<String> assertions = java.util.stream.Stream.generate(() -> vendorAssertion(key,
            signed.clientId(), url)).limit(n + n / 5).toList().iterator();
        measure("private_key_jwt", n, () -> post(http, url, assertion(null, assertions.next()), null));
      } finally {
        operator.stop();
        tokens.close();
      }
    }
    System.exit(0);
  }

  static DeliveredCredentials activated(KubernetesClient client, String name, ClientAuthenticationMethod method,
      String jwks) {
    AppListing listing = Fixtures.vendorListing("bench-" + name, VENDOR, "invoices.read");
    listing.getSpec().clientAuthentication = new AppListingSpec.ClientAuthentication();
    listing.getSpec().clientAuthentication.method = method;
    listing.getSpec().clientAuthentication.serviceAccountName =
        method == ClientAuthenticationMethod.ServiceAccountToken ? "connector" : null;
    listing.getSpec().clientAuthentication.jwks = jwks;
    listing.getMetadata().setUid(null);
    client.resource(listing).create();
    Activation activation = Fixtures.activation(TENANT, name, "bench-" + name, "invoices.read");
    activation.getMetadata().setUid(null);
    activation.getMetadata().setCreationTimestamp(null);
    client.resource(activation).create();
    Activation active = Await.until(name + " Active", () -> client.resources(Activation.class).inNamespace(TENANT)
        .withName(name).get(), a -> a.getStatus() != null && a.getStatus().phase == Phase.Active);
    return Await.until(name + " delivered", () -> DeliveredCredentials.read(client.secrets().inNamespace(VENDOR)
        .withName(DeliveryNames.secretName(active)).get()), d -> d != null);
  }

  static String assertion(String clientId, String jwt) {
    return "grant_type=client_credentials" + (clientId == null ? "" : "&client_id=" + clientId)
        + "&client_assertion_type=" + URLEncoder.encode(ClientAuthentication.JWT_BEARER, StandardCharsets.UTF_8)
        + "&client_assertion=" + jwt;
  }

  static String vendorAssertion(ECKey key, String clientId, String audience) {
    try {
      Instant now = Instant.now();
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
          new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
              .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
              .build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static int post(HttpClient http, String url, String form, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code n / 5} warm-up exchanges, then {@code n} timed ones, one at a time; every one must be 200. */
  static void measure(String name, int n, IntSupplier exchange) {
    for (int i = 0; i < n / 5; i++) {
      check(exchange.getAsInt(), name);
    }
    long[] nanos = new long[n];
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      check(exchange.getAsInt(), name);
      nanos[i] = System.nanoTime() - t;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(nanos);
    System.out.printf("%-22s %8.2f %8.2f %8.2f %8.2f %10.0f%n", name, nanos[n / 2] / 1e6, nanos[n * 95 / 100] / 1e6,
        nanos[n * 99 / 100] / 1e6, nanos[n - 1] / 1e6, n / seconds);
  }

  private static void check(int status, String name) {
    if (status != 200) {
      throw new IllegalStateException(name + ": HTTP " + status);
    }
  }
}
