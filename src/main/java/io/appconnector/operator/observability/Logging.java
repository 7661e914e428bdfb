package io.appconnector.operator.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.appconnector.operator.config.LogSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link LogSettings} to the logging backend (Logback): the level of every logger, and for
 * {@code json} one JSON object per line (Logback's own encoder) instead of the text pattern of
 * logback.xml.
 */
public final class Logging {
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
    if (settings.json()) {
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext(context);
      encoder.setWithSequenceNumber(false);
      encoder.setWithNanoseconds(false);
      encoder.setWithContext(false);
      encoder.setWithArguments(false);
      encoder.setWithMessage(false);
      encoder.setWithFormattedMessage(true);
      encoder.start();
      ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
      out.setContext(context);
      out.setName("json");
      out.setTarget("System.err");
      out.setEncoder(encoder);
      out.start();
      root.detachAndStopAllAppenders();
      root.addAppender(out);
    }
  }
}
