package io.appconnector.operator.dependent;

import io.appconnector.operator.logic.DeliveryNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on transitions (events.k8s.io/v1). Failing to record one never fails a reconcile. */
public class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;

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
    try {
      // Events on a cluster-scoped object (an AppListing) live in "default", as the API server requires.
      String namespace = regarding.getMetadata().getNamespace() == null ? "default" : regarding.getMetadata().getNamespace();
      String time = MICRO.format(clock.instant().truncatedTo(ChronoUnit.MICROS).atZone(java.time.ZoneOffset.UTC));
      client.resource(new EventBuilder()
          .withNewMetadata().withNamespace(namespace)
          .withName(DeliveryNames.boundedName(regarding.getMetadata().getName(), 240) + "."
              + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
          .endMetadata()
          .withEventTime(new MicroTime(time))
          .withReportingController("appconnector.io/operator")
          .withReportingInstance(instance)
          .withAction(reason)
          .withReason(reason)
          .withType(type)
          .withNote(note.length() > 1000 ? note.substring(0, 1000) : note)
          .withRegarding(new ObjectReferenceBuilder().withApiVersion(regarding.getApiVersion())
              .withKind(regarding.getKind()).withNamespace(regarding.getMetadata().getNamespace())
              .withName(regarding.getMetadata().getName()).withUid(regarding.getMetadata().getUid()).build())
          .build()).create();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      log.warn("could not record event {} on {}/{}: HTTP {} {}", reason, regarding.getMetadata().getNamespace(),
          regarding.getMetadata().getName(), e.getCode(), e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
    }
  }
}
