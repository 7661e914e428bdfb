package io.appconnector.operator.token;

import io.appconnector.operator.api.v1alpha1.TrustedNetwork;
import io.appconnector.operator.logic.TrustedRanges;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a source address lies in a tenant's trusted networks: inside one of a network's cidrs and
 * outside that network's exceptions, the same reading as a NetworkPolicy ipBlock with except.
 * Whatever cannot be read narrows access: an invalid cidr trusts nothing, and a network with an
 * invalid exception trusts nothing at all (ignoring the exception would widen it).
 */
public final class TrustedSources {
  private static final Logger log = LoggerFactory.getLogger(TrustedSources.class);
  /** What was already reported, so a bad CIDR is logged once rather than at every exchange. */
  private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

  private TrustedSources() {
  }

  public static boolean allows(Collection<TrustedNetwork> networks, byte[] address) {
    for (TrustedNetwork network : networks) {
      if (network.getSpec() == null || network.getSpec().cidrs == null) {
        continue;
      }
      TrustedRanges ranges = TrustedRanges.of(network);
      ranges.problems().forEach(p -> report(network, p.kind(), p.message()));
      if (!ranges.leftOut() && ranges.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static void report(TrustedNetwork network, String kind, String problem) {
    String where = network.getMetadata().getNamespace() + "/" + network.getMetadata().getName();
    if (REPORTED.size() > 1000) {
      REPORTED.clear();
    }
    if (REPORTED.add(where + " " + network.getMetadata().getResourceVersion() + " " + problem)) {
      log.warn("TrustedNetwork {} has an invalid {} and it is ignored for token exchanges{}: {}", where, kind,
          kind.equals("exception") ? " (the whole network then trusts nothing)" : "", problem);
    }
  }
}
