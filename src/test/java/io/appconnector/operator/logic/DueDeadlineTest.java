package io.appconnector.operator.logic;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.BillingState;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.values.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which deadline in status has come, the rule the reconcile queue orders by: one row per case, each
 * decided at an instant the row gives (never early: a millisecond before a deadline it is not due).
 */
class DueDeadlineTest {
  static final Instant ISSUED = Instant.parse("2026-11-25T10:00:00Z");
  static final Instant EXPIRES = ISSUED.plus(Duration.ofHours(48));
  static final Instant USED = ISSUED.plusSeconds(60);
  static final Instant RETIRES = ISSUED.plus(Duration.ofHours(30));

  /** An Active activation holding a live, unused credential issued at ISSUED, expiring at EXPIRES. */
  static Activation active(Consumer<ActivationStatus> change) {
    Activation a = activation("tenant-acme", "ledger", "ledger", "invoices.read");
    ActivationStatus status = new ActivationStatus();
    status.phase = Phase.Active;
    status.credential = new ActivationStatus.Credential();
    status.credential.clientId = "client-1";
    status.credential.verifier = "sha256:salt:hash";
    status.credential.revision = 0L;
    status.credential.issuedAt = Times.formatPrecise(ISSUED);
    status.credential.expiresAt = Times.formatPrecise(EXPIRES);
    change.accept(status);
    a.setStatus(status);
    return a;
  }

  static AppListingSpec listing(Consumer<AppListingSpec.CredentialPolicy> policy) {
    AppListing listing = vendorListing("ledger", "vendor-ledger", "invoices.read");
    listing.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    policy.accept(listing.getSpec().credentialPolicy);
    return listing.getSpec();
  }

  static void used(ActivationStatus s) {
    s.credential.firstUsedAt = Times.formatPrecise(USED);
  }

  static void overlapping(ActivationStatus s) {
    used(s);
    s.credential.previousSecret = new ActivationStatus.PreviousSecret();
    s.credential.previousSecret.verifier = "sha256:salt:old";
    s.credential.previousSecret.retiresAt = Times.formatPrecise(RETIRES);
  }

  /** A used credential (so no expiry of its own) with a fee change pending from FEE_DATE. */
  static void feeChangePending(ActivationStatus s) {
    used(s);
    s.billing = new ActivationStatus.Billing();
    s.billing.state = BillingState.FeeChangePending;
    s.billing.effectiveFrom = "2026-12-01T00:00:00Z";
  }

