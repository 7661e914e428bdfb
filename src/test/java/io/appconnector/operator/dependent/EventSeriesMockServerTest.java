package io.appconnector.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.appconnector.operator.Fixtures;
import io.appconnector.operator.api.v1alpha1.Activation;
import io.appconnector.operator.support.TestClock;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventSeriesMockServerTest {
  static KubernetesClient client;

  List<Event> events() {
    return client.resources(Event.class).inNamespace("tenant-acme").list().getItems().stream()
        .sorted(Comparator.comparing(e -> e.getEventTime().getTime())).toList();
  }

  @Test
  void aRepeatedEventBecomesOneSeriesWithACountAndADifferentOneStaysApart() {
    TestClock clock = new TestClock();
    EventRecorder events = new EventRecorder(client, clock, "replica-a");
    Activation activation = Fixtures.activation("tenant-acme", "ledgerly", "ledgerly", "invoices.read");
    for (int i = 0; i < 3; i++) {
      events.warning(activation, "ReconcileError", "The operator could not finish this activation and retries: timeout");
      clock.jumpTo(clock.instant().plusSeconds(10));
    }
    events.normal(activation, "CredentialsIssued", "Credentials issued.");

    List<Event> recorded = events();
    assertEquals(2, recorded.size(), "one series and one other event");
    Event series = recorded.get(0);
    assertEquals("ReconcileError", series.getReason());
    assertEquals(3, series.getSeries().getCount());
    assertNull(recorded.get(1).getSeries(), "a single event has no series");

    clock.jumpTo(clock.instant().plus(EventRecorder.SERIES_WINDOW));
    events.warning(activation, "ReconcileError", "The operator could not finish this activation and retries: timeout");
    assertEquals(3, events().size(), "after the window the same note starts a new Event");
  }
}
