package io.appconnector.operator.api;

import static io.appconnector.operator.Fixtures.platformListing;
import static io.appconnector.operator.Fixtures.vendorListing;
import static io.appconnector.operator.Fixtures.withLifetime;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.AuthMethod;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.DataScope;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.Lifecycle;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.Visibility;
import io.appconnector.operator.support.RealApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The AppListing CRD's schema bounds and CEL rules, against a real kube-apiserver: each bad listing
 * is rejected with 422 on the right field and with the rule's message. The last test checks that
 * every CEL rule message in the AppListing CRD was seen in some rejection.
 */
@TestMethodOrder(OrderAnnotation.class)
class ListingValidationIT {
  static final Set<String> KINDS = Set.of("AppListing");
  static final AtomicInteger COUNTER = new AtomicInteger();
  static RealApiServer api;
  static ValidationChecks checks;

  @BeforeAll
  static void startApiServer() {
    api = RealApiServer.start();
    checks = new ValidationChecks(api.client());
  }

  @AfterAll
  static void stopApiServer() {
    if (api != null) {
      api.close();
    }
  }

  /** A valid Approved, Public, Vendor-built listing with a unique name, requesting the given scopes. */
  static AppListing listing(String... scopes) {
    return vendorListing("crdv-" + COUNTER.incrementAndGet(), "vendor-crdv", scopes);
  }

  static AppListing withTokenLifetime(AppListing listing, String lifetime) {
    listing.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    listing.getSpec().credentialPolicy.accessTokenLifetime = lifetime;
    return listing;
  }

  static DataScope scope(String name) {
    DataScope d = new DataScope();
    d.scope = name;
    d.description = "access to " + name;
    return d;
  }

  @Test
  void aValidListingIsAccepted() {
    checks.create(listing("invoices.read", "payments.read"));
  }

  @Test
  void aPrivateListingWithoutTenantsIsRejected() {
    String message = "a Private listing must name at least one tenant in allowedTenants";
    AppListing l = listing();
    l.getSpec().visibility = Visibility.Private;
    checks.assertRejected(l, "spec.allowedTenants", message);
    l.getSpec().allowedTenants = List.of();
    checks.assertRejected(l, "spec.allowedTenants", message);
  }

  @Test
  void aPrivateListingWithTenantsIsAccepted() {
    AppListing l = listing();
    l.getSpec().visibility = Visibility.Private;
    l.getSpec().allowedTenants = List.of("tenant-acme");
    checks.create(l);
  }

  @Test
  void allowedTenantsOnAPublicListingAreRejected() {
    AppListing l = listing();
    l.getSpec().allowedTenants = List.of("tenant-acme");
    checks.assertRejected(l, "spec.allowedTenants", "allowedTenants is only used by Private listings");
  }

  @Test
  void aPlatformListingWithoutAuthMethodIsRejected() {
    AppListing l = platformListing("crdv-" + COUNTER.incrementAndGet(), null);
    checks.assertRejected(l, "spec.authMethod", "authMethod is required for Platform-built listings");
  }

  @Test
  void aVendorListingWithAuthMethodIsRejected() {
    AppListing l = listing();
    l.getSpec().authMethod = AuthMethod.ApiKey;
    checks.assertRejected(l, "spec.authMethod", "and not allowed for Vendor-built ones");
  }

  @Test
  void changingDataAccessOfAnApprovedListingIsRejected() {
    AppListing stored = checks.create(listing("invoices.read"));
    checks.assertUpdateRejected(stored, l -> l.getSpec().dataAccess.add(scope("payments.read")),
        "spec.dataAccess", "dataAccess (the requested scopes) can change only while the listing is Draft");
  }

  @Test
  void dataAccessCanChangeWhileDraftAsTheRuleMessageAdvises() {
    AppListing stored = checks.create(listing("invoices.read"));
    stored = checks.update(stored, l -> l.getSpec().lifecycle = Lifecycle.Draft);
    stored = checks.update(stored, l -> l.getSpec().dataAccess.add(scope("payments.read")));
    stored = checks.update(stored, l -> l.getSpec().lifecycle = Lifecycle.Approved);
    assertEquals(List.of("invoices.read", "payments.read"),
        stored.getSpec().dataAccess.stream().map(d -> d.scope).toList());
  }

