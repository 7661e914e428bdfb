package io.appconnector.operator.dependent;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

/**
 * The writers' one way to create what may exist already: create it, and when the API server answers
 * 409 (a retry after a crash, a cache that lags, or someone else's object at the name), let the
 * caller read and adopt, rewrite or refuse what is there. Other failures are the caller's to report.
 */
final class CreateOrAdopt {
  private CreateOrAdopt() {
  }

  /** The object {@code create} returns, or null when one of that name exists already. */
  static <T> T createUnlessExists(Supplier<T> create) {
    try {
      return create.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return null;
    }
  }
}
