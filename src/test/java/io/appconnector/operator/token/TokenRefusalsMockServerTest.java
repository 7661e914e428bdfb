package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static io.appconnector.operator.Fixtures.withLifetime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.support.Await;
import org.junit.jupiter.api.Test;

/**
 * Every way a credential stops being exchangeable is answered the same: 401 invalid_client with
 * the same description, naming Basic in WWW-Authenticate.
 */
class TokenRefusalsMockServerTest extends TokenMockServerScenarios {
  static void assertRefused(Vendor.Reply reply) {
    assertEquals(401, reply.status(), reply.toString());
    assertEquals("invalid_client", reply.error());
    assertEquals("Client authentication failed.", reply.json().get("error_description"), "no hint which refusal");
    assertEquals("Basic realm=\"appconnector\"", reply.header("WWW-Authenticate"));
    assertEquals("no-store", reply.header("Cache-Control"));
    assertEquals("no-cache", reply.header("Pragma"));
  }

  Vendor.Mounted activeCredentials(String name, AppListing listing) {
    Activation a = create(activation(tenant, name, listing.getMetadata().getName(), "invoices.read"));
    awaitPhase(tenant, name, Phase.Active);
    return mounted(a);
  }

  @Test
  void anUnknownClientAndAWrongSecretAreRefusedAlike() {
    Vendor.Mounted real = activeCredentials("ledger", listing(vendorListing("ledger", vendorNs, "invoices.read")));
    Vendor.Reply unknown = vendor.basic(new Vendor.Mounted("ac-000000000000000000000000", real.clientSecret(),
        real.tokenUrl(), null), null);
    Vendor.Reply wrong = vendor.basic(real.withSecret("not-the-secret"), null);
    Vendor.Reply wrongByForm = vendor.formAuth(real.withSecret("not-the-secret"), null);
    assertRefused(unknown);
    assertRefused(wrong);
    assertRefused(wrongByForm);
    assertEquals(unknown.raw().body(), wrong.raw().body(), "identical answers");
  }

  @Test
  void anExpiredCredentialIsRefused() {
    Vendor.Mounted kept = activeCredentials("pingpost",
        listing(withLifetime(vendorListing("pingpost", vendorNs, "invoices.read"), "1s")));
    awaitPhase(tenant, "pingpost", Phase.Expired);
    assertRefused(awaitRefusal(kept));
  }

  @Test
  void aSuspendedCredentialIsRefusedAndRestoringDeliversANewSecretThatWorks() {
    Vendor.Mounted before = activeCredentials("ledger", listing(vendorListing("ledger", vendorNs, "invoices.read")));
    assertEquals(200, awaitServed(before).status());

    edit(tenant, "ledger", s -> s.suspended = true);
    awaitPhase(tenant, "ledger", Phase.Suspended);
    assertRefused(awaitRefusal(before));

    edit(tenant, "ledger", s -> s.suspended = false);
    Activation restored = awaitPhase(tenant, "ledger", Phase.Active);
    Vendor.Mounted after = Await.until("a new secret delivered", () -> mounted(restored),
        m -> !m.clientSecret().equals(before.clientSecret()));
    assertEquals(before.clientId(), after.clientId(), "restoring keeps the client ID");
    assertEquals(200, awaitServed(after).status(), "the vendor reads the Secret again and is served");
    assertRefused(vendor.basic(before, null));
  }

  @Test
  void aDeactivatedCredentialIsRefusedWhileBeingDeletedAndOnceGone() {
    Vendor.Mounted kept = activeCredentials("ledger", listing(vendorListing("ledger", vendorNs, "invoices.read")));
    assertEquals(200, awaitServed(kept).status());

    stopOperator();
    client().resources(Activation.class).inNamespace(tenant).withName("ledger").delete();
    assertNotNull(Await.until("held by the finalizer", () -> get(tenant, "ledger").getMetadata().getDeletionTimestamp(),
        t -> t != null));
    assertRefused(awaitRefusal(kept));
    startOperator();
    Await.until("the activation is gone", () -> get(tenant, "ledger"), a -> a == null);
    assertRefused(vendor.basic(kept, null));
  }

  @Test
  void aRaisedRevisionRefusesTheOldPairAndServesTheNewOne() {
    Vendor.Mounted first = activeCredentials("ledger", listing(vendorListing("ledger", vendorNs, "invoices.read")));
    edit(tenant, "ledger", s -> s.revision = 1);
    Activation reissued = Await.until("revision 1 issued", () -> get(tenant, "ledger"),
        a -> a.getStatus().phase == Phase.Active && Long.valueOf(1).equals(a.getStatus().credential.revision));
    Vendor.Mounted second = Await.until("the new pair delivered", () -> mounted(reissued),
        m -> !m.clientId().equals(first.clientId()));
    assertNotEquals(first.clientId(), second.clientId());
    assertRefused(awaitRefusal(first));
    assertEquals(200, awaitServed(second).status());
  }

  @Test
  void aCredentialOfARetiredListingIsWithdrawnAndApprovalAgainRestoresTheSameClient() {
    AppListing l = listing(vendorListing("ledger", vendorNs, "invoices.read"));
    Vendor.Mounted kept = activeCredentials("ledger", l);
    assertEquals(200, awaitServed(kept).status());

    setLifecycle(l, AppListingSpec.Lifecycle.Retired);
    awaitPhase(tenant, "ledger", Phase.Rejected);
    assertRefused(awaitRefusal(kept));

    setLifecycle(l, AppListingSpec.Lifecycle.Approved);
    awaitPhase(tenant, "ledger", Phase.Active);
    // Retiring withdrew the Secret as suspension does: the restored one has a fresh secret, same client.
    Vendor.Mounted restored = Await.until("re-delivered", () -> vendor.read(vendorNs,
        io.appconnector.operator.values.DeliveryNames.secretName(tenant, "ledger")),
        m -> m != null && !m.clientSecret().equals(kept.clientSecret()));
    assertEquals(kept.clientId(), restored.clientId());
    assertEquals(200, awaitServed(restored).status());
    assertRefused(vendor.basic(kept, null));
  }

  private void setLifecycle(AppListing listing, AppListingSpec.Lifecycle lifecycle) {
    io.appconnector.operator.support.Resources.editListing(client(), listing.getMetadata().getName(), x -> {
      x.getSpec().lifecycle = lifecycle;
      return x;
    });
  }
}
