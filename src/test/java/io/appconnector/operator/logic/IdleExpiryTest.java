package io.appconnector.operator.logic;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.values.Times;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The listing's idle lifetime, decided without a cluster on a clock the test moves. */
class IdleExpiryTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  static final Duration IDLE = Duration.ofHours(2);

  static AppListing idle(String lifetime) {
    AppListing listing = vendorListing("ledger", "vendor-ledger", "invoices.read");
    listing.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    listing.getSpec().credentialPolicy.idleLifetime = lifetime;
    return listing;
  }

  CredentialLoop usedAt(AppListing listing, Instant firstUse) {
    CredentialLoop loop = new CredentialLoop(listing, activation("tenant-acme", "ledger", "ledger", "invoices.read"));
    loop.reconcile(T0);
    loop.exchangeCurrent(firstUse);
    return loop;
  }

  @Test
  void usedCredentialsExpireExactlyTheIdleLifetimeAfterTheirLastRecordedUse() {
    CredentialLoop loop = usedAt(idle("2h"), T0.plusSeconds(60));
    Instant lastUse = T0.plusSeconds(3600);
    loop.activation.getStatus().credential.lastUsedAt = Times.formatPrecise(lastUse);
    Instant deadline = lastUse.plus(IDLE);

    assertEquals(deadline, loop.reconcile(deadline.minusMillis(1)), "the next look is the idle deadline");
    assertEquals(Phase.Active, loop.activation.getStatus().phase, "not a millisecond early");
    assertTrue(loop.exchanges(loop.delivered().clientSecret(), deadline.minusMillis(1)));
    assertFalse(loop.exchanges(loop.delivered().clientSecret(), deadline), "refused at the deadline itself");

    loop.reconcile(deadline);
    assertEquals(Phase.Expired, loop.activation.getStatus().phase);
    assertEquals(Times.formatPrecise(deadline), loop.activation.getStatus().credential.expiredAt);
    assertNull(loop.secret, "the delivered Secret is withdrawn");
    assertTrue(loop.activation.getStatus().message.contains("not used for 2h after their last use"),
        loop.activation.getStatus().message);
    assertEquals("CredentialsIdleExpired", loop.events.get(loop.events.size() - 1));
  }

  @Test
  void aLaterRecordedUseMovesTheDeadline() {
    CredentialLoop loop = usedAt(idle("2h"), T0.plusSeconds(60));
    Instant first = T0.plusSeconds(60).plus(IDLE);
    assertEquals(first, loop.reconcile(T0.plusSeconds(61)));
    loop.activation.getStatus().credential.lastUsedAt = Times.formatPrecise(first.minusSeconds(1));
    assertEquals(first.minusSeconds(1).plus(IDLE), loop.reconcile(first));
    assertEquals(Phase.Active, loop.activation.getStatus().phase);
  }

  @Test
  void withoutAnIdleLifetimeUsedCredentialsNeverExpire() {
    CredentialLoop loop = usedAt(vendorListing("ledger", "vendor-ledger", "invoices.read"), T0.plusSeconds(60));
    assertNull(loop.reconcile(T0.plus(Duration.ofDays(3650))));
    assertEquals(Phase.Active, loop.activation.getStatus().phase);
  }

  @Test
  void unusedCredentialsAreLeftToTheUnusedLifetime() {
    CredentialLoop loop = new CredentialLoop(idle("1h"), activation("tenant-acme", "ledger", "ledger", "invoices.read"));
    assertEquals(T0.plus(ActivationPlanner.DEFAULT_LIFETIME), loop.reconcile(T0));
    loop.reconcile(T0.plus(Duration.ofHours(2)));
    assertEquals(Phase.Active, loop.activation.getStatus().phase, "an idle lifetime starts with the first use");
  }

  @Test
  void restoringAfterASuspensionStartsTheIdleCountAfresh() {
    CredentialLoop loop = usedAt(idle("2h"), T0.plusSeconds(60));
    loop.activation.getSpec().suspended = true;
    loop.reconcile(T0.plusSeconds(120));
    loop.activation.getSpec().suspended = false;
    Instant restored = T0.plus(Duration.ofDays(30));
    loop.reconcile(restored);
    assertEquals(restored.plus(IDLE), loop.reconcile(restored.plusMillis(1)));
    assertEquals(Phase.Active, loop.activation.getStatus().phase);
  }
}