  static final AppListingSpec PLAIN = listing(p -> {
  });
  static final AppListingSpec IDLE_2H = listing(p -> p.idleLifetime = "2h");
  static final AppListingSpec ROTATES_DAILY = listing(p -> p.rotateEvery = "24h");
  static final Instant FEE_DATE = Instant.parse("2026-12-01T00:00:00Z");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no status yet: a new activation is not due", activation("tenant-acme", "new", "ledger"), PLAIN,
            ISSUED, null),
        Arguments.of("unused credential, a millisecond before its expiry: not due", active(s -> {
        }), PLAIN, EXPIRES.minusMillis(1), null),
        Arguments.of("unused credential at its expiry: due", active(s -> {
        }), PLAIN, EXPIRES, EXPIRES),
        Arguments.of("unused credential past its expiry: due since the expiry", active(s -> {
        }), PLAIN, EXPIRES.plusSeconds(5), EXPIRES),
        Arguments.of("used credential: its unused-credential expiry no longer counts", active(DueDeadlineTest::used),
            PLAIN, EXPIRES.plusSeconds(5), null),
        Arguments.of("used credential, a millisecond before its idle deadline: not due", active(DueDeadlineTest::used),
            IDLE_2H, USED.plus(Duration.ofHours(2)).minusMillis(1), null),
        Arguments.of("used credential at its idle deadline (last use + idle lifetime): due",
            active(DueDeadlineTest::used), IDLE_2H, USED.plus(Duration.ofHours(2)), USED.plus(Duration.ofHours(2))),
        Arguments.of("idle deadline with the listing unknown: only what status holds counts",
            active(DueDeadlineTest::used), null, USED.plus(Duration.ofHours(3)), null),
        Arguments.of("rotation overlap, a millisecond before the previous secret retires: not due",
            active(DueDeadlineTest::overlapping), PLAIN, RETIRES.minusMillis(1), null),
        Arguments.of("rotation overlap at the previous secret's retirement: due", active(DueDeadlineTest::overlapping),
            PLAIN, RETIRES, RETIRES),
        Arguments.of("rotation overlap ended early by the new secret's first use: due since that use",
            active(s -> {
              overlapping(s);
              s.credential.secretFirstUsedAt = Times.formatPrecise(ISSUED.plus(Duration.ofHours(25)));
            }), PLAIN, ISSUED.plus(Duration.ofHours(26)), ISSUED.plus(Duration.ofHours(25))),
        Arguments.of("scheduled rotation (every 24h), a millisecond early: not due", active(DueDeadlineTest::used),
            ROTATES_DAILY, ISSUED.plus(Duration.ofHours(24)).minusMillis(1), null),
        Arguments.of("scheduled rotation (every 24h) at its time: due", active(DueDeadlineTest::used), ROTATES_DAILY,
            ISSUED.plus(Duration.ofHours(24)), ISSUED.plus(Duration.ofHours(24))),
        Arguments.of("scheduled rotation counts from the current secret's issue", active(s -> {
          used(s);
          s.credential.secretIssuedAt = Times.formatPrecise(ISSUED.plus(Duration.ofHours(10)));
        }), ROTATES_DAILY, ISSUED.plus(Duration.ofHours(30)), null),
        Arguments.of("fee change pending at its date: due", active(DueDeadlineTest::feeChangePending), PLAIN, FEE_DATE,
            FEE_DATE),
        Arguments.of("fee change pending, a millisecond before its date: not due",
            active(DueDeadlineTest::feeChangePending), PLAIN, FEE_DATE.minusMillis(1), null),
        Arguments.of("fee change pending on a Suspended activation: due all the same", active(s -> {
          feeChangePending(s);
          s.phase = Phase.Suspended;
        }), PLAIN, FEE_DATE, FEE_DATE),
        Arguments.of("fee change already effective: nothing due", active(s -> {
          feeChangePending(s);
          s.billing.state = BillingState.FeeChangeEffective;
        }), PLAIN, FEE_DATE.plusSeconds(1), null),
        Arguments.of("two deadlines due: the earlier one", active(s -> {
          feeChangePending(s);
          s.credential.firstUsedAt = null;
        }), PLAIN, FEE_DATE.plusSeconds(1), EXPIRES),
        Arguments.of("already expired (expiredAt recorded): nothing due, so it never stays ahead", active(s -> {
          s.phase = Phase.Expired;
          s.credential.verifier = null;
          s.credential.expiredAt = Times.formatPrecise(EXPIRES);
        }), PLAIN, EXPIRES.plusSeconds(60), null),
        Arguments.of("Suspended with the old expiry in its record: nothing due", active(s -> s.phase = Phase.Suspended),
            PLAIN, EXPIRES.plusSeconds(60), null),
        Arguments.of("record of an older revision (spec.revision raised): nothing due", active(s -> s.credential.revision = -1L),
            PLAIN, EXPIRES.plusSeconds(60), null),
        Arguments.of("withdrawn record (no verifier): nothing due", active(s -> s.credential.verifier = null), PLAIN,
            EXPIRES.plusSeconds(60), null),
        Arguments.of("an expiry that does not parse (a hand-edited status): no deadline, no failure",
            active(s -> s.credential.expiresAt = "tomorrow"), PLAIN, EXPIRES.plusSeconds(60), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void dueDeadline(String name, Activation activation, AppListingSpec listing, Instant now, Instant expected) {
    assertEquals(expected, DueDeadline.of(activation, listing, now));
  }

  /** The rule agrees with the planner: due exactly from the next look the reconcile scheduled, not before. */
  @Test
  void dueFromThePlannersNextLookAndNotAMillisecondBefore() {
    AppListing listing = vendorListing("ledger", "vendor-ledger", "invoices.read");
    CredentialLoop loop = new CredentialLoop(listing, activation("tenant-acme", "ledger", "ledger", "invoices.read"));
    Instant next = loop.reconcile(ISSUED);
    assertEquals(Phase.Active, loop.activation.getStatus().phase);
    assertNull(DueDeadline.of(loop.activation, listing.getSpec(), next.minusMillis(1)));
    assertEquals(next, DueDeadline.of(loop.activation, listing.getSpec(), next));

    loop.reconcile(next);
    assertEquals(Phase.Expired, loop.activation.getStatus().phase);
    assertNull(DueDeadline.of(loop.activation, listing.getSpec(), next.plusSeconds(60)),
        "the reconcile that acts on the deadline clears it");
  }

  @Test
  void anIdleDeadlineIsDueFromThePlannersNextLook() {
    AppListing listing = vendorListing("ledger", "vendor-ledger", "invoices.read");
    listing.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    listing.getSpec().credentialPolicy.idleLifetime = "2h";
    CredentialLoop loop = new CredentialLoop(listing, activation("tenant-acme", "ledger", "ledger", "invoices.read"));
    loop.reconcile(ISSUED);
    loop.exchangeCurrent(USED);
    Instant next = loop.reconcile(USED.plusSeconds(1));
    assertNull(DueDeadline.of(loop.activation, listing.getSpec(), next.minusMillis(1)));
    assertEquals(next, DueDeadline.of(loop.activation, listing.getSpec(), next));
  }
}
