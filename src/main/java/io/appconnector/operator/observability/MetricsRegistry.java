package io.appconnector.operator.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The registry /metrics exports: the product's metrics, JOSDK's reconcile metrics, and the JVM and
 * process metrics of Micrometer's binders (memory, GC, threads, classes, CPU, uptime, open files).
 * Every metric carries help text: JOSDK registers its meters without a description, so they get one
 * that names what JOSDK counts. The exposition passes promtool's linter (MetricsMockServerTest).
 */
public final class MetricsRegistry {
  private MetricsRegistry() {
  }

  public static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Micrometer's process.cpu.time is exported in nanoseconds (process_cpu_time_ns_total), which
    // Prometheus conventions reject; process_cpu_usage stays.
    registry.config().meterFilter(MeterFilter.deny(id -> "process.cpu.time".equals(id.getName())));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if ("system.cpu.count".equals(id.getName())) {
          // A gauge named *_count reads as part of a histogram to Prometheus tools.
          id = id.withName("system.cpus");
        }
        if (id.getDescription() != null && !id.getDescription().isBlank()) {
          return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), describe(id.getName()), id.getType());
      }
    });
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }

  /** Help text for a meter registered without one (JOSDK's): what it counts, from its name. */
  static String describe(String name) {
    String what = name.replaceFirst("^operator\\.sdk\\.", "").replace('.', ' ');
    return "Java Operator SDK: " + what;
  }
}