  @Test
  void aScopeListedTwiceInDataAccessIsRejected() {
    AppListing l = listing("invoices.read", "payments.read", "invoices.read");
    checks.assertRejected(l, "spec.dataAccess", "each scope may be listed only once in dataAccess");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ledgerly.example/apps", "ftp://ledgerly.example/apps", "see our website", "https://"})
  void aMoreInfoUrlThatIsNotAnHttpUrlIsRejected(String url) {
    AppListing l = listing();
    l.getSpec().moreInfoUrl = url;
    checks.assertRejected(l, "spec.moreInfoUrl", "moreInfoUrl must be an absolute http(s) URL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "999ms", "8761h", "9000h"})
  void anUnusedCredentialLifetimeOutOfRangeIsRejected(String lifetime) {
    checks.assertRejected(withLifetime(listing(), lifetime), "spec.credentialPolicy.unusedCredentialLifetime",
        "unusedCredentialLifetime must be a duration between 1s and 8760h (one year), e.g. 48h");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2d", "forever"})
  void anUnusedCredentialLifetimeThatIsNotAGoDurationIsRejected(String lifetime) {
    checks.assertRejected(withLifetime(listing(), lifetime), "spec.credentialPolicy.unusedCredentialLifetime",
        "unusedCredentialLifetime must be a duration between 1s and 8760h (one year), e.g. 48h");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1s", "45s", "48h", "8760h"})
  void anUnusedCredentialLifetimeInRangeIsAccepted(String lifetime) {
    checks.create(withLifetime(listing(), lifetime));
  }

  @ParameterizedTest
  @ValueSource(strings = {"59s", "24h1s", "25h"})
  void anAccessTokenLifetimeOutOfRangeIsRejected(String lifetime) {
    checks.assertRejected(withTokenLifetime(listing(), lifetime), "spec.credentialPolicy.accessTokenLifetime",
        "accessTokenLifetime must be a duration between 1m and 24h, e.g. 1h");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1m", "5m", "24h"})
  void anAccessTokenLifetimeInRangeIsAccepted(String lifetime) {
    checks.create(withTokenLifetime(listing(), lifetime));
  }

  @Test
  void anUnknownLifecycleIsRejected() {
    GenericKubernetesResource l = withSpecField(listing(), "lifecycle", "Live");
    checks.assertRejected(l, "spec.lifecycle", "Unsupported value: \"Live\"");
  }

  @Test
  void aListingWithoutVendorIsRejected() {
    AppListing l = listing();
    l.getSpec().vendor = null;
    checks.assertRejected(l, "spec.vendor", "Required value");
  }

  @Test
  void aVendorNamespaceThatIsNotADnsLabelIsRejected() {
    AppListing l = listing();
    l.getSpec().vendor.namespace = "Bad_NS";
    checks.assertRejected(l, "spec.vendor.namespace", "should match");
  }

  @Test
  void anEmptyDisplayNameIsRejected() {
    AppListing l = listing();
    l.getSpec().displayName = "";
    checks.assertRejected(l, "spec.displayName", "should be at least 1 chars long");
  }

  @Test
  void aTenantNameLongerThanANamespaceNameIsRejected() {
    AppListing l = listing();
    l.getSpec().visibility = Visibility.Private;
    l.getSpec().allowedTenants = List.of("t".repeat(64));
    checks.assertRejected(l, "spec.allowedTenants[0]", "Too long");
  }

  @Test
  void moreThan256TenantsAreRejected() {
    AppListing l = listing();
    l.getSpec().visibility = Visibility.Private;
    l.getSpec().allowedTenants = IntStream.rangeClosed(1, 257).mapToObj(i -> "tenant-" + i).toList();
    checks.assertRejected(l, "spec.allowedTenants", "must have at most 256 items");
  }

  static AppListing withRotation(AppListing listing, String every, String grace) {
    listing.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    listing.getSpec().credentialPolicy.rotateEvery = every;
    listing.getSpec().credentialPolicy.rotationGracePeriod = grace;
    return listing;
  }

  @ParameterizedTest(name = "rotateEvery {0} is rejected")
  @ValueSource(strings = {"59m", "8761h", "30d"})
  void aRotationPeriodOutOfRangeIsRejected(String every) {
    checks.assertRejected(withRotation(listing(), every, null), "spec.credentialPolicy.rotateEvery",
        "rotateEvery must be a duration between 1h and 8760h");
  }

  @ParameterizedTest(name = "rotationGracePeriod {0} is rejected")
  @ValueSource(strings = {"59s", "721h", "1 day"})
  void aRotationGracePeriodOutOfRangeIsRejected(String grace) {
    checks.assertRejected(withRotation(listing(), null, grace), "spec.credentialPolicy.rotationGracePeriod",
        "rotationGracePeriod must be a duration between 1m and 720h");
  }

  @ParameterizedTest(name = "rotateEvery {0} and rotationGracePeriod {1} are accepted")
  @org.junit.jupiter.params.provider.CsvSource({"1h,1m", "720h,24h", "8760h,720h"})
  void aRotationPolicyInRangeIsAccepted(String every, String grace) {
    checks.create(withRotation(listing(), every, grace));
  }

  @ParameterizedTest(name = "idleLifetime {0} is rejected")
  @ValueSource(strings = {"59m", "8761h", "90d"})
  void anIdleLifetimeOutOfRangeIsRejected(String idle) {
    AppListing l = listing();
    l.getSpec().credentialPolicy = new AppListingSpec.CredentialPolicy();
    l.getSpec().credentialPolicy.idleLifetime = idle;
    checks.assertRejected(l, "spec.credentialPolicy.idleLifetime", "idleLifetime must be a duration between 1h and 8760h");
  }

  @ParameterizedTest(name = "webhook URL {0} is rejected")
  @ValueSource(strings = {"ftp://vendor.example.com/hooks", "not a url", "/relative/path"})
  void aWebhookUrlThatIsNotAnHttpUrlIsRejected(String url) {
    AppListing l = listing();
    l.getSpec().notifications = new AppListingSpec.Notifications();
    l.getSpec().notifications.webhook = new AppListingSpec.Webhook();
    l.getSpec().notifications.webhook.url = url;
    checks.assertRejected(l, "spec.notifications.webhook.url", "notifications.webhook.url must be an absolute http(s) URL");
  }

  static AppListing withTemplate(AppListing listing, Map<String, String> labels, Map<String, String> annotations) {
    listing.getSpec().secretTemplate = new AppListingSpec.SecretTemplate();
    listing.getSpec().secretTemplate.labels = labels;
    listing.getSpec().secretTemplate.annotations = annotations;
    return listing;
  }

  @Test
  void aSecretTemplateWithReloaderAndBackupKeysIsAccepted() {
    checks.create(withTemplate(listing(), Map.of("team", "payments", "example.com/backup", "daily"),
        Map.of("reloader.stakater.com/match", "true", "note", "any text: spaces, / and = too")));
  }

  @ParameterizedTest(name = "template label {0} is rejected")
  @ValueSource(strings = {"appconnector.io/tenant", "appconnector.io/anything", "app.kubernetes.io/managed-by"})
  void aSecretTemplateCannotSetTheOperatorsLabels(String key) {
    checks.assertRejected(withTemplate(listing(), Map.of(key, "x"), null), "spec.secretTemplate.labels",
        "secretTemplate.labels cannot set the operator's own keys");
  }

  @ParameterizedTest(name = "template annotation {0} is rejected")
  @ValueSource(strings = {"appconnector.io/content-hash", "app.kubernetes.io/managed-by"})
  void aSecretTemplateCannotSetTheOperatorsAnnotations(String key) {
    checks.assertRejected(withTemplate(listing(), null, Map.of(key, "x")), "spec.secretTemplate.annotations",
        "secretTemplate.annotations cannot set the operator's own keys");
  }

  @ParameterizedTest(name = "template key {0} is rejected")
  @ValueSource(strings = {"two words", "-leading-dash", "UPPER.example.com/x", "a/b/c", "x/"})
  void aSecretTemplateKeyThatIsNotALabelKeyIsRejected(String key) {
    checks.assertRejected(withTemplate(listing(), Map.of(key, "x"), null), "spec.secretTemplate.labels",
        "secretTemplate.labels keys must be Kubernetes label keys");
    checks.assertRejected(withTemplate(listing(), null, Map.of(key, "x")), "spec.secretTemplate.annotations",
        "secretTemplate.annotations keys must be Kubernetes annotation keys");
  }

  @Test
  void aSecretTemplateLabelValueThatIsNotALabelValueIsRejected() {
    checks.assertRejected(withTemplate(listing(), Map.of("team", "two words"), null), "spec.secretTemplate.labels.team",
        "should match");
  }

  static AppListing authenticating(AppListingSpec.ClientAuthenticationMethod method, String serviceAccount, String jwks,
      String jwksUrl) {
    AppListing l = listing("invoices.read");
    l.getSpec().clientAuthentication = new AppListingSpec.ClientAuthentication();
    l.getSpec().clientAuthentication.method = method;
    l.getSpec().clientAuthentication.serviceAccountName = serviceAccount;
    l.getSpec().clientAuthentication.jwks = jwks;
    l.getSpec().clientAuthentication.jwksUrl = jwksUrl;
    return l;
  }

  static final String JWKS = "{\"keys\": []}";

  @ParameterizedTest(name = "{0} {1} {2} {3} is accepted")
  @org.junit.jupiter.params.provider.CsvSource(nullValues = "-", value = {
      "ClientSecret, -, -, -",
      "ServiceAccountToken, connector, -, -",
      "PrivateKeyJWT, -, inline, -",
      "PrivateKeyJWT, -, -, https://keys.vendor.example/jwks.json"})
  void everyClientAuthenticationMethodWithItsSettingIsAccepted(AppListingSpec.ClientAuthenticationMethod method,
      String serviceAccount, String jwks, String jwksUrl) {
    checks.create(authenticating(method, serviceAccount, jwks == null ? null : JWKS, jwksUrl));
  }

  @ParameterizedTest(name = "{0} sa={1} jwks={2} jwksUrl={3}: {4} rejected")
  @org.junit.jupiter.params.provider.CsvSource(nullValues = "-", delimiter = ';', value = {
      "ServiceAccountToken; -; -; -; spec.clientAuthentication.serviceAccountName; serviceAccountName is required for method ServiceAccountToken",
      "ClientSecret; connector; -; -; spec.clientAuthentication.serviceAccountName; and not allowed for other methods",
      "PrivateKeyJWT; connector; inline; -; spec.clientAuthentication.serviceAccountName; and not allowed for other methods",
      "PrivateKeyJWT; -; -; -; spec.clientAuthentication.jwks; method PrivateKeyJWT needs exactly one of jwks",
      "PrivateKeyJWT; -; inline; https://keys.vendor.example/jwks.json; spec.clientAuthentication.jwks; needs exactly one of jwks",
      "ServiceAccountToken; connector; inline; -; spec.clientAuthentication.jwks; other methods allow neither",
      "PrivateKeyJWT; -; -; http://keys.vendor.example/jwks.json; spec.clientAuthentication.jwksUrl; jwksUrl must be an absolute https URL",
      "ServiceAccountToken; Not_A_Name; -; -; spec.clientAuthentication.serviceAccountName; should match"})
  void badClientAuthenticationCombinationsAreRejectedAtApply(AppListingSpec.ClientAuthenticationMethod method,
      String serviceAccount, String jwks, String jwksUrl, String field, String message) {
    checks.assertRejected(authenticating(method, serviceAccount, jwks == null ? null : JWKS, jwksUrl), field, message);
  }

  @Test
  void aPlatformListingWithClientAuthenticationIsRejected() {
    AppListing l = platformListing("crdv-" + COUNTER.incrementAndGet(), AuthMethod.ApiKey);
    l.getSpec().clientAuthentication = new AppListingSpec.ClientAuthentication();
    checks.assertRejected(l, "spec.clientAuthentication", "clientAuthentication is only used by Vendor-built listings");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void everyCelRuleOfTheListingCrdIsSeenRejectingAnObject() {
    checks.assertEveryRuleMessageObserved(KINDS);
  }

  /** The listing as an untyped object with one spec field set to a value the Java types cannot hold. */
  @SuppressWarnings("unchecked")
  static GenericKubernetesResource withSpecField(AppListing listing, String field, Object value) {
    GenericKubernetesResource raw = api.client().getKubernetesSerialization()
        .convertValue(listing, GenericKubernetesResource.class);
    ((Map<String, Object>) raw.getAdditionalProperties().get("spec")).put(field, value);
    return raw;
  }
}
