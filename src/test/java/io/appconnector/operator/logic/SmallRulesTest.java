package io.appconnector.operator.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.Activation;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SmallRulesTest {

  @org.junit.jupiter.params.ParameterizedTest(name = "activated at {0}: the fee change takes effect at {1}")
  @org.junit.jupiter.params.provider.CsvSource({
      "2026-11-25T10:00:00Z, 2026-12-01T00:00:00Z",
      "2026-12-31T23:59:59Z, 2027-01-01T00:00:00Z",
      "2026-11-01T00:00:00Z, 2026-12-01T00:00:00Z"})
  void aFeeChangeTakesEffectOnTheFirstDayOfTheNextCalendarMonth(Instant activated, Instant effective) {
    assertEquals(effective, BillingCalendar.effectiveFrom(activated));
  }

  @Test
  void deliveredSecretNamesAreDeterministicAndFitKubernetesLimits() {
    Activation a = Fixtures.activation("tenant-acme", "ledger", "ledger");
    assertEquals("appconnector.tenant-acme.ledger", DeliveryNames.secretName(a));
    Activation longName = Fixtures.activation("t".repeat(63), "n".repeat(253), "ledger");
    String name = DeliveryNames.secretName(longName);
    assertEquals(253, name.length());
    assertEquals(name, DeliveryNames.secretName(longName));
    assertEquals(63, DeliveryNames.labelValue("x".repeat(100)).length());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}/{1} and {2}/{3} get different Secrets (old names collided: {4})")
  @org.junit.jupiter.params.provider.CsvSource({
      "acme-eu, ledgerly, acme, eu-ledgerly, true",
      "a-b, c, a, b-c, true",
      "t, a.b, t, a-b, false"})
  void deliveredSecretNamesAreUniquePerTenantAndActivation(String tenant1, String name1, String tenant2, String name2,
      boolean oldNamesCollided) {
    assertEquals(oldNamesCollided, DeliveryNames.legacySecretName(Fixtures.activation(tenant1, name1, "l")).equals(
        DeliveryNames.legacySecretName(Fixtures.activation(tenant2, name2, "l"))));
    org.junit.jupiter.api.Assertions.assertNotEquals(DeliveryNames.secretName(tenant1, name1),
        DeliveryNames.secretName(tenant2, name2));
  }

  @Test
  void longNamesThatShareTheirFirst240CharactersStillGetDifferentSecrets() {
    String tenant = "t".repeat(63);
    String a = DeliveryNames.secretName(tenant, "n".repeat(240) + "-one");
    String b = DeliveryNames.secretName(tenant, "n".repeat(240) + "-two");
    org.junit.jupiter.api.Assertions.assertNotEquals(a, b);
    assertEquals(253, a.length());
    assertTrue(a.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"), a);
  }
}
