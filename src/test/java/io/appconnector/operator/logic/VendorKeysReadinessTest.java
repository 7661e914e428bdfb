package io.appconnector.operator.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A PrivateKeyJWT listing's inline keys, as its Ready condition reports them to the platform team. */
class VendorKeysReadinessTest {
  static final String EC_PUBLIC = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k\","
      + "\"x\":\"ywvTTIOl7n77TFBg6WL5AaPJ58k0en_pAc6wcO8DI4g\",\"y\":\"8ah0xDd313xWUdPY2H3I8NDW63ZGDY-nw0foZpRLkmA\"}";
  static final String EC_PRIVATE = EC_PUBLIC.replace("}", ",\"d\":\"0gqh1tKYbnoI-SDHQeXpSHFdndL-NvRA8mqJRj1S8BI\"}");

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(delimiter = ';', value = {
      "one EC public key; {\"keys\":[" + "EC" + "]}; Ready",
      "not JSON; {\"keys\": [; ClientAuthenticationInvalid",
      "no keys; {\"keys\":[]}; ClientAuthenticationInvalid",
      "a private key; {\"keys\":[" + "PRIVATE" + "]}; ClientAuthenticationInvalid",
      "only a symmetric key; {\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}; ClientAuthenticationInvalid"})
  void inlineKeySets(String name, String jwks, String reason) {
    AppListingSpec spec = Fixtures.vendorListing("signwise", "vendor-signwise", "documents.read").getSpec();
    spec.clientAuthentication = new AppListingSpec.ClientAuthentication();
    spec.clientAuthentication.method = ClientAuthenticationMethod.PrivateKeyJWT;
    spec.clientAuthentication.jwks = jwks.replace("EC", EC_PUBLIC).replace("PRIVATE", EC_PRIVATE);
    Condition ready = ListingReadiness.ready(spec, true, 0, List.of());
    assertEquals(reason, ready.getReason(), ready.getMessage());
    assertEquals(reason.equals("Ready") ? "True" : "False", ready.getStatus());
  }
}
