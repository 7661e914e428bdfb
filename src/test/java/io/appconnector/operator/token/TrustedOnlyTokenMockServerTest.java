package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec.NetworkSecurity;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.http.TrustedProxies;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.appconnector.operator.support.Await;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TrustedOnly credentials are exchanged only from the tenant's own trusted networks, minus their
 * exceptions; these tests call from 127.0.0.1.
 */
class TrustedOnlyTokenMockServerTest extends TokenMockServerScenarios {
  TrustedNetwork network(String namespace, String name, List<String> cidrs, List<String> exceptions) {
    TrustedNetwork network = new TrustedNetwork();
    network.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    network.setSpec(new TrustedNetworkSpec());
    network.getSpec().cidrs = cidrs;
    network.getSpec().exceptions = exceptions;
    return network;
  }

  @Test
  void aTrustedOnlyCredentialIsServedOnlyFromTheTenantsTrustedNetworksOutsideTheirExceptions() {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Activation fenced = activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read");
    fenced.getSpec().networkSecurity = NetworkSecurity.TrustedOnly;
    Vendor.Mounted credentials = mounted(create(fenced));
    awaitPhase(tenant, "ledger", Phase.Active);
    AppListing open = listing(vendorListing("stock", vendorNs, "stock.read"));
    Vendor.Mounted unrestricted = mounted(create(activation(tenant, "stock", open.getMetadata().getName(), "stock.read")));

    TokenRefusalsMockServerTest.assertRefused(vendor.basic(credentials, null));

    client().resource(network(otherTenant, "everything", List.of("127.0.0.0/8", "::/0"), null)).create();
    client().resource(network(tenant, "offices", List.of("192.0.2.0/24", "2001:db8::/32"), null)).create();
    TokenRefusalsMockServerTest.assertRefused(vendor.basic(credentials, null));

    client().resource(network(tenant, "loopback", List.of("127.0.0.0/8"), null)).create();
    Await.until("served from a trusted network", () -> vendor.basic(credentials, null), r -> r.status() == 200);

    client().resources(TrustedNetwork.class).inNamespace(tenant).withName("loopback").edit(n -> {
      n.getSpec().exceptions = List.of("127.0.0.1/32");
      return n;
    });
    TokenRefusalsMockServerTest.assertRefused(Await.until("refused from an exception",
        () -> vendor.basic(credentials, null), r -> r.status() == 401));
    assertEquals(200, awaitServed(unrestricted).status(), "Unrestricted activations are not fenced");
  }

  @Test
  void behindATrustedProxyTheClientAddressComesFromItsProxyProtocolOrForwardedForHeaderAndFromNobodyElse()
      throws Exception {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Activation fenced = activation(tenant, "ledger", l.getMetadata().getName(), "invoices.read");
    fenced.getSpec().networkSecurity = NetworkSecurity.TrustedOnly;
    Vendor.Mounted credentials = mounted(create(fenced));
    awaitPhase(tenant, "ledger", Phase.Active);
    client().resource(network(tenant, "offices", List.of("192.0.2.0/24"), null)).create();
    Map<String, String> basic = Map.of("Authorization", Vendor.basicHeader(credentials.clientId(),
        credentials.clientSecret()));
    String form = "grant_type=client_credentials";

    TokenServer forwarded = startReplica(TokenSettings.embedded(operatorNs)
        .withProxies(TrustedProxies.parse("127.0.0.0/8"), false));
    String url = "http://127.0.0.1:" + forwarded.port() + TokenSettings.TOKEN_PATH;
    Await.until("served for the office address a trusted proxy forwards", () -> vendor.post(url, form,
        with(basic, "X-Forwarded-For", "198.51.100.1, 192.0.2.10")), r -> r.status() == 200);
    TokenRefusalsMockServerTest.assertRefused(vendor.post(url, form, with(basic, "X-Forwarded-For", "198.51.100.1")));

    TokenServer untrusting = startReplica(TokenSettings.embedded(operatorNs)
        .withProxies(TrustedProxies.parse("10.99.0.0/16"), false));
    TokenRefusalsMockServerTest.assertRefused(vendor.post("http://127.0.0.1:" + untrusting.port()
        + TokenSettings.TOKEN_PATH, form, with(basic, "X-Forwarded-For", "192.0.2.10")));

    TokenServer proxied = startReplica(TokenSettings.embedded(operatorNs)
        .withProxies(TrustedProxies.parse("127.0.0.0/8"), true));
    Await.until("served for the office address in a PROXY v2 header", () -> viaProxyProtocol(proxied.port(),
        basic.get("Authorization"), form), status -> status == 200);
    TokenServer proxiedUntrusting = startReplica(TokenSettings.embedded(operatorNs)
        .withProxies(TrustedProxies.parse("10.99.0.0/16"), true));
    assertEquals(401, viaProxyProtocol(proxiedUntrusting.port(), basic.get("Authorization"), form),
        "a PROXY header from a peer that is no trusted proxy names nobody");
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> more = new java.util.HashMap<>(headers);
    more.put(name, value);
    return more;
  }

  /** A request behind a PROXY protocol v2 header saying the client is 192.0.2.10; the status code. */
  private static int viaProxyProtocol(int port, String authorization, String form) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      ByteBuffer header = ByteBuffer.allocate(16 + 12);
      header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
      header.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
      header.put(new byte[] {(byte) 192, 0, 2, 10}).put(new byte[] {10, 0, 0, 1});
      header.putShort((short) 40000).putShort((short) 443);
      OutputStream out = socket.getOutputStream();
      out.write(header.array());
      out.write(("POST " + TokenSettings.TOKEN_PATH + " HTTP/1.1\r\nHost: tokens\r\nAuthorization: " + authorization
          + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
          + "\r\nConnection: close\r\n\r\n" + form).getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(answer.substring(9, 12));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
