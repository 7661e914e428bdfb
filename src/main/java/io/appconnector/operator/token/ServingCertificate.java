package io.appconnector.operator.token;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Consumer;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint's TLS certificate and key, from a {@code kubernetes.io/tls} Secret in the
 * operator's namespace (as cert-manager writes it, or as a user provides it), reloaded when the
 * Secret changes. Bouncy Castle's PEM parser reads every key encoding cert-manager and openssl
 * write (PKCS#1 RSA, SEC1 EC, PKCS#8), which the server then takes as PKCS#8.
 */
public final class ServingCertificate implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServingCertificate.class);
  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private SharedIndexInformer<Secret> informer;
  private volatile String loadedVersion;

  public ServingCertificate(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  /** The certificate and key as the Secret holds them now; fails with what to do when it cannot. */
  public PemKeyCertOptions load() {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new IllegalStateException("the TLS Secret " + namespace + "/" + name + " does not exist: create it "
          + "(kubernetes.io/tls, keys tls.crt and tls.key) or let cert-manager issue it");
    }
    PemKeyCertOptions options = options(secret);
    loadedVersion = secret.getMetadata().getResourceVersion();
    return options;
  }

  /** Tells {@code reload} the new certificate whenever the Secret changes to a readable one. */
  public void watch(Consumer<PemKeyCertOptions> reload) {
    informer = client.secrets().inNamespace(namespace).withName(name).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret secret) {
        changed(secret, reload);
      }

      @Override
      public void onUpdate(Secret old, Secret secret) {
        changed(secret, reload);
      }

      @Override
      public void onDelete(Secret secret, boolean unknown) {
        log.warn("the TLS Secret {}/{} was deleted; the endpoint keeps serving the certificate it has", namespace, name);
      }
    });
  }

  private void changed(Secret secret, Consumer<PemKeyCertOptions> reload) {
    String version = secret.getMetadata().getResourceVersion();
    if (Objects.equals(version, loadedVersion)) {
      return;
    }
    try {
      reload.accept(options(secret));
      loadedVersion = version;
      log.info("the token endpoint serves the certificate of Secret {}/{} (resourceVersion {})", namespace, name,
          version);
    } catch (RuntimeException e) {
      log.warn("the TLS Secret {}/{} changed but cannot be used, the previous certificate stays: {}", namespace, name,
          e.getMessage());
    }
  }

  /** The certificate chain and the key in PKCS#8, from a Secret's tls.crt and tls.key. */
  static PemKeyCertOptions options(Secret secret) {
    String certificate = value(secret, "tls.crt");
    String key = value(secret, "tls.key");
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate))
        .setKeyValue(Buffer.buffer(pkcs8(key)));
  }

  static String pkcs8(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object read = parser.readObject();
      PrivateKeyInfo info = read instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
          : read instanceof PrivateKeyInfo plain ? plain : null;
      if (info == null) {
        throw new IllegalStateException("tls.key holds no unencrypted private key");
      }
      PrivateKey privateKey = new JcaPEMKeyConverter().getPrivateKey(info);
      StringWriter out = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
        writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(privateKey, null));
      }
      return out.toString();
    } catch (IOException e) {
      throw new IllegalStateException("tls.key is not a readable PEM private key: " + e.getMessage());
    }
  }

  private static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return secret.getStringData().get(key);
    }
    throw new IllegalStateException("the TLS Secret " + secret.getMetadata().getNamespace() + "/"
        + secret.getMetadata().getName() + " has no " + key);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
