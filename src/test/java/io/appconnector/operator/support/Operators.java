package io.appconnector.operator.support;

import io.appconnector.operator.AppConnectorOperator;
import io.appconnector.operator.config.OperatorSettings;
import io.appconnector.operator.dependent.VendorNotifications;
import io.appconnector.operator.observability.ProductMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.function.Consumer;

/** The operator as production wires it, for tests that do not read its metrics. */
public final class Operators {
  private Operators() {
  }

  /** The operator, not started, its metrics in a registry nobody reads. */
  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock) {
    return create(client, settings, clock, o -> {
    });
  }

  /** As above, with the test's JOSDK overrides (such as {@link ReconcileLog#install()}) applied last. */
  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock,
      Consumer<ConfigurationServiceOverrider> overrides) {
    return AppConnectorOperator.create(client, settings, clock, new ProductMetrics(new SimpleMeterRegistry(), clock),
        VendorNotifications.Settings.DEFAULT, overrides);
  }
}
