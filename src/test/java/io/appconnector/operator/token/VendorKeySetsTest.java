package io.appconnector.operator.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.appconnector.operator.api.v1alpha1.AppListing;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A vendor's keys by JWKS URL, served from a loopback HTTP server: fetched once and cached, fetched
 * again for an unknown key at a bounded rate, and a server that does not answer costs a bounded
 * wait and refuses the assertion. (The CRD requires https; the fetching itself is scheme-blind.)
 */
class VendorKeySetsTest {
  final AtomicInteger fetches = new AtomicInteger();
  final AtomicReference<String> published = new AtomicReference<>();
  final CountDownLatch release = new CountDownLatch(1);
  HttpServer server;
  ECKey key;

  @BeforeEach
  void jwksServer() throws IOException, JOSEException {
    key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    published.set(new JWKSet(key.toPublicJWK()).toString());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/jwks.json", exchange -> {
      fetches.incrementAndGet();
      byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.createContext("/silent.json", exchange -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  AppListing listing(String path) {
    AppListing listing = PrivateKeyAssertionsTest.listing(null);
    listing.getSpec().clientAuthentication.jwksUrl = "http://127.0.0.1:" + server.getAddress().getPort() + path;
    return listing;
  }

  final PrivateKeyAssertions assertions = new PrivateKeyAssertions(List.of(PrivateKeyAssertionsTest.ENDPOINT),
      new AssertionReplays(AssertionReplays.PER_CLIENT, AssertionReplays.TOTAL), new VendorKeySets());

  String refusal(ECKey signer, AppListing listing) throws JOSEException {
    return assertions.refusal(PrivateKeyAssertionsTest.CLIENT, PrivateKeyAssertionsTest.signed(signer,
        PrivateKeyAssertionsTest.claims(UUID.randomUUID().toString())), listing, PrivateKeyAssertionsTest.NOW);
  }

  @Test
  void theKeySetIsFetchedOnceForManyAssertions() throws JOSEException {
    AppListing listing = listing("/jwks.json");
    for (int i = 0; i < 20; i++) {
      assertNull(refusal(key, listing));
    }
    assertEquals(1, fetches.get());
  }

  @Test
  void anUnknownKeyIdFetchesAgainAtABoundedRate() throws JOSEException {
    AppListing listing = listing("/jwks.json");
    assertNull(refusal(key, listing));
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("unknown").generate();
    for (int i = 0; i < 20; i++) {
      assertEquals("assertion_signature_not_verified", refusal(stranger, listing));
    }
    assertTrue(fetches.get() <= 3, "twenty unknown kids, " + fetches.get() + " fetches");
  }

  @Test
  void aServerThatDoesNotAnswerRefusesTheAssertionAfterTheReadTimeout() throws JOSEException {
    assertEquals("vendor_jwks_unavailable", refusal(key, listing("/silent.json")));
  }

  @Test
  void aMissingKeySetRefusesTheAssertion() throws JOSEException {
    assertEquals("vendor_jwks_unavailable", refusal(key, listing("/nothing-here.json")));
  }
}
