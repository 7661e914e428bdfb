package io.appconnector.operator.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnusedCredentialsTest {

  @ParameterizedTest(name = "expiring at {0}, first used at {1}, looked at {2}: past its deadline = {3}")
  @CsvSource(nullValues = "-", value = {
      "2026-11-27T10:00:00Z, -, 2026-11-27T09:59:59.999Z, false",
      "2026-11-27T10:00:00Z, -, 2026-11-27T10:00:00Z, true",
      "2026-11-27T10:00:00Z, 2026-11-26T08:00:00Z, 2026-12-27T10:00:00Z, false",
      "-, -, 2026-12-27T10:00:00Z, false"})
  void credentialsNobodyUsedExpireAtTheirDeadline(String expiresAt, String firstUsedAt, Instant now, boolean past) {
    Credential credential = new Credential();
    credential.expiresAt = expiresAt;
    credential.firstUsedAt = firstUsedAt;
    assertEquals(past, UnusedCredentials.pastDeadline(credential, now));
  }
}
