package io.appconnector.operator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrustedProxiesTest {
  static final TrustedProxies PROXIES = TrustedProxies.parse("10.0.0.0/8, fd00::/8");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no header: the peer | 10.1.1.1 | | 10.1.1.1",
      "from a trusted proxy: the address it appended | 10.1.1.1 | 192.0.2.7 | 192.0.2.7",
      "what the client wrote itself is passed over | 10.1.1.1 | 198.51.100.1, 192.0.2.7 | 192.0.2.7",
      "a chain of trusted proxies is walked back | 10.1.1.1 | 192.0.2.7, 10.2.2.2 | 192.0.2.7",
      "from an untrusted peer the header is ignored | 203.0.113.5 | 192.0.2.7 | 203.0.113.5",
      "an unreadable hop stops the walk at the last trusted one | 10.1.1.1 | 192.0.2.7, evil.example | 10.1.1.1",
      "IPv6 in brackets | fd00::1 | [2001:db8::7] | 2001:db8::7",
  })
  void theClientAddressIsTakenFromForwardedForOnlyBehindATrustedProxy(String name, String peer, String header,
      String expected) throws Exception {
    assertEquals(InetAddress.getByName(expected), PROXIES.client(InetAddress.getByName(peer),
        header == null ? null : List.of(header)));
  }
}
