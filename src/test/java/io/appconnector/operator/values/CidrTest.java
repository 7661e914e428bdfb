package io.appconnector.operator.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CidrTest {

  @Test
  void ipv4NetworksContainTheirAddressesOnly() {
    Cidr net = Cidr.parse("203.0.113.0/24");
    assertTrue(net.contains("203.0.113.7"));
    assertFalse(net.contains("203.0.114.7"));
    assertFalse(net.contains("2001:db8::1"), "other family");
    assertEquals("203.0.113.0/24", net.toString());
    assertTrue(Cidr.parse("0.0.0.0/0").contains("198.51.100.1"));
  }

  @Test
  void ipv6NetworksAreCompressedAsKubernetesWritesThem() {
    Cidr net = Cidr.parse("2001:db8::/32");
    assertTrue(net.contains("2001:db8:1::5"));
    assertFalse(net.contains("2001:db9::5"));
    assertEquals("2001:db8::/32", net.toString());
    assertEquals("2001:db8:0:1::/64", Cidr.parse("2001:0db8:0000:0001::/64").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "not-a-cidr", "10.1.2.3/16", "256.0.0.0/8", "10.0.0.0", "example.com/24",
      "2001:db8::/129", "010.0.0.0/8", "::ffff:10.0.0.0/104"})
  void badCidrsAreRefusedWithAReason(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }
}
