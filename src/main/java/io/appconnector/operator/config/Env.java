package io.appconnector.operator.config;

import io.appconnector.operator.values.GoDuration;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads settings from the environment, one typed getter per kind of value. A malformed value does
 * not stop the reading: it is noted with the variable's name and what it accepts, the default stands
 * in, and {@link #check()} then refuses all the malformed settings at once. Every settings record
 * reads through one of these, so a new setting gets the same message for free.
 */
public final class Env {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final Map<String, String> env;
  private final Set<String> problems = new LinkedHashSet<>();

  public Env(Map<String, String> env) {
    this.env = env;
  }

  /** A setting refused at start; the message names each variable, its value and what it accepts. */
  public static final class InvalidSettingsException extends IllegalArgumentException {
    private final List<String> problems;

    public InvalidSettingsException(java.util.Collection<String> problems) {
      super("invalid settings:\n  " + String.join("\n  ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** The value, or the default when the variable is unset or empty; any value accepted. */
  public String string(String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** A value the parser accepts; a parser rejects by throwing, and {@code accepts} says what it wanted. */
  public <T> T parsed(String name, String fallback, String accepts, Function<String, T> parser) {
    String value = env.get(name);
    if (value != null && !value.isEmpty()) {
      try {
        return parser.apply(value.trim());
      } catch (RuntimeException e) {
        problems.add(name + "=" + quote(value) + " is not valid: expected " + accepts);
      }
    }
    return fallback == null ? null : parser.apply(fallback);
  }

  public boolean bool(String name, boolean fallback) {
    return parsed(name, Boolean.toString(fallback), "true or false", v -> switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException();
    });
  }

  /** A TCP port; 0 asks the system for a free one. */
  public int port(String name, int fallback) {
    return integer(name, fallback, 0, 65535, "a TCP port number from 0 to 65535 (0 picks a free port)");
  }

  public int integer(String name, int fallback, int min, int max, String accepts) {
    return parsed(name, Integer.toString(fallback), accepts, v -> {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new IllegalArgumentException();
      }
      return n;
    });
  }

  /** A Go duration ("48h", "1h30m", "45s") between {@code min} and {@code max} inclusive. */
  public Duration duration(String name, String fallback, Duration min, Duration max) {
    String range = max == null ? "at least " + GoDuration.format(min)
        : "from " + GoDuration.format(min) + " to " + GoDuration.format(max);
    return parsed(name, fallback, "a duration such as 48h, 1h30m or 45s, " + range, v -> {
      Duration d = GoDuration.parse(v);
      if (d.compareTo(min) < 0 || max != null && d.compareTo(max) > 0) {
        throw new IllegalArgumentException();
      }
      return d;
    });
  }

  /** One of the given words, case-insensitive; returned in lower case. */
  public String oneOf(String name, String fallback, String... words) {
    return parsed(name, fallback, "one of " + String.join(", ", words), v -> {
      String lower = v.toLowerCase(Locale.ROOT);
      if (!Arrays.asList(words).contains(lower)) {
        throw new IllegalArgumentException();
      }
      return lower;
    });
  }

  /** A Kubernetes object name (RFC 1123 subdomain), such as a Secret's. */
  public String objectName(String name, String fallback) {
    return parsed(name, fallback, "a Kubernetes object name (lower-case letters, digits, '-' and '.')", v -> {
      if (!DNS_SUBDOMAIN.matcher(v).matches()) {
        throw new IllegalArgumentException();
      }
      return v;
    });
  }

  /** A namespace name (RFC 1123 label). */
  public String namespace(String name, String fallback) {
    return parsed(name, fallback, "a namespace name (lower-case letters, digits and '-', at most 63)", v -> {
      if (!DNS_LABEL.matcher(v).matches()) {
        throw new IllegalArgumentException();
      }
      return v;
    });
  }

  /** Namespace names separated by commas; empty for none. */
  public Set<String> namespaces(String name) {
    return parsed(name, "", "namespace names separated by commas, such as tenant-a,tenant-b", v -> {
      Set<String> names = new LinkedHashSet<>();
      for (String part : v.split(",")) {
        String n = part.trim();
        if (n.isEmpty()) {
          continue;
        }
        if (!DNS_LABEL.matcher(n).matches()) {
          throw new IllegalArgumentException();
        }
        names.add(n);
      }
      return Set.copyOf(names);
    });
  }

  /** An absolute http or https URL. */
  public String url(String name, String fallback) {
    return parsed(name, fallback, "an absolute http:// or https:// URL", v -> {
      java.net.URI uri = java.net.URI.create(v);
      if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new IllegalArgumentException();
      }
      return v;
    });
  }

  /** Records a problem of several settings together (each well-formed alone); {@link #check} reports it. */
  public void refuse(String problem) {
    problems.add(problem);
  }

  /** Refuses every malformed setting read so far, in one message. */
  public void check() {
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(problems);
    }
  }

  private static String quote(String value) {
    String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
