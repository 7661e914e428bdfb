package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.AppListingSpec.AuthMethod;
import java.util.List;

/** The Secret keys a tenant must supply for each auth method of a Platform-built listing. */
public final class RequiredKeys {
  private RequiredKeys() {
  }

  public static List<String> of(AuthMethod method) {
    return switch (method) {
      case ApiKey -> List.of("apiKey");
      case Basic -> List.of("username", "password");
      case OAuth2 -> List.of("clientId", "clientSecret", "tokenUrl");
      case AppCredentials -> List.of("appId", "appSecret");
      case ShopDomain -> List.of("shopDomain");
    };
  }
}
