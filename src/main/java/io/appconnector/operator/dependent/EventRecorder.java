package io.appconnector.operator.dependent;

import io.appconnector.operator.values.DeliveryNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on transitions (events.k8s.io/v1). Failing to record one never fails a reconcile.
 * An Event that repeats one recorded within {@link #SERIES_WINDOW} (same object, type, reason and
 * note) is not created again: the first one becomes a series whose count and last-observed time
 * grow, as client-go's recorder does, so a retrying failure shows as one Event with a count.
 */
public class EventRecorder {
  static final Duration SERIES_WINDOW = Duration.ofMinutes(30);
  private static final int REMEMBERED = 4096;
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;
  /** Recent Events by what they say; the eldest are forgotten first. */
  private final Map<String, Recorded> recent = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
          return size() > REMEMBERED;
        }
      });

  private record Recorded(String namespace, String name, Instant first, int count) {
  }

  public EventRecorder(KubernetesClient client, Clock clock, String instance) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
  }

  public void normal(HasMetadata regarding, String reason, String note) {
    record(regarding, "Normal", reason, note);
  }

  public void warning(HasMetadata regarding, String reason, String note) {
    record(regarding, "Warning", reason, note);
  }

  private void record(HasMetadata regarding, String type, String reason, String note) {
    String text = note.length() > 1000 ? note.substring(0, 1000) : note;
    String key = regarding.getMetadata().getUid() + "\u0000" + type + "\u0000" + reason + "\u0000" + text;
    Instant now = clock.instant();
    try {
      Recorded before = recent.get(key);
      if (before != null && Duration.between(before.first(), now).compareTo(SERIES_WINDOW) < 0) {
        int count = before.count() + 1;
        // A merge patch of the series alone: no read of the Event first.
        client.resource(new EventBuilder().withNewMetadata().withNamespace(before.namespace())
            .withName(before.name()).endMetadata().withNewSeries().withCount(count)
            .withLastObservedTime(new MicroTime(micro(now))).endSeries().build())
            .patch(PatchContext.of(PatchType.JSON_MERGE));
        recent.put(key, new Recorded(before.namespace(), before.name(), before.first(), count));
        return;
      }
      // Events on a cluster-scoped object (an AppListing) live in "default", as the API server requires.
      String namespace = regarding.getMetadata().getNamespace() == null ? "default" : regarding.getMetadata().getNamespace();
      String name = DeliveryNames.boundedName(regarding.getMetadata().getName(), 240) + "."
          + UUID.randomUUID().toString().substring(0, 13).replace("-", "");
      client.resource(new EventBuilder()
          .withNewMetadata().withNamespace(namespace)
          .withName(name)
          .endMetadata()
          .withEventTime(new MicroTime(micro(now)))
          .withReportingController("appconnector.io/operator")
          .withReportingInstance(instance)
          .withAction(reason)
          .withReason(reason)
          .withType(type)
          .withNote(text)
          .withRegarding(new ObjectReferenceBuilder().withApiVersion(regarding.getApiVersion())
              .withKind(regarding.getKind()).withNamespace(regarding.getMetadata().getNamespace())
              .withName(regarding.getMetadata().getName()).withUid(regarding.getMetadata().getUid()).build())
          .build()).create();
      recent.put(key, new Recorded(namespace, name, now, 1));
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      // A series whose Event is gone (deleted, expired) starts again with a new Event next time.
      recent.remove(key);
      log.warn("could not record event {} on {}/{}: HTTP {} {}", reason, regarding.getMetadata().getNamespace(),
          regarding.getMetadata().getName(), e.getCode(), e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
    }
  }

  private static String micro(Instant instant) {
    return MICRO.format(instant.truncatedTo(ChronoUnit.MICROS).atZone(java.time.ZoneOffset.UTC));
  }
}
