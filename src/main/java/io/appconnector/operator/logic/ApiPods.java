package io.appconnector.operator.logic;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The tenant's API pods: a label selector and their TCP ports. */
public record ApiPods(Map<String, String> selector, List<Integer> ports) {
  public static final ApiPods DEFAULT = new ApiPods(Map.of("app.kubernetes.io/component", "api"), List.of(8443));

  /** Parses "k=v,k2=v2" and "8443,9443". */
  public static ApiPods parse(String selector, String ports) {
    return new ApiPods(parseSelector(selector), parsePorts(ports));
  }

  /** "k=v,k2=v2": at least one pair. */
  public static Map<String, String> parseSelector(String selector) {
    Map<String, String> labels = new java.util.TreeMap<>();
    for (String pair : selector.split(",")) {
      if (!pair.isBlank()) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank()) {
          throw new IllegalArgumentException("API pod selector '" + selector + "' must be key=value pairs separated by commas");
        }
        labels.put(kv[0].trim(), kv[1].trim());
      }
    }
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("API pods need a non-empty selector");
    }
    return Map.copyOf(labels);
  }

  /** "8443,9443": at least one port from 1 to 65535. */
  public static List<Integer> parsePorts(String ports) {
    List<Integer> numbers = Arrays.stream(ports.split(",")).map(String::trim).filter(p -> !p.isEmpty())
        .map(Integer::valueOf).toList();
    if (numbers.isEmpty() || numbers.stream().anyMatch(p -> p < 1 || p > 65535)) {
      throw new IllegalArgumentException("API pods need at least one port from 1 to 65535");
    }
    return numbers;
  }
}
