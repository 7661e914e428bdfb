package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.support.Await;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * HTTPS from a kubernetes.io/tls Secret as cert-manager writes it (an EC key in SEC1 PEM): the
 * endpoint's issuer and token URL are https, a vendor trusting the CA exchanges its credentials, and
 * a renewed certificate is served without a restart.
 */
public class TokenTlsMockServerTest extends TokenMockServerScenarios {
  /** Public, with {@link #selfSigned} and {@link #trusting}: the benchmark serves its token load over HTTPS the same way. */
  public record Issued(X509Certificate certificate, String certificatePem, String keyPem) {
  }

  @Test
  void theEndpointServesHttpsFromTheSecretAndTakesARenewedCertificateWithoutARestart() throws Exception {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Vendor.Mounted c = mounted(create(activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read")));
    awaitPhase(tenant, "ledger", Phase.Active);
    Issued first = selfSigned("first");
    client().resource(tlsSecret(first)).create();

    TokenServer https = startReplica(TokenSettings.embedded(operatorNs).withTls("token-tls"));
    assertTrue(https.settings().tokenEndpoint().startsWith("https://127.0.0.1:"), https.settings().tokenEndpoint());
    HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(first.certificate())).build();
    HttpResponse<String> token = trusting.send(HttpRequest.newBuilder(URI.create(https.settings().tokenEndpoint()))
        .header("Content-Type", FormBody.MEDIA_TYPE)
        .header("Authorization", Vendor.basicHeader(c.clientId(), c.clientSecret()))
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, token.statusCode());
    assertThrows(java.io.IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + https.port() + "/.well-known/jwks.json")).build(),
        HttpResponse.BodyHandlers.ofString()), "no plain HTTP on the TLS port");

    Issued renewed = selfSigned("renewed");
    client().resource(tlsSecret(renewed)).update();
    Await.until("the renewed certificate served", () -> served(https.port()),
        served -> served.equals(renewed.certificate()));
  }

  private Secret tlsSecret(Issued issued) {
    return new SecretBuilder().withNewMetadata().withNamespace(operatorNs).withName("token-tls").endMetadata()
        .withType("kubernetes.io/tls").withData(Map.of(
            "tls.crt", Base64.getEncoder().encodeToString(issued.certificatePem().getBytes()),
            "tls.key", Base64.getEncoder().encodeToString(issued.keyPem().getBytes()))).build();
  }

  /** The certificate the server presents to a new connection. */
  private static X509Certificate served(int port) {
    try {
      SSLContext any = SSLContext.getInstance("TLS");
      any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
        public void checkClientTrusted(X509Certificate[] chain, String type) {
        }

        public void checkServerTrusted(X509Certificate[] chain, String type) {
        }

        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      try (SSLSocket socket = (SSLSocket) any.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
        socket.startHandshake();
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static SSLContext trusting(X509Certificate certificate) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", certificate);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** A P-256 certificate for 127.0.0.1, its key PEM-encoded as SEC1 ("EC PRIVATE KEY"), as cert-manager writes ECDSA keys. */
  public static Issued selfSigned(String name) throws Exception {
    // Bouncy Castle keeps the curve inside the SEC1 structure, as openssl and cert-manager write it.
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider());
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name),
        BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofMinutes(1))),
        Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + name), pair.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    return new Issued(certificate, pem(certificate), pem(pair));
  }

  private static String pem(Object object) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
