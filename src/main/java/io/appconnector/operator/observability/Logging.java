package io.appconnector.operator.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.appconnector.operator.config.LogSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link LogSettings} to the logging backend (Logback): the level of every logger, and one
 * line per event on stderr, either text with a UTC timestamp or one JSON object (Logback's own
 * encoder: timestamp in epoch milliseconds, level, threadName, loggerName, formattedMessage, mdc,
 * throwable). Before the settings are read, logback.xml logs the same text format.
 */
public final class Logging {
  /** One line per event: UTC timestamp (RFC 3339), level, thread, logger, message. */
  public static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36} - %msg%n";

  private Logging() {
  }

  public static void apply(LogSettings settings) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(settings.level(), Level.INFO));
    context.getLoggerList().stream().filter(l -> l != root && l.getLevel() != null)
        .forEach(l -> l.setLevel(null));
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(context);
    out.setName(settings.format());
    out.setTarget("System.err");
    out.setEncoder(settings.json() ? json(context) : text(context));
    out.start();
    root.detachAndStopAllAppenders();
    root.addAppender(out);
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithArguments(false);
    encoder.setWithMessage(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> text(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(TEXT_PATTERN);
    encoder.start();
    return encoder;
  }
}
