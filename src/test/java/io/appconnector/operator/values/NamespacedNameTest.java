package io.appconnector.operator.values;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamespacedNameTest {

  @ParameterizedTest(name = "''{0}'' reads as namespace ''{1}'', name ''{2}''")
  @CsvSource(nullValues = "-", value = {
      "tenant-acme/ledger, tenant-acme, ledger",
      "vendor-ledger/appconnector.tenant-acme.ledger, vendor-ledger, appconnector.tenant-acme.ledger",
      "a/b/c, a, b/c",
      "no-slash, -, -",
      "-, -, -"})
  void aReferenceIsReadUpToItsFirstSlash(String text, String namespace, String name) {
    NamespacedName ref = NamespacedName.parse(text);
    assertEquals(namespace, ref == null ? null : ref.namespace());
    assertEquals(name, ref == null ? null : ref.name());
    if (ref != null) {
      assertEquals(text, ref.toString(), "written back as it was read");
    }
  }
}
