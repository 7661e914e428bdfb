package io.appconnector.operator.config;

/**
 * How the operator logs: {@code LOG_FORMAT} {@code text} (one line with a UTC timestamp) or
 * {@code json} (one JSON object per line), and {@code LOG_LEVEL} error, warn, info, debug or trace.
 */
public record LogSettings(String format, String level) {
  public static final LogSettings DEFAULT = new LogSettings("text", "info");

  public static LogSettings fromEnvironment(Env read) {
    return new LogSettings(read.oneOf("LOG_FORMAT", "text", "text", "json"),
        read.oneOf("LOG_LEVEL", "info", "error", "warn", "info", "debug", "trace"));
  }

  public boolean json() {
    return "json".equals(format);
  }
}
