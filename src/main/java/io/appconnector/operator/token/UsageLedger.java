package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.Credential;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts exchanges per credential in memory and adds them to the activation's status
 * ({@code useCount}, {@code lastUsedAt}) once per flush interval: at most one status write per
 * activation per interval and replica, however many tokens are exchanged. Each write reads the
 * activation and carries its resourceVersion, so counts from several replicas add up (a conflict is
 * read again, never overwritten); what a write did not carry stays for the next flush. A credential
 * replaced meanwhile (another client ID) drops its counts.
 */
public class UsageLedger {
  private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  private static final int ATTEMPTS = 5;

  /** One credential of one activation. */
  record Key(String namespace, String name, String clientId) {
  }

  private static final class Pending {
    long count;
    Instant last;
  }

  private final KubernetesClient client;
  private final Duration interval;
  private final Consumer<String> exchangesPerListing;
  private final Map<Key, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();

  /** {@code exchangesPerListing} is told the listing of every exchange (a metric labelled by listing). */
  public UsageLedger(KubernetesClient client, Duration interval, Consumer<String> exchangesPerListing) {
    this.client = client;
    this.interval = interval;
    this.exchangesPerListing = exchangesPerListing;
  }

  public Duration interval() {
    return interval;
  }

  /** Notes one exchange; written with the next flush. */
  public void used(String namespace, String name, String clientId, String listing, Instant at) {
    exchangesPerListing.accept(listing);
    pending.compute(new Key(namespace, name, clientId), (k, p) -> {
      Pending next = p == null ? new Pending() : p;
      next.count++;
      next.last = next.last == null || at.isAfter(next.last) ? at : next.last;
      return next;
    });
  }

  /** Writes what is pending for one credential now (before a token leaves, near an idle deadline). */
  public void flushNow(String namespace, String name, String clientId) {
    write(new Key(namespace, name, clientId));
  }

  /** Writes every credential's pending use, one write each; returns how many were written. */
  public int flush() {
    int written = 0;
    for (Key key : pending.keySet()) {
      try {
        if (write(key)) {
          written++;
        }
      } catch (RuntimeException e) {
        log.warn("recording the use of {}/{} failed, kept for the next flush in {}s: {}", key.namespace(), key.name(),
            interval.toSeconds(), e.getMessage());
      }
    }
    return written;
  }

  /** How many status writes this ledger made. */
  public long writes() {
    return writes.get();
  }

  private boolean write(Key key) {
    Pending taken = take(key);
    if (taken == null) {
      return false;
    }
    boolean done = false;
    try {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        Activation activation = client.resources(Activation.class).inNamespace(key.namespace()).withName(key.name())
            .get();
        Credential credential = activation == null || activation.getStatus() == null ? null
            : activation.getStatus().credential;
        if (credential == null || !key.clientId().equals(credential.clientId)) {
          done = true; // gone or replaced: its counts no longer describe anything
          return false;
        }
        credential.useCount = (credential.useCount == null ? 0 : credential.useCount) + taken.count;
        Instant recorded = Times.parse(credential.lastUsedAt);
        if (recorded == null || taken.last.isAfter(recorded)) {
          credential.lastUsedAt = Times.formatPrecise(taken.last);
        }
        try {
          client.resource(activation).updateStatus();
          writes.incrementAndGet();
          done = true;
          return true;
        } catch (KubernetesClientException e) {
          if (e.getCode() != java.net.HttpURLConnection.HTTP_CONFLICT) {
            throw e;
          }
        }
      }
      return false;
    } finally {
      if (!done) {
        giveBack(key, taken);
      }
    }
  }

  /** Removes and returns what is pending for a key, atomically with concurrent {@link #used}. */
  private Pending take(Key key) {
    Pending[] taken = new Pending[1];
    pending.computeIfPresent(key, (k, p) -> {
      taken[0] = p;
      return null;
    });
    return taken[0];
  }

  private void giveBack(Key key, Pending taken) {
    pending.merge(key, taken, (now, back) -> {
      now.count += back.count;
      now.last = now.last == null || back.last.isAfter(now.last) ? back.last : now.last;
      return now;
    });
  }
}
