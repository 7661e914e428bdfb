package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.api.v1alpha1.AppListingSpec.ClientAuthenticationMethod;

/**
 * Whether a credential record can authenticate anyone now. A client-secret record is live while it
 * holds the secret's verifier; a secretless one (ServiceAccountToken, PrivateKeyJWT) has no
 * verifier and is live while it is delivered. Withdrawal and expiry clear both, so one rule serves
 * the planner, the token endpoint and the first-use record.
 */
public final class LiveCredential {
  private LiveCredential() {
  }

  /** The method the record was issued for: ClientSecret unless it names another. */
  public static ClientAuthenticationMethod method(Credential record) {
    return record.clientAuthentication == null ? ClientAuthenticationMethod.ClientSecret : record.clientAuthentication;
  }

  public static boolean secretless(Credential record) {
    return method(record) != ClientAuthenticationMethod.ClientSecret;
  }

  public static boolean live(Credential record) {
    return record.verifier != null || (secretless(record) && record.deliveredTo != null);
  }
}
