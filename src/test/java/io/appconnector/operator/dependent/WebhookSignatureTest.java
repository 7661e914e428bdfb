package io.appconnector.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.logic.VendorNotice;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Vendor notifications: the Standard Webhooks signature and the CloudEvent a notice becomes. */
class WebhookSignatureTest {
  // The example of the Standard Webhooks specification: what any of its libraries computes.
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long TIMESTAMP = 1614265330;
  static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

  @Test
  void theSignatureIsTheOneTheStandardWebhooksSpecificationGives() {
    assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY));
  }

  @Test
  void aChangedBodyIdOrTimeFailsVerification() {
    String header = WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY);
    assertTrue(WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, "v1,bm90LWl0 " + header));
    assertFalse(WebhookSignature.verify(SECRET, ID, TIMESTAMP, "{\"test\": 1}".getBytes(StandardCharsets.UTF_8), header));
    assertFalse(WebhookSignature.verify(SECRET, ID + "x", TIMESTAMP, BODY, header));
    assertFalse(WebhookSignature.verify(SECRET, ID, TIMESTAMP + 1, BODY, header));
    assertFalse(WebhookSignature.verify(WebhookSignature.newSecret(), ID, TIMESTAMP, BODY, header));
  }

  @Test
  void aNoticeBecomesACloudEventWithFactsOnlyAndAStableId() {
    VendorNotice notice = new VendorNotice(VendorNotice.Type.ROTATED, "tenant-acme", "ledgerly", "uid-1", "ledgerly",
        "ac-123", "vendor-ledgerly/appconnector.tenant-acme.ledgerly", Instant.parse("2026-11-30T10:00:00Z"),
        "spec.rotateSecret was raised to 1", Instant.parse("2026-12-01T10:00:00Z"));
    CloudEvent event = VendorNotifications.event(notice);
    CloudEvent read = new JsonFormat().deserialize(new JsonFormat().serialize(event));
    assertEquals("io.appconnector.credentials.rotated", read.getType());
    assertEquals("/apis/appconnector.io/v1alpha1/namespaces/tenant-acme/activations/ledgerly", read.getSource().toString());
    assertEquals("tenant-acme/ledgerly", read.getSubject());
    assertEquals(VendorNotifications.event(notice).getId(), read.getId(), "the same notice has the same ID");
    assertEquals("{\"tenant\":\"tenant-acme\",\"activation\":\"ledgerly\",\"listing\":\"ledgerly\",\"clientId\":\"ac-123\","
        + "\"secret\":\"vendor-ledgerly/appconnector.tenant-acme.ledgerly\",\"detail\":\"spec.rotateSecret was raised to 1\","
        + "\"previousSecretRetiresAt\":\"2026-12-01T10:00:00Z\"}", new String(read.getData().toBytes(), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "Event reason {0} tells the vendor {1}")
  @CsvSource({"CredentialsIssued,ISSUED", "SecretRotated,ROTATED", "PreviousSecretRetired,RETIRED",
      "Suspended,SUSPENDED", "Restored,RESTORED", "CredentialsExpired,EXPIRED", "CredentialsIdleExpired,EXPIRED",
      "CredentialsWithdrawn,REVOKED", "Deactivated,REVOKED", "ConsentRenewed,CONSENT_RENEWED"})
  void eachLifecycleStepHasItsEventType(String reason, VendorNotice.Type type) {
    assertEquals(type, VendorNotice.forReason(reason));
  }

  @ParameterizedTest(name = "Event reason {0} is not sent")
  @CsvSource({"DeliveredSecretRepaired", "CredentialsRedelivered", "DeliveredSecretReplaced"})
  void repairsAreNotTheVendorsBusiness(String reason) {
    assertEquals(null, VendorNotice.forReason(reason));
  }
}
