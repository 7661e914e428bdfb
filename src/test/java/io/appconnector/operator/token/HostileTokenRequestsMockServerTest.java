package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand malformed, oversized, wrongly encoded and wrongly typed requests at the token
 * endpoint: no 5xx but deliberate 503s, every answer a well-formed RFC 6749 error, memory flat,
 * and the endpoint still serves a well-formed request afterwards.
 */
class HostileTokenRequestsMockServerTest extends TokenMockServerScenarios {
  static final int REQUESTS = Integer.getInteger("appconnector.hostile.requests", 10_000);
  static final Set<String> RFC6749_ERRORS = Set.of("invalid_request", "invalid_client", "invalid_grant",
      "unauthorized_client", "unsupported_grant_type", "invalid_scope", "temporarily_unavailable");
  static final ObjectMapper JSON = new ObjectMapper();

  /** One kind of bad request: what it sends, given a random source and a real client ID. */
  record Attack(String name, Function<Random, HttpRequest.Builder> request) {
  }

  List<Attack> attacks(String url) {
    String form = "application/x-www-form-urlencoded";
    Function<String, HttpRequest.Builder> post = body -> HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", form).POST(HttpRequest.BodyPublishers.ofString(body));
    return List.of(
        new Attack("random bytes", r -> {
          byte[] b = new byte[r.nextInt(4096)];
          r.nextBytes(b);
          return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", form).POST(HttpRequest.BodyPublishers.ofByteArray(b));
        }),
        new Attack("invalid utf-8", r -> HttpRequest.newBuilder(URI.create(url)).header("Content-Type", form)
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'g', 'r', 'a', 'n', 't', '_', 't', 'y', 'p', 'e', '=',
                (byte) 0xC3, (byte) 0x28, (byte) 0xFF}))),
        new Attack("oversized body", r -> post.apply("grant_type=client_credentials&x=" + "a".repeat(16 * 1024 + r.nextInt(200_000)))),
        new Attack("json body", r -> HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":[\"client_credentials\"],\"n\":" + r.nextInt() + "}"))),
        new Attack("wrongly typed parameters", r -> post.apply(List.of("grant_type[]=client_credentials",
            "grant_type=1", "grant_type=true", "grant_type=null", "grant_type=%00", "grant_type=client_credentials&scope[]=a",
            "grant_type=client_credentials&client_id=" + r.nextLong() + "&client_secret=" + r.nextDouble())
            .get(r.nextInt(7)))),
        new Attack("bad percent encoding", r -> post.apply("grant_type=client_credentials&scope=%" + (char) ('g' + r.nextInt(10)) + "z")),
        new Attack("control characters and unicode", r -> post.apply("grant_type=client_credentials&scope="
            + java.net.URLEncoder.encode("a\u0000b\u202Ec💥" + r.nextInt(), StandardCharsets.UTF_8) + "&client_id="
            + java.net.URLEncoder.encode("ａｃ-\uD83D\uDE00" + r.nextInt(), StandardCharsets.UTF_8) + "&client_secret=x")),
        new Attack("garbage basic credentials", r -> post.apply("grant_type=client_credentials").header("Authorization",
            List.of("Basic " + "%%%", "Basic " + Base64.getEncoder().encodeToString(("nocolon" + r.nextInt()).getBytes()),
                "Bearer " + r.nextLong(), "Basic " + "A".repeat(6000), "Basic",
                "Basic " + Base64.getEncoder().encodeToString(("ac-" + r.nextInt() + ":" + "s".repeat(r.nextInt(500))).getBytes()))
                .get(r.nextInt(6)))),
        new Attack("huge client id", r -> post.apply("grant_type=client_credentials&client_id=" + "c".repeat(8000 + r.nextInt(4000))
            + "&client_secret=x")),
        // Guessing at the real client is slowed down on purpose (its own test shows that); here the
        // guesses go to made-up clients, which are answered at once.
        new Attack("guessing secrets of made-up clients", r -> post.apply("grant_type=client_credentials&client_id=ac-"
            + Long.toHexString(r.nextLong()) + "&client_secret=" + Long.toHexString(r.nextLong()))),
        new Attack("wrong method", r -> HttpRequest.newBuilder(URI.create(url))
            .method(List.of("PUT", "DELETE", "PATCH", "GET").get(r.nextInt(4)), HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))),
        new Attack("unknown grant", r -> post.apply("grant_type=" + List.of("password", "authorization_code", "refresh_token",
            "urn:ietf:params:oauth:grant-type:jwt-bearer", "implicit").get(r.nextInt(5)) + "&client_id=a&client_secret=b")),
        new Attack("many parameters", r -> {
          StringBuilder b = new StringBuilder("grant_type=client_credentials");
          for (int i = 0; i < 1000; i++) {
            b.append("&p").append(i).append('=').append(i);
          }
          return post.apply(b.toString());
        }),
        new Attack("no body", r -> HttpRequest.newBuilder(URI.create(url)).header("Content-Type", form)
            .POST(HttpRequest.BodyPublishers.noBody())));
  }

  static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void tenThousandHostileRequestsGetWellFormedErrorsAndLeaveTheEndpointServing() throws Exception {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Vendor.Mounted mounted = mounted(create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read")));
    awaitPhase(tenant, "ledger", Phase.Active);
    servedWithFullAllowance(mounted);
    List<Attack> attacks = attacks(mounted.tokenUrl());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Random random = new Random(Long.getLong("appconnector.hostile.seed", 20261125L));
    Map<String, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    Map<String, String> malformed = new ConcurrentHashMap<>();
    long heapBefore = heapAfterGc();
    // No time passes during the flood, so the source's bucket cannot refill before it is checked.
    clock.hold();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> sent = new java.util.ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      Attack attack = attacks.get(random.nextInt(attacks.size()));
      HttpRequest request = attack.request().apply(new Random(random.nextLong())).timeout(Duration.ofSeconds(30)).build();
      sent.add(pool.submit(() -> {
        HttpResponse<String> response;
        try {
          response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
          malformed.putIfAbsent(attack.name(), "no complete answer: " + e.getMessage());
          return null;
        }
        byStatus.computeIfAbsent(String.valueOf(response.statusCode()), k -> new AtomicInteger()).incrementAndGet();
        String problem = problem(response);
        if (problem != null) {
          malformed.putIfAbsent(attack.name(), problem);
        }
        return null;
      }));
    }
    for (Future<?> f : sent) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    long heapAfter = heapAfterGc();
    int fiveHundreds = byStatus.entrySet().stream().filter(e -> e.getKey().startsWith("5") && !e.getKey().equals("503"))
        .mapToInt(e -> e.getValue().get()).sum();
    System.out.printf("RELIABILITY hostile-token: requests=%d kinds=%d byStatus=%s non503-5xx=%d malformed=%d heapGrowthKiB=%d%n",
        REQUESTS, attacks.size(), byStatus, fiveHundreds, malformed.size(), (heapAfter - heapBefore) / 1024);
    assertEquals(Map.of(), malformed, "every answer is a well-formed RFC 6749 error");
    assertEquals(0, fiveHundreds, "no 5xx other than a deliberate 503");
    assertTrue(heapAfter - heapBefore < 32L * 1024 * 1024, "heap flat: grew " + (heapAfter - heapBefore) / 1024 + " KiB");
    // The flood's failed authentications came from this test's address, which is then bound for a while (429).
    assertEquals(429, vendor.basic(mounted, null).status(), "the flooding source is held back");
    clock.jumpTo(clock.instant().plus(GuessingLimits.Limits.DEFAULT.window()));
    clock.resume();
    assertEquals(200, vendor.basic(mounted, null).status(), "still serving well-formed requests once the bound refills");
  }

  /** Null when the answer is a well-formed RFC 6749 error, else what is wrong with it. */
  static String problem(HttpResponse<String> response) {
    if (response.statusCode() < 400) {
      return "status " + response.statusCode() + " for a hostile request";
    }
    if (!"no-store".equals(response.headers().firstValue("Cache-Control").orElse(""))) {
      return "no Cache-Control: no-store";
    }
    if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      return "content type " + response.headers().firstValue("Content-Type").orElse("(none)");
    }
    try {
      JsonNode body = JSON.readTree(response.body());
      if (!body.path("error").isTextual() || !RFC6749_ERRORS.contains(body.path("error").asText())) {
        return "error field " + body.path("error");
      }
      if (body.has("error_description") && !body.path("error_description").isTextual()) {
        return "error_description not a string";
      }
      return null;
    } catch (java.io.IOException e) {
      return "body is not JSON";
    }
  }
}
