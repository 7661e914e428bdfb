package io.appconnector.operator.token;

import io.appconnector.operator.values.Sha256;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Who may call the introspection endpoint: the platform's own APIs, each an entry
 * {@code <caller-id>: <password>} in a Secret in the operator's namespace, presented with HTTP
 * Basic. Without the Secret nobody may. Watched, so adding or removing a caller needs no restart.
 */
public class IntrospectionCallers implements AutoCloseable {
  private static final byte[] DECOY = Sha256.of("no caller has this password");

  private final SharedIndexInformer<Secret> informer;

  public IntrospectionCallers(KubernetesClient client, TokenSettings settings) {
    informer = client.secrets().inNamespace(settings.operatorNamespace()).withName(settings.introspectionSecret())
        .inform();
  }

  /** Whether these Basic credentials name a caller and its password; compared in constant time. */
  public boolean allows(String callerId, String password) {
    List<Secret> secrets = informer.getStore().list();
    Map<String, String> data = secrets.isEmpty() ? null : secrets.get(0).getData();
    String stored = data == null ? null : data.get(callerId);
    byte[] expected = stored == null ? DECOY : Sha256.of(decode(stored));
    boolean matches = MessageDigest.isEqual(expected, Sha256.of(password));
    return matches && stored != null;
  }

  private static byte[] decode(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }


  @Override
  public void close() {
    informer.close();
  }
}
