package io.appconnector.operator.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The CPU profile in a JFR recording (jdk.ExecutionSample): the methods most often on top of the
 * stack (self time) and the project's and its libraries' methods most often anywhere on it
 * (inclusive time), as shares of all samples.
 */
final class JfrSummary {
  private JfrSummary() {
  }

  static String summarize(Path recording, int top) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    int samples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
        continue;
      }
      RecordedStackTrace stack = e.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      samples++;
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
    out.append("CPU samples: ").append(samples).append(" in ").append(recording.getFileName()).append('\n');
    out.append("  top of stack (self):\n");
    append(out, self, samples, top);
    out.append("  on the stack (inclusive; project, JOSDK, Fabric8, Jackson, Nimbus, JDK crypto/http):\n");
    append(out, inclusive, samples, top);
    return out.toString();
  }

  private static void append(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
    for (Map.Entry<String, Integer> e : entries.subList(0, Math.min(top, entries.size()))) {
      out.append(String.format("    %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey()));
    }
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
