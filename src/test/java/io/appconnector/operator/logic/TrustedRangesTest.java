package io.appconnector.operator.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One reading of a TrustedNetwork for the NetworkPolicy fence and the token endpoint: what cannot be read narrows access. */
class TrustedRangesTest {

  @ParameterizedTest(name = "cidrs [{0}] except [{1}]: {2} trusted = {3}, left out = {4}, problems = {5}")
  @CsvSource(delimiter = '|', value = {
      "10.0.0.0/8 | '' | 10.1.2.3 | true | false | 0",
      "10.0.0.0/8 | 10.1.0.0/16 | 10.1.2.3 | false | false | 0",
      "10.0.0.0/8 | 10.1.0.0/16 | 10.2.0.1 | true | false | 0",
      "10.0.0.0/8 | not-a-cidr | 10.2.0.1 | false | true | 1",
      "not-a-cidr;10.0.0.0/8 | '' | 10.2.0.1 | true | false | 1",
      "2001:db8::/32 | '' | 2001:db8::1 | true | false | 0",
      "2001:db8::/32 | '' | 10.0.0.1 | false | false | 0"})
  void aSourceIsTrustedInsideACidrAndOutsideItsExceptions(String cidrs, String exceptions, String source,
      boolean trusted, boolean leftOut, int problems) throws Exception {
    TrustedRanges ranges = TrustedRanges.of(network(cidrs, exceptions));
    assertEquals(trusted, !ranges.leftOut() && ranges.contains(InetAddress.getByName(source).getAddress()));
    assertEquals(leftOut, ranges.leftOut());
    assertEquals(problems, ranges.problems().size());
  }

  private static TrustedNetwork network(String cidrs, String exceptions) {
    TrustedNetwork network = new TrustedNetwork();
    network.setMetadata(new ObjectMetaBuilder().withNamespace("tenant-acme").withName("office").build());
    network.setSpec(new TrustedNetworkSpec());
    network.getSpec().cidrs = split(cidrs);
    network.getSpec().exceptions = split(exceptions);
    return network;
  }

  private static List<String> split(String list) {
    return list.isBlank() ? List.of() : Arrays.stream(list.split(";")).map(String::trim).toList();
  }
}
