package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests of the wrong form get RFC 6749 errors; guessing one client's secret gets slower and slower. */
@EnableKubernetesMockClient(crud = true)
class MalformedAndRepeatedRequestsMockServerTest extends TokenScenarios {
  static KubernetesClient client;

  @BeforeAll
  static void crds() {
    Crds.install(client, false);
  }

  @Override
  protected KubernetesClient client() {
    return client;
  }

  Vendor.Mounted credentials(String name) {
    AppListing l = listing(vendorListing(name, vendorNs, "invoices.read"));
    Vendor.Mounted mounted = mounted(create(activation(tenant, name, l.getMetadata().getName(), "invoices.read")));
    awaitPhase(tenant, name, Phase.Active);
    return mounted;
  }

  static void assertError(int status, String error, Vendor.Reply reply) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals(error, reply.error());
    assertTrue(reply.json().get("error_description") instanceof String);
    assertEquals("no-store", reply.header("Cache-Control"));
    assertEquals("no-cache", reply.header("Pragma"));
  }

  @Test
  void malformedRequestsGetInvalidRequestAndOtherGrantsUnsupportedGrantType() {
    Vendor.Mounted c = credentials("ledger");
    String url = c.tokenUrl();
    Map<String, String> basic = Map.of("Authorization", Vendor.basicHeader(c.clientId(), c.clientSecret()));

    Vendor.Reply get = vendor.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    assertError(405, "invalid_request", get);
    assertEquals("POST", get.header("Allow"));
    assertError(400, "invalid_request", vendor.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json").header("Authorization", basic.get("Authorization"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build()));
    String huge = "grant_type=client_credentials&padding=" + "x".repeat(20 * 1024);
    assertError(400, "invalid_request", vendor.post(url, huge, basic));
    assertError(400, "invalid_request", vendor.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", basic.get("Authorization"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge.getBytes()))).build()));
    assertError(400, "invalid_request", vendor.post(url, "grant_type=client_credentials&grant_type=client_credentials", basic));
    assertError(400, "invalid_request", vendor.post(url, "scope=invoices.read", basic));
    assertError(400, "invalid_request", vendor.post(url, "grant_type=client_credentials&scope=%zz", basic));
    assertError(400, "unsupported_grant_type", vendor.post(url, "grant_type=password&username=a&password=b", basic));
    assertError(400, "invalid_request", vendor.post(url, "grant_type=client_credentials&client_id=" + c.clientId()
        + "&client_secret=" + c.clientSecret(), basic));
    assertError(400, "invalid_request", vendor.post(url, "grant_type=client_credentials",
        Map.of("Authorization", "Basic not*base64")));
    assertError(401, "invalid_client", vendor.post(url, "grant_type=client_credentials", Map.of()));
    assertError(404, "invalid_request", vendor.post(vendor.base() + "/oauth2/tokens", "grant_type=client_credentials", basic));
    assertError(405, "invalid_request", vendor.post(vendor.base() + "/.well-known/jwks.json", "", Map.of()));
    assertEquals(200, vendor.basic(c, null).status(), "the same credentials in a well-formed request are served");
  }

  @Test
  void repeatedFailuresForOneClientAreAnsweredLaterAndLaterWhileOthersAreNotSlowed() {
    Vendor.Mounted target = credentials("ledger");
    Vendor.Mounted bystander = credentials("stock");
    Vendor.Mounted guess = target.withSecret("guess");
    ExecutorService pool = Executors.newFixedThreadPool(TokenServer.THREADS + 4);

    Duration first = timed(() -> vendor.basic(guess, null), 401);
    for (int i = 2; i <= 5; i++) {
      timed(() -> vendor.basic(guess, null), 401);
    }
    Duration sixth = timed(() -> vendor.basic(guess, null), 401);
    // Expected: the first at once, the sixth after about 2 s (250 ms doubling from the third on).
    assertTrue(sixth.minus(first).compareTo(Duration.ofMillis(1200)) > 0, "first " + first + ", sixth " + sixth);
    assertTrue(sixth.compareTo(Duration.ofSeconds(10)) < 0, "bounded: " + sixth);

    // More guesses than server threads, all held back at once: the threads stay free for others.
    List<CompletableFuture<Vendor.Reply>> held = new ArrayList<>();
    for (int i = 0; i < TokenServer.THREADS + 4; i++) {
      held.add(CompletableFuture.supplyAsync(() -> vendor.basic(guess, null), pool));
    }
    Await.until("the guesses are being held back", () -> held.stream().filter(CompletableFuture::isDone).count(),
        done -> done == 0 && server.heldBack() >= TokenServer.THREADS + 4, Duration.ofSeconds(5));
    Duration meanwhile = timed(() -> vendor.basic(bystander, null), 200);
    assertTrue(meanwhile.compareTo(Duration.ofSeconds(1)) < 0, "served while guesses wait: " + meanwhile);
    held.forEach(f -> assertEquals(401, f.join().status()));

    Duration other = timed(() -> vendor.basic(bystander.withSecret("typo"), null), 401);
    assertTrue(other.compareTo(sixth.minusMillis(1000)) < 0, "another client is not slowed: " + other);
    Duration success = timed(() -> vendor.basic(target, null), 200);
    assertTrue(success.compareTo(sixth.minusMillis(1000)) < 0, "a success is never held back: " + success);
    Duration afterSuccess = timed(() -> vendor.basic(guess, null), 401);
    assertTrue(afterSuccess.compareTo(sixth.minusMillis(1000)) < 0, "a success clears the count: " + afterSuccess);
    pool.shutdownNow();
  }

  private static Duration timed(Supplier<Vendor.Reply> call, int expectedStatus) {
    long start = System.nanoTime();
    Vendor.Reply reply = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(expectedStatus, reply.status(), reply.toString());
    return took;
  }
}
