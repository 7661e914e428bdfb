package io.appconnector.operator.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * The CPU profile in a JFR recording (jdk.ExecutionSample): the methods most often on top of the
 * stack (self time), the project's and its libraries' methods most often anywhere on it (inclusive
 * time), and every sample attributed to one library: the one nearest the top of its stack, walking
 * through the JDK's generic code (collections, strings, crypto primitives, NIO), so that AES inside
 * TLS counts as TLS and a HashMap lookup inside Jackson as Jackson. The same attribution for the
 * allocation samples (jdk.ObjectAllocationSample, by sampled bytes), the classes allocated most, the
 * collections (jdk.GarbageCollection) and the sampled threads. With a window, only events that start
 * inside it count (a burst, not the start-up before it). JFR samples Java code only: the JIT
 * compiler and GC threads are not in it (the per-thread CPU from /proc is).
 */
final class JfrSummary {
  private JfrSummary() {
  }

  /** Category prefixes, tried in order against each frame from the top of the stack. */
  private static final List<String[]> CATEGORIES = List.of(
      new String[] {"operator (io.appconnector)", "io.appconnector."},
      new String[] {"JOSDK", "io.javaoperatorsdk."},
      new String[] {"Fabric8 model", "io.fabric8.kubernetes.api.model."},
      new String[] {"Fabric8 HTTP layer", "io.fabric8.kubernetes.client.http.", "io.fabric8.kubernetes.client.jdkhttp."},
      new String[] {"Fabric8 client (informers, watch, DSL)", "io.fabric8."},
      new String[] {"Jackson (JSON)", "com.fasterxml.jackson."},
      new String[] {"TLS", "sun.security.ssl.", "javax.net.ssl."},
      new String[] {"JDK HttpClient", "jdk.internal.net.http.", "java.net.http."},
      new String[] {"Nimbus JOSE", "com.nimbusds."},
      new String[] {"Micrometer", "io.micrometer."},
      new String[] {"logging", "org.slf4j.", "ch.qos.logback."},
      new String[] {"JDK HTTP server", "sun.net.httpserver."},
      new String[] {"JFR itself", "jdk.jfr."});

  static String summarize(Path recording, int top) throws IOException {
    return summarize(recording, top, null, null);
  }

  static String summarize(Path recording, int top, Instant from, Instant to) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> category = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Long> allocCategory = new HashMap<>();
    Map<String, Long> allocClass = new HashMap<>();
    Map<String, long[]> gc = new HashMap<>();
    int samples = 0;
    long allocBytes = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      if (from != null && (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to))) {
        continue;
      }
      String type = e.getEventType().getName();
      if ("jdk.GarbageCollection".equals(type)) {
        long[] g = gc.computeIfAbsent(e.getString("name"), k -> new long[2]);
        g[0]++;
        g[1] += e.getDuration().toNanos();
        continue;
      }
      if ("jdk.ObjectAllocationSample".equals(type)) {
        long weight = e.getLong("weight");
        allocBytes += weight;
        RecordedClass c = e.getClass("objectClass");
        allocClass.merge(c == null ? "?" : c.getName(), weight, Long::sum);
        allocCategory.merge(category(e.getStackTrace()), weight, Long::sum);
        continue;
      }
      if (!"jdk.ExecutionSample".equals(type)) {
        continue;
      }
      RecordedStackTrace stack = e.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      samples++;
      RecordedThread thread = e.getThread("sampledThread");
      threads.merge(thread == null || thread.getJavaName() == null ? "?" : threadGroup(thread.getJavaName()), 1,
          Integer::sum);
      category.merge(category(stack), 1, Integer::sum);
      self.merge(name(stack.getFrames().get(0)), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : stack.getFrames()) {
        String n = name(f);
        if ((n.startsWith("io.appconnector.") || n.startsWith("io.javaoperatorsdk.") || n.startsWith("io.fabric8.")
            || n.startsWith("com.fasterxml.") || n.startsWith("com.nimbusds.") || n.startsWith("sun.security.")
            || n.startsWith("sun.net.httpserver.")) && seen.add(n)) {
          inclusive.merge(n, 1, Integer::sum);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("CPU samples: ").append(samples).append(" in ").append(recording.getFileName());
    if (from != null) {
      out.append(" between ").append(from).append(" and ").append(to).append(" (")
          .append(Duration.between(from, to).toMillis() / 1000.0).append(" s)");
    }
    out.append('\n');
    out.append("  by library nearest the top of the stack:\n");
    append(out, category, samples, top);
    out.append("  by thread (digits folded):\n");
    append(out, threads, samples, 12);
    out.append("  top of stack (self):\n");
    append(out, self, samples, top);
    out.append("  on the stack (inclusive; project, JOSDK, Fabric8, Jackson, Nimbus, JDK crypto/http):\n");
    append(out, inclusive, samples, top);
    out.append(String.format("Allocation samples: %.1f MiB sampled weight%n", allocBytes / 1048576.0));
    out.append("  by library nearest the top of the stack:\n");
    appendLong(out, allocCategory, allocBytes, top);
    out.append("  by class:\n");
    appendLong(out, allocClass, allocBytes, 15);
    out.append("Collections:\n");
    gc.forEach((name, g) -> out.append(String.format("    %s: %d, %.0f ms in all%n", name, g[0], g[1] / 1e6)));
    return out.toString();
  }

  private static String category(RecordedStackTrace stack) {
    if (stack == null) {
      return "?";
    }
    for (RecordedFrame f : stack.getFrames()) {
      String type = f.getMethod().getType().getName();
      for (String[] c : CATEGORIES) {
        for (int i = 1; i < c.length; i++) {
          if (type.startsWith(c[i])) {
            return c[0];
          }
        }
      }
    }
    return "JDK only (no library on the stack)";
  }

  static String threadGroup(String name) {
    return name.replaceAll("\\d+", "#");
  }

  private static void append(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
    for (Map.Entry<String, Integer> e : entries.subList(0, Math.min(top, entries.size()))) {
      out.append(String.format("    %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey()));
    }
  }

  private static void appendLong(StringBuilder out, Map<String, Long> counts, long total, int top) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    for (Map.Entry<String, Long> e : entries.subList(0, Math.min(top, entries.size()))) {
      out.append(String.format("    %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
