package io.appconnector.operator.token;

import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys, kept in a Secret that every replica shares. The first replica to start creates
 * it (the others meet HTTP 409 and read it); rotation is an update carrying the resourceVersion, so
 * when replicas race exactly one rotation wins and the others read the winner's keys. A watch on
 * the one Secret brings every replica the keys another one wrote.
 */
public class SigningKeyStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SigningKeyStore.class);
  static final String ROLE_SIGNING_KEYS = "signing-keys";
  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Clock clock;
  private final Duration rotation;
  private final AtomicReference<SigningKeys> keys = new AtomicReference<>();
  private SharedIndexInformer<Secret> informer;

  public SigningKeyStore(KubernetesClient client, TokenSettings settings, Clock clock) {
    this.client = client;
    this.namespace = settings.operatorNamespace();
    this.name = settings.signingKeySecret();
    this.clock = clock;
    this.rotation = settings.keyRotation();
  }

  /** Loads or creates the keys, rotates them if due and starts following changes from other replicas. */
  public void start() {
    keys.set(loadOrCreate());
    informer = client.secrets().inNamespace(namespace).withName(name).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret secret) {
        adopt(secret);
      }

      @Override
      public void onUpdate(Secret before, Secret after) {
        adopt(after);
      }

      @Override
      public void onDelete(Secret secret, boolean unknownFinalState) {
        // Keep signing with what is held; the next rotation check writes the Secret again.
        log.warn("the signing-key Secret {}/{} was deleted; it is written again at the next check", namespace, name);
      }
    });
    rotateIfDue();
  }

  public SigningKeys current() {
    return keys.get();
  }

  /**
   * Rotates when the current key is older than the rotation period, on the injected clock. Safe to
   * call from every replica at once: each reads the stored keys first, and the update's
   * resourceVersion lets only one rotation through.
   *
   * @return true when this call rotated
   */
  public boolean rotateIfDue() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Secret stored = client.secrets().inNamespace(namespace).withName(name).get();
      if (stored == null) {
        keys.set(read(create(keys.get() == null ? SigningKeys.generate(clock.instant()) : keys.get())));
        continue;
      }
      SigningKeys held = read(stored);
      if (!held.rotationDue(clock.instant(), rotation)) {
        keys.set(held);
        return false;
      }
      SigningKeys next = held.rotated(clock.instant());
      Secret updated = new SecretBuilder(stored).withData(next.toSecretData()).withStringData(null).build();
      try {
        keys.set(read(client.secrets().resource(updated).update()));
        log.info("rotated the signing key: {} signs new tokens, {} still verifies", next.current().getKeyID(),
            next.previous().getKeyID());
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw failure("rotating", e);
        }
      }
    }
    keys.set(read(client.secrets().inNamespace(namespace).withName(name).get()));
    return false;
  }

  private SigningKeys loadOrCreate() {
    Secret stored = client.secrets().inNamespace(namespace).withName(name).get();
    return read(stored != null ? stored : create(SigningKeys.generate(clock.instant())));
  }

  /** Creates the Secret, or reads the one another replica created a moment earlier. */
  private Secret create(SigningKeys generated) {
    Secret secret = new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR)
        .addToLabels(DeliveryNames.ROLE, ROLE_SIGNING_KEYS).endMetadata()
        .withType("Opaque").withData(generated.toSecretData()).build();
    try {
      Secret created = client.secrets().resource(secret).create();
      log.info("created the signing-key Secret {}/{} with key {}", namespace, name, generated.current().getKeyID());
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw failure("creating", e);
      }
      return client.secrets().inNamespace(namespace).withName(name).get();
    }
  }

  private void adopt(Secret secret) {
    try {
      SigningKeys stored = read(secret);
      SigningKeys held = keys.get();
      if (held == null || !held.rotatedAt().isAfter(stored.rotatedAt())) {
        keys.set(stored);
      }
    } catch (RetryLater e) {
      log.warn(e.getMessage());
    }
  }

  private SigningKeys read(Secret secret) {
    if (secret == null) {
      throw new RetryLater("the signing-key Secret " + namespace + "/" + name + " disappeared while reading it");
    }
    try {
      return SigningKeys.fromSecretData(secret.getData());
    } catch (IllegalArgumentException e) {
      throw new RetryLater("the Secret " + namespace + "/" + name + " holds no usable signing keys ("
          + e.getMessage() + "); delete it and the operator generates new ones");
    }
  }

  /** An exception naming the Secret and the HTTP status, never the keys the request carried. */
  private RetryLater failure(String what, KubernetesClientException e) {
    return new RetryLater(what + " the signing-key Secret " + namespace + "/" + name + " failed: HTTP "
        + e.getCode() + " " + (e.getStatus() == null ? "" : e.getStatus().getReason()));
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
