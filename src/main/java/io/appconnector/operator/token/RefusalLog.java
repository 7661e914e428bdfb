package io.appconnector.operator.token;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Refused requests, logged in aggregate: counted per client ID and reason, and written as one line
 * per interval ({@link #flush}), never one per request, so a flood of refusals cannot flood the log.
 * An unknown client ID and a known one with a wrong secret are counted under the same reason, so the
 * log does not tell which IDs exist. Client IDs are shown only as far as they are plain (letters,
 * digits, '-', '_', '.'; 64 characters), since anyone can send anything as one.
 */
public final class RefusalLog {
  /** Distinct (client, reason) pairs kept per interval; beyond them refusals are only counted. */
  static final int MAX_KEYS = 200;

  private final Consumer<String> sink;
  private final Map<String, Integer> counts = new TreeMap<>();
  private long others;

  public RefusalLog(Consumer<String> sink) {
    this.sink = sink;
  }

  /** Counts one refusal of {@code clientId} (null when the request named none) for {@code reason}. */
  public synchronized void refused(String clientId, String reason) {
    String key = shown(clientId) + " " + reason;
    if (counts.containsKey(key) || counts.size() < MAX_KEYS) {
      counts.merge(key, 1, Integer::sum);
    } else {
      others++;
    }
  }

  /** Writes what was counted since the last flush as one line, and starts counting afresh. */
  public void flush() {
    Map<String, Integer> taken;
    long more;
    synchronized (this) {
      if (counts.isEmpty() && others == 0) {
        return;
      }
      taken = new TreeMap<>(counts);
      more = others;
      counts.clear();
      others = 0;
    }
    long total = taken.values().stream().mapToLong(Integer::longValue).sum() + more;
    sink.accept("refused " + total + " token requests since the last report: "
        + taken.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "))
        + (more > 0 ? ", others x" + more : ""));
  }

  static String shown(String clientId) {
    if (clientId == null) {
      return "(no client)";
    }
    if (clientId.length() > 64 || !clientId.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
        || c == '-' || c == '_' || c == '.'))) {
      return "(unreadable client ID)";
    }
    return clientId;
  }
}
