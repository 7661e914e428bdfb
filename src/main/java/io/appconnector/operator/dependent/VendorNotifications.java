package io.appconnector.operator.dependent;

import io.appconnector.operator.api.v1alpha1.AppListing;
import io.appconnector.operator.api.v1alpha1.AppListingSpec;
import io.appconnector.operator.config.Env;
import io.appconnector.operator.config.Setting;
import io.appconnector.operator.logic.VendorNotice;
import io.appconnector.operator.values.DeliveryNames;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends vendor notices to the listing's webhook as CloudEvents 1.0 (structured JSON mode), signed
 * as Standard Webhooks define, in order per activation: an activation's next event leaves only once
 * the one before was accepted (2xx) or given up. Failures are retried with exponential back-off for
 * a bounded time. Reconciling never waits: {@link #send} only queues (bounded; beyond the bound a
 * notice is dropped and counted). Delivery state is a metric
 * ({@code appconnector.webhook.deliveries} by listing and outcome) and Events on the AppListing.
 * The queue is in memory: a notice not yet delivered when the operator stops is not sent.
 */
public class VendorNotifications implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VendorNotifications.class);
  public static final String SIGNING_KEY = "signingKey";
  /** The CloudEvents source of every notice: this operator's API group. */
  public static final String SOURCE_PREFIX = "/apis/appconnector.io/v1alpha1/namespaces/";

  /** Bounds of the queue and the retries. */
  public record Settings(int capacity, Duration firstRetry, Duration longestRetry, Duration giveUpAfter,
      Duration requestTimeout) {
    public static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    public static final Settings DEFAULT = new Settings(Setting.NOTIFICATION_QUEUE_CAPACITY.number(), FIRST_RETRY,
        Setting.NOTIFICATION_MAX_BACKOFF.duration(), Setting.NOTIFICATION_RETRY_FOR.duration(),
        Setting.NOTIFICATION_TIMEOUT.duration());

    /** The bounds the environment gives (NOTIFICATION_*), read through {@code read} without checking. */
    public static Settings fromEnvironment(Env read) {
      int capacity = read.integer(Setting.NOTIFICATION_QUEUE_CAPACITY.name(),
          Setting.NOTIFICATION_QUEUE_CAPACITY.number(), 100, 1_000_000, "a whole number of notifications from 100 to 1000000");
      Duration retryFor = read.duration(Setting.NOTIFICATION_RETRY_FOR.name(), Setting.NOTIFICATION_RETRY_FOR.fallback(),
          Duration.ofMinutes(1), Duration.ofHours(24));
      Duration maxBackoff = read.duration(Setting.NOTIFICATION_MAX_BACKOFF.name(),
          Setting.NOTIFICATION_MAX_BACKOFF.fallback(), FIRST_RETRY, Duration.ofHours(1));
      Duration timeout = read.duration(Setting.NOTIFICATION_TIMEOUT.name(), Setting.NOTIFICATION_TIMEOUT.fallback(),
          Duration.ofSeconds(1), Duration.ofMinutes(1));
      if (maxBackoff.compareTo(retryFor) > 0) {
        read.refuse("NOTIFICATION_MAX_BACKOFF must not be longer than NOTIFICATION_RETRY_FOR: a notification would "
            + "be dropped before its next attempt");
      }
      return new Settings(capacity, FIRST_RETRY, maxBackoff, retryFor, timeout);
    }
  }

  /** One notice on its way: what is sent, to where, and how its attempts went. */
  private static final class Outgoing {
    final String id;
    final String url;
    final String signingNamespace;
    final String signingSecret;
    final AppListing listing;
    final byte[] body;
    Instant firstAttempt;
    Duration nextDelay;

    Outgoing(String id, String url, String signingNamespace, String signingSecret, AppListing listing, byte[] body) {
      this.id = id;
      this.url = url;
      this.signingNamespace = signingNamespace;
      this.signingSecret = signingSecret;
      this.listing = listing;
      this.body = body;
    }
  }

  private final KubernetesClient client;
  private final EventRecorder events;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Settings settings;
  private final HttpClient http;
  private final ScheduledExecutorService workers;
  private final Map<String, Deque<Outgoing>> queues = new HashMap<>();
  private int queued;

  public VendorNotifications(KubernetesClient client, EventRecorder events, MeterRegistry registry, Clock clock,
      Settings settings) {
    this.client = client;
    this.events = events;
    this.registry = registry;
    this.clock = clock;
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(settings.requestTimeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.workers = Executors.newScheduledThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "vendor-notifications");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The CloudEvent a notice is sent as (its ID derived from the activation, the type and the time). */
  public static CloudEvent event(VendorNotice notice) {
    String id = UUID.nameUUIDFromBytes((notice.activationUid() + "|" + notice.type() + "|" + notice.at())
        .getBytes(StandardCharsets.UTF_8)).toString();
    return CloudEventBuilder.v1().withId(id)
        .withSource(URI.create(SOURCE_PREFIX + notice.tenant() + "/activations/" + notice.activation()))
        .withType(notice.type().cloudEventType).withSubject(notice.subject())
        .withTime(notice.at().atOffset(ZoneOffset.UTC)).withDataContentType("application/json")
        .withData(Serialization.asJson(notice.data()).getBytes(StandardCharsets.UTF_8))
        .withExtension("appconnectorlisting", notice.listing()).build();
  }

  /** Queues a notice for the listing's webhook; false when the listing has none or the queue is full. */
  public boolean send(AppListing listing, VendorNotice notice) {
    AppListingSpec.Webhook webhook = listing == null || listing.getSpec().notifications == null ? null
        : listing.getSpec().notifications.webhook;
    if (webhook == null || webhook.url == null) {
      return false;
    }
    CloudEvent event = event(notice);
    byte[] body = new JsonFormat().serialize(event);
    Outgoing outgoing = new Outgoing(event.getId(), webhook.url, listing.getSpec().vendor.namespace,
        signingSecretName(listing), listing, body);
    boolean start;
    synchronized (this) {
      if (queued >= settings.capacity()) {
        count(listing, "overflow");
        log.warn("vendor notification {} of {} dropped: {} notifications already queued", notice.type(),
            notice.subject(), queued);
        return false;
      }
      Deque<Outgoing> queue = queues.computeIfAbsent(notice.activationUid(), k -> new ArrayDeque<>());
      start = queue.isEmpty();
      queue.addLast(outgoing);
      queued++;
    }
    if (start) {
      workers.execute(() -> drain(notice.activationUid()));
    }
    return true;
  }

  /** How many notices wait (or are being sent). */
  public synchronized int queued() {
    return queued;
  }

  /** The Secret that signs a listing's notices, in the vendor's namespace. */
  public static String signingSecretName(AppListing listing) {
    AppListingSpec.Webhook webhook = listing.getSpec().notifications.webhook;
    return webhook.signingSecretName != null ? webhook.signingSecretName
        : DeliveryNames.boundedName("appconnector-webhook." + listing.getMetadata().getName(), 253);
  }

  /** Sends the head of one activation's queue; the next goes once it is delivered or given up. */
  private void drain(String activationUid) {
    Outgoing head;
    synchronized (this) {
      Deque<Outgoing> queue = queues.get(activationUid);
      head = queue == null ? null : queue.peekFirst();
    }
    if (head == null) {
      return;
    }
    Instant now = clock.instant();
    if (head.firstAttempt == null) {
      head.firstAttempt = now;
    }
    String failure = attempt(head, now);
    if (failure == null) {
      count(head.listing, "delivered");
      next(activationUid);
      return;
    }
    if (Duration.between(head.firstAttempt, now).compareTo(settings.giveUpAfter()) >= 0) {
      count(head.listing, "dropped");
      events.warning(head.listing, "NotificationDropped", "A notification (CloudEvent " + head.id
          + ") could not be delivered to the vendor's webhook within " + settings.giveUpAfter().toMinutes()
          + " minutes and was dropped: " + failure);
      next(activationUid);
      return;
    }
    if (head.nextDelay == null) {
      events.warning(head.listing, "NotificationRetrying", "The vendor's webhook did not accept a notification ("
          + failure + "); retrying with back-off for up to " + settings.giveUpAfter().toMinutes() + " minutes.");
    }
    count(head.listing, "retried");
    Duration delay = head.nextDelay == null ? settings.firstRetry() : head.nextDelay;
    head.nextDelay = delay.multipliedBy(2).compareTo(settings.longestRetry()) > 0 ? settings.longestRetry()
        : delay.multipliedBy(2);
    workers.schedule(() -> drain(activationUid), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void next(String activationUid) {
    boolean more;
    synchronized (this) {
      Deque<Outgoing> queue = queues.get(activationUid);
      queue.pollFirst();
      queued--;
      more = !queue.isEmpty();
      if (!more) {
        queues.remove(activationUid);
      }
    }
    if (more) {
      workers.execute(() -> drain(activationUid));
    }
  }

  /** One POST; null when accepted, else why not (no secret, no body in the words). */
  private String attempt(Outgoing outgoing, Instant now) {
    try {
      String secret = signingSecret(outgoing.signingNamespace, outgoing.signingSecret);
      long timestamp = now.getEpochSecond();
      HttpRequest request = HttpRequest.newBuilder(URI.create(outgoing.url)).timeout(settings.requestTimeout())
          .header("Content-Type", JsonFormat.CONTENT_TYPE)
          .header("webhook-id", outgoing.id)
          .header("webhook-timestamp", Long.toString(timestamp))
          .header("webhook-signature", WebhookSignature.sign(secret, outgoing.id, timestamp, outgoing.body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(outgoing.body)).build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (java.io.IOException | RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }

  /** The listing's signing secret, created with a random key when missing, so the vendor reads it in its namespace. */
  private String signingSecret(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      Secret created = new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
          .addToLabels(DeliveryNames.MANAGED_BY, DeliveryNames.OPERATOR)
          .addToLabels(DeliveryNames.ROLE, "webhook-signing").endMetadata().withType("Opaque")
          .addToData(SIGNING_KEY, Base64.getEncoder().encodeToString(
              WebhookSignature.newSecret().getBytes(StandardCharsets.UTF_8))).build();
      try {
        secret = client.resource(created).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != java.net.HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        secret = client.secrets().inNamespace(namespace).withName(name).get();
      }
    }
    String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(SIGNING_KEY);
    if (encoded == null) {
      throw new IllegalStateException("the signing Secret " + namespace + "/" + name + " has no " + SIGNING_KEY);
    }
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).trim();
  }

  private void count(AppListing listing, String outcome) {
    Counter.builder("appconnector.webhook.deliveries")
        .description("Vendor notifications by listing and outcome (delivered, retried, dropped, overflow)")
        .tag("listing", listing.getMetadata().getName()).tag("outcome", outcome).register(registry).increment();
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
