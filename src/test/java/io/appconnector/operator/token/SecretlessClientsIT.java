package io.appconnector.operator.token;

import static io.appconnector.operator.Fixtures.activation;
import static io.appconnector.operator.Fixtures.vendorListing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Phase;
import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import io.appconnector.operator.values.DeliveryNames;
import io.appconnector.operator.support.Await;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Activations that no secret ever exists for, on a real kube-apiserver: the vendor authenticates
 * with a projected ServiceAccount token (from the TokenRequest API, as the kubelet gets one for a
 * pod's projected volume, bound to a pod that exists without a kubelet) reviewed by the API server,
 * or with a JWT signed by its own key. Client IDs, scopes, tenant and token URL are still
 * delivered; every refusal is the same 401 invalid_client.
 */
class SecretlessClientsIT extends TokenScenarios {
  @RegisterExtension
  static final RealApiServer.PerClass api = new RealApiServer.PerClass();
  static final String CONNECTOR = "connector";

  String elsewhere;
  Pod pod;

  @Override
  protected KubernetesClient client() {
    return api.client();
  }

  @BeforeEach
  void serviceAccountsAndThePodOfTheConnector() {
    elsewhere = "elsewhere-" + suffix;
    client().resource(new NamespaceBuilder().withNewMetadata().withName(elsewhere).endMetadata().build()).create();
    for (String[] account : List.of(new String[] {vendorNs, CONNECTOR}, new String[] {vendorNs, "default"},
        new String[] {elsewhere, CONNECTOR})) {
      client().resource(new ServiceAccountBuilder().withNewMetadata().withNamespace(account[0]).withName(account[1])
          .endMetadata().build()).create();
    }
    pod = pod(vendorNs, "connector-0", CONNECTOR);
  }

  Pod pod(String namespace, String name, String serviceAccount) {
    return client().resource(new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().withServiceAccountName(serviceAccount).addNewContainer().withName("connector")
        .withImage("registry.example.com/connector:1").endContainer().endSpec().build()).create();
  }

  /** A token as the kubelet would project it into {@code pod}: the TokenRequest API, bound to the pod. */
  String projectedToken(Pod bound, String serviceAccount, String audience) {
    return client().serviceAccounts().inNamespace(bound.getMetadata().getNamespace()).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withAudiences(audience).withExpirationSeconds(600L)
            .withNewBoundObjectRef("v1", "Pod", bound.getMetadata().getName(), bound.getMetadata().getUid())
            .endSpec().build())
        .getStatus().getToken();
  }

  AppListing listing(String name, ClientAuthenticationMethod method, Map<String, String> settings) {
    AppListing listing = vendorListing(name, vendorNs, "invoices.read", "contacts.read");
    listing.getSpec().clientAuthentication = new AppListingSpec.ClientAuthentication();
    listing.getSpec().clientAuthentication.method = method;
    listing.getSpec().clientAuthentication.serviceAccountName = settings.get("serviceAccountName");
    listing.getSpec().clientAuthentication.jwks = settings.get("jwks");
    return listing(listing);
  }

  /** An Active activation of a listing whose vendor authenticates without a secret, and what was delivered. */
  Vendor.Mounted activated(String name, AppListing listing) {
    create(activation(tenant, name, listing.getMetadata().getName(), "invoices.read", "contacts.read"));
    return mounted(awaitPhase(tenant, name, Phase.Active));
  }

  Vendor.Reply exchange(Vendor.Mounted mounted, String assertion) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", mounted.clientId());
    form.put("client_assertion_type", ClientAuthentication.JWT_BEARER);
    form.put("client_assertion", assertion);
    return vendor.post(mounted.tokenUrl(), Vendor.form(form), Map.of());
  }

  static void assertRefused(Vendor.Reply reply, String why) {
    assertEquals(401, reply.status(), why);
    assertEquals("invalid_client", reply.error(), why);
  }

  @Test
  void theNamedServiceAccountsProjectedTokenExchangesAndNoSecretExistsAnywhere() {
    Vendor.Mounted mounted = activated("payroll", listing("payroll", ClientAuthenticationMethod.ServiceAccountToken,
        Map.of("serviceAccountName", CONNECTOR)));
    assertNull(mounted.clientSecret(), "the delivered Secret holds no clientSecret");
    assertEquals("invoices.read contacts.read", mounted.scopes());
    assertEquals(server.settings().tokenEndpoint(), mounted.tokenUrl());

    Vendor.Reply reply = exchange(mounted, projectedToken(pod, CONNECTOR, mounted.tokenUrl()));
    assertEquals(200, reply.status(), reply.toString());
    assertEquals("invoices.read contacts.read", reply.json().get("scope"));
    Activation used = get(tenant, "payroll");
    assertNotNull(used.getStatus().credential.firstUsedAt, "first use recorded: the unused expiry has stopped");
    assertNull(used.getStatus().credential.verifier, "no verifier: there is no secret to verify");
    assertEquals(ClientAuthenticationMethod.ServiceAccountToken, used.getStatus().credential.clientAuthentication);

    String uid = used.getMetadata().getUid();
    List<Secret> withSecret = client().secrets().inAnyNamespace().list().getItems().stream()
        .filter(s -> s.getData() != null && s.getData().containsKey("clientSecret"))
        .filter(s -> s.getMetadata().getAnnotations() == null
            || uid.equals(s.getMetadata().getAnnotations().get(DeliveryNames.ACTIVATION_UID))
            || s.getMetadata().getNamespace().equals(vendorNs))
        .toList();
    assertEquals(List.of(), withSecret.stream().map(s -> s.getMetadata().getNamespace() + "/"
        + s.getMetadata().getName()).toList(), "no Secret with a client secret exists for this activation");
  }

  @Test
  void tokensOfOtherAccountsNamespacesAudiencesOrPodsAndExpiredOnesAreRefused() throws Exception {
    Vendor.Mounted mounted = activated("ledger", listing("ledger", ClientAuthenticationMethod.ServiceAccountToken,
        Map.of("serviceAccountName", CONNECTOR)));
    String audience = mounted.tokenUrl();
    assertRefused(exchange(mounted, projectedToken(pod(vendorNs, "default-0", "default"), "default", audience)),
        "another ServiceAccount of the vendor's namespace");
    assertRefused(exchange(mounted, projectedToken(pod(elsewhere, "connector-0", CONNECTOR), CONNECTOR, audience)),
        "the same ServiceAccount name in another namespace");
    assertRefused(exchange(mounted, projectedToken(pod, CONNECTOR, "https://kubernetes.default.svc")),
        "a token for another audience (the API server's)");
    String unbound = client().serviceAccounts().inNamespace(vendorNs).withName(CONNECTOR)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withAudiences(audience).withExpirationSeconds(600L)
            .endSpec().build()).getStatus().getToken();
    assertRefused(exchange(mounted, unbound), "a token bound to no pod (kubectl create token)");

    // Expired: the TokenRequest API issues no token shorter than 10 minutes, so the pod's own token
    // is signed again with the API server's service-account key, as the API server would have
    // issued it 11 minutes ago. The same re-signing with a live exp is accepted: only exp differs.
    String projected = projectedToken(pod, CONNECTOR, audience);
    Instant now = Instant.now();
    assertRefused(exchange(mounted, resigned(projected, now.minus(Duration.ofMinutes(11)), now.minusSeconds(60))),
        "a token that expired a minute ago");
    assertEquals(200, exchange(mounted, resigned(projected, now.minusSeconds(5), now.plusSeconds(600))).status(),
        "the control: re-signed with a live exp, the same token is accepted");

    client().resource(pod).withGracePeriod(0).delete();
    Await.until("the connector pod deleted", () -> client().pods().inNamespace(vendorNs).withName("connector-0").get(),
        p -> p == null);
    assertRefused(exchange(mounted, projected), "the token of a pod that no longer exists");
  }

  /** {@code token}'s claims with other iat, nbf and exp, signed with the API server's service-account key. */
  static String resigned(String token, Instant issued, Instant expires) throws Exception {
    SignedJWT original = SignedJWT.parse(token);
    JWTClaimsSet claims = new JWTClaimsSet.Builder(original.getJWTClaimsSet()).issueTime(Date.from(issued))
        .notBeforeTime(Date.from(issued)).expirationTime(Date.from(expires)).build();
    SignedJWT jwt = new SignedJWT(original.getHeader(), claims);
    jwt.sign(new RSASSASigner(apiServerKey().getPrivate()));
    return jwt.serialize();
  }

  static KeyPair apiServerKey() throws IOException {
    Path key = RealApiServer.binaries().getParent().getParent().resolve("apiserver.key");
    try (Reader reader = Files.newBufferedReader(key); PEMParser pem = new PEMParser(reader)) {
      return new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) pem.readObject());
    }
  }

  static String vendorAssertion(ECKey key, String clientId, String audience, String jti) throws JOSEException {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience).jwtID(jti)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60))).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  @Test
  void aVendorsOwnSignedAssertionExchangesOnceAndItsReplayIsRefused() throws JOSEException {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("vendor-1").generate();
    Vendor.Mounted mounted = activated("books", listing("books", ClientAuthenticationMethod.PrivateKeyJWT,
        Map.of("jwks", new JWKSet(key.toPublicJWK()).toString())));
    assertNull(mounted.clientSecret());
    String assertion = vendorAssertion(key, mounted.clientId(), mounted.tokenUrl(), UUID.randomUUID().toString());
    assertEquals(200, exchange(mounted, assertion).status());
    assertRefused(exchange(mounted, assertion), "the same assertion again");
    assertEquals(200, exchange(mounted, vendorAssertion(key, mounted.clientId(), server.settings().issuer(),
        UUID.randomUUID().toString())).status(), "a fresh jti, with the issuer as audience");
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("vendor-1").generate();
    assertRefused(exchange(mounted, vendorAssertion(stranger, mounted.clientId(), mounted.tokenUrl(),
        UUID.randomUUID().toString())), "signed by a key the listing does not hold");
  }

  @Test
  void aSuspendedActivationRefusesBothKindsAndRestoringAcceptsThemAgain() throws JOSEException {
    Vendor.Mounted byAccount = activated("chat", listing("chat", ClientAuthenticationMethod.ServiceAccountToken,
        Map.of("serviceAccountName", CONNECTOR)));
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("vendor-2").generate();
    Vendor.Mounted byKey = activated("mail", listing("mail", ClientAuthenticationMethod.PrivateKeyJWT,
        Map.of("jwks", new JWKSet(key.toPublicJWK()).toString())));
    for (String name : List.of("chat", "mail")) {
      edit(tenant, name, spec -> spec.suspended = true);
      awaitPhase(tenant, name, Phase.Suspended);
    }
    assertRefused(exchange(byAccount, projectedToken(pod, CONNECTOR, byAccount.tokenUrl())), "suspended, SA token");
    assertRefused(exchange(byKey, vendorAssertion(key, byKey.clientId(), byKey.tokenUrl(), "s-1")),
        "suspended, private key");
    assertNull(client().secrets().inNamespace(vendorNs).withName(DeliveryNames.secretName(get(tenant, "chat"))).get(),
        "the delivered Secret is withdrawn");

    for (String name : List.of("chat", "mail")) {
      edit(tenant, name, spec -> spec.suspended = false);
      awaitPhase(tenant, name, Phase.Active);
    }
    Vendor.Mounted restored = mounted(get(tenant, "chat"));
    assertEquals(byAccount.clientId(), restored.clientId(), "restored with the same client ID");
    assertNull(restored.clientSecret());
    assertEquals(200, exchange(restored, projectedToken(pod, CONNECTOR, restored.tokenUrl())).status());
    assertEquals(200, exchange(byKey, vendorAssertion(key, byKey.clientId(), byKey.tokenUrl(), "s-2")).status());
  }
}
