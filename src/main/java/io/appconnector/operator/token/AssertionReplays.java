package io.appconnector.operator.token;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The {@code jti}s of accepted client assertions, each until its assertion expires, so none is
 * accepted twice (RFC 7523 section 3, item 7). Only assertions whose signature verified and whose
 * claims passed are remembered, so a guessing client cannot fill it. It is bounded per client and
 * in total: when full even after dropping what expired, new assertions are refused (fail closed),
 * never made room for by forgetting a live jti. A client that floods it blocks only itself until
 * its assertions expire ({@link AssertionRules#LONGEST_LIFETIME} at most). Kept per replica.
 */
public final class AssertionReplays {
  /** At most this many live assertions per client: one every 0.3 s for five minutes. */
  public static final int PER_CLIENT = 1_000;
  /** At most this many in all, about 20 MB. */
  public static final int TOTAL = 100_000;

  public enum Outcome { FIRST_SEEN, REPLAYED, FULL }

  private final int perClient;
  private final int total;
  private final Map<String, Map<String, Instant>> byClient = new HashMap<>();
  private int size;

  public AssertionReplays(int perClient, int total) {
    this.perClient = perClient;
    this.total = total;
  }

  /** Records {@code jti} of {@code clientId} until {@code expires}, unless seen before or full. */
  public synchronized Outcome record(String clientId, String jti, Instant expires, Instant now) {
    Map<String, Instant> seen = byClient.computeIfAbsent(clientId, id -> new HashMap<>());
    Instant until = seen.get(jti);
    if (until != null && now.isBefore(until)) {
      return Outcome.REPLAYED;
    }
    if (seen.size() >= perClient || size >= total) {
      dropExpired(now);
      seen = byClient.computeIfAbsent(clientId, id -> new HashMap<>());
      if (seen.size() >= perClient || size >= total) {
        return Outcome.FULL;
      }
    }
    if (seen.put(jti, expires) == null) {
      size++;
    }
    return Outcome.FIRST_SEEN;
  }

  /** How many jtis are remembered now. */
  public synchronized int size() {
    return size;
  }

  private void dropExpired(Instant now) {
    for (Iterator<Map<String, Instant>> clients = byClient.values().iterator(); clients.hasNext(); ) {
      Map<String, Instant> seen = clients.next();
      int before = seen.size();
      seen.values().removeIf(until -> !now.isBefore(until));
      size -= before - seen.size();
      if (seen.isEmpty()) {
        clients.remove();
      }
    }
  }
}
