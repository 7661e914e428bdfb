package io.appconnector.operator.api;

import static io.appconnector.operator.Fixtures.activation;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationSpec;
import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.api.v1alpha1.TrustedNetworkSpec;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Activation and TrustedNetwork CRDs' schema bounds and CEL rules, against a real kube-apiserver:
 * each bad object is rejected with 422 on the right field and with the rule's message. The last
 * test checks that every CEL rule message in these two CRDs was seen in some rejection.
 */
@TestMethodOrder(OrderAnnotation.class)
class ActivationAndNetworkValidationIT {
  static final Set<String> KINDS = Set.of("Activation", "TrustedNetwork");
  static final String NS = "crd-validation";
  static final AtomicInteger COUNTER = new AtomicInteger();
  static RealApiServer api;
  static ValidationChecks checks;

  @BeforeAll
  static void startApiServer() {
    api = RealApiServer.start();
    checks = new ValidationChecks(api.client());
    checks.create(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build());
  }

  @AfterAll
  static void stopApiServer() {
    if (api != null) {
      api.close();
    }
  }

  /** A valid Activation with a unique name, consenting to the given scopes. */
  static Activation activationOf(String... consented) {
    return activation(NS, "act-" + COUNTER.incrementAndGet(), "ledgerly", consented);
  }

  static Activation withScopes(Activation a, List<String> allowed, List<String> declined) {
    a.getSpec().scopes = new ActivationSpec.Scopes();
    a.getSpec().scopes.allowed = allowed;
    a.getSpec().scopes.declined = declined;
    return a;
  }

  static TrustedNetwork network(List<String> cidrs, List<String> exceptions) {
    TrustedNetwork n = new TrustedNetwork();
    n.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("net-" + COUNTER.incrementAndGet()).build());
    n.setSpec(new TrustedNetworkSpec());
    n.getSpec().cidrs = cidrs;
    n.getSpec().exceptions = exceptions;
    return n;
  }

  // Activation

  @Test
  void aValidActivationIsAccepted() {
    checks.create(withScopes(activationOf("invoices.read", "payments.read"), List.of("invoices.read"), null));
  }

  @Test
  void anActivationWithoutConsentIsRejected() {
    Activation a = activationOf();
    a.getSpec().consent = null;
    checks.assertRejected(a, "spec.consent", "Required value");
  }

  @Test
  void changingTheListingOfAnActivationIsRejected() {
    Activation stored = checks.create(activationOf("invoices.read"));
    checks.assertUpdateRejected(stored, a -> a.getSpec().listing = "pingpost", "spec.listing",
        "listing cannot be changed; delete this Activation and create a new one for the other listing");
  }

  @Test
  void loweringTheRevisionIsRejectedButRaisingItIsAccepted() {
    Activation first = activationOf("invoices.read");
    first.getSpec().revision = 2;
    Activation stored = checks.update(checks.create(first), a -> a.getSpec().revision = 3);
    assertEquals(3, stored.getSpec().revision);
    checks.assertUpdateRejected(stored, a -> a.getSpec().revision = 1, "spec.revision",
        "revision can only be raised (raise it to issue fresh credentials)");
  }

  @Test
  void loweringRotateSecretIsRejectedButRaisingItIsAccepted() {
    Activation first = activationOf("invoices.read");
    first.getSpec().rotateSecret = 2;
    Activation stored = checks.update(checks.create(first), a -> a.getSpec().rotateSecret = 3);
    assertEquals(3, stored.getSpec().rotateSecret);
    checks.assertUpdateRejected(stored, a -> a.getSpec().rotateSecret = 1, "spec.rotateSecret",
        "rotateSecret can only be raised (raise it to get a new secret for the same client ID)");
  }

  @Test
  void aNegativeRevisionIsRejected() {
    Activation a = activationOf("invoices.read");
    a.getSpec().revision = -1;
    checks.assertRejected(a, "spec.revision", "should be greater than or equal to 0");
  }

  @Test
  void anAllowedScopeWithoutConsentIsRejected() {
    Activation a = withScopes(activationOf("invoices.read"), List.of("invoices.read", "payments.read"), null);
    checks.assertRejected(a, "spec.scopes.allowed", "every scope in scopes.allowed must also be in consent.dataAccess: "
        + "a scope can be allowed only after consenting to it");
  }

  @Test
  void aDeclinedScopeWithoutConsentIsRejected() {
    Activation a = withScopes(activationOf("invoices.read"), null, List.of("payments.read"));
    checks.assertRejected(a, "spec.scopes.declined",
        "every scope in scopes.declined must be one of consent.dataAccess (the scopes the listing requests)");
  }

  @Test
  void aScopeBothAllowedAndDeclinedIsRejected() {
    Activation a = withScopes(activationOf("invoices.read", "payments.read"),
        List.of("invoices.read", "payments.read"), List.of("payments.read"));
    checks.assertRejected(a, "spec.scopes", "a scope cannot be both allowed and declined");
  }

  // TrustedNetwork

  @Test
  void ipv4AndIpv6NetworksWithExceptionsInsideThemAreAccepted() {
    checks.create(network(List.of("192.0.2.0/24", "2001:db8:a::/48"), List.of("192.0.2.192/26", "2001:db8:a:ff::/64")));
    checks.create(network(List.of("2001:db8::/32"), null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "not-a-cidr", "10.0.0.0", "2001:db8::/129"})
  void anInvalidCidrIsRejected(String cidr) {
    checks.assertRejected(network(List.of("192.0.2.0/24", cidr), null), "spec.cidrs",
        "each entry in cidrs must be a CIDR such as 203.0.113.0/24 or 2001:db8::/32");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.1.2.3/16", "2001:db8::1/32"})
  void aCidrWithHostBitsIsRejected(String cidr) {
    checks.assertRejected(network(List.of(cidr), null), "spec.cidrs",
        "a CIDR in cidrs has host bits set (for example 10.1.2.3/16); write the network address (10.1.0.0/16)");
  }

  @Test
  void aNetworkWithoutCidrsIsRejected() {
    checks.assertRejected(network(List.of(), null), "spec.cidrs", "should have at least 1 items");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/8", "192.0.3.0/26", "192.0.2.0/23", "2001:db8::/64"})
  void anExceptionOutsideEveryCidrIsRejected(String exception) {
    checks.assertRejected(network(List.of("192.0.2.0/24"), List.of(exception)), "spec.exceptions",
        "each exception must lie inside one of cidrs (an exception carves a range out of a trusted network)");
  }

  @Test
  void anExceptionThatIsNotACidrIsRejected() {
    checks.assertRejected(network(List.of("192.0.2.0/24"), List.of("192.0.2.300/32")), "spec.exceptions",
        "each entry in exceptions must be a CIDR such as 203.0.113.128/25 or 2001:db8::/48");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void everyCelRuleOfTheActivationAndNetworkCrdsIsSeenRejectingAnObject() {
    checks.assertEveryRuleMessageObserved(KINDS);
  }
}
