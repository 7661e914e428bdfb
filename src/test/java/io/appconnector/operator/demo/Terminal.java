package io.appconnector.operator.demo;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import io.appconnector.operator.observability.Logging;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the demo prints on: lines wrapped at 120 columns (a continuation indented under its line),
 * the operator's log in a file instead of between the lines, and a progress line while it waits.
 */
final class Terminal {
  static final int WIDTH = 120;
  private final PrintStream raw;
  final PrintStream out;

  Terminal(PrintStream raw) {
    this.raw = raw;
    this.out = new PrintStream(new Wrapping(raw), true, StandardCharsets.UTF_8);
  }

  /** Sends every log line of the process to {@code file}; the terminal shows only the demo's own lines. */
  static void logTo(Path file) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(Logging.TEXT_PATTERN);
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setFile(file.toString());
    appender.setAppend(false);
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }

  /**
   * Waits until {@code done} holds or {@code until} passes, showing the seconds left on one line
   * (rewritten in place on a terminal, every 5 s otherwise).
   */
  boolean waitFor(String what, Instant until, BooleanSupplier done) throws InterruptedException {
    boolean console = System.console() != null;
    long lastShown = -1;
    while (!done.getAsBoolean()) {
      long left = Math.max(0, Duration.between(Instant.now(), until).toSeconds());
      if (Instant.now().isAfter(until)) {
        break;
      }
      if (console) {
        raw.print("\r   " + what + ": " + left + " s left ...   ");
        raw.flush();
      } else if (lastShown < 0 || lastShown - left >= 5) {
        raw.println("   " + what + ": " + left + " s left ...");
        lastShown = left;
      }
      Thread.sleep(200);
    }
    if (console) {
      raw.print("\r" + " ".repeat(Math.min(WIDTH, what.length() + 30)) + "\r");
      raw.flush();
    }
    return done.getAsBoolean();
  }

  /** Wraps each line at {@link #WIDTH} code points at a space; continuations are indented 4 more. */
  static String wrap(String line) {
    if (line.codePointCount(0, line.length()) <= WIDTH) {
      return line;
    }
    int indent = 0;
    while (indent < line.length() && line.charAt(indent) == ' ') {
      indent++;
    }
    String continuation = " ".repeat(Math.min(indent + 4, 40));
    StringBuilder out = new StringBuilder();
    String rest = line;
    String prefix = "";
    while (prefix.length() + rest.codePointCount(0, rest.length()) > WIDTH) {
      int room = WIDTH - prefix.length();
      int cut = rest.lastIndexOf(' ', rest.offsetByCodePoints(0, Math.min(room, rest.codePointCount(0, rest.length()))));
      if (cut <= prefix.length() / 2 || cut <= 0) {
        cut = rest.offsetByCodePoints(0, room);
      }
      out.append(prefix).append(rest, 0, cut).append('\n');
      rest = rest.substring(cut).stripLeading();
      prefix = continuation;
    }
    return out.append(prefix).append(rest).toString();
  }

  private static final class Wrapping extends OutputStream {
    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Wrapping(PrintStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      if (b == '\n') {
        target.println(wrap(line.toString(StandardCharsets.UTF_8)));
        line.reset();
      } else {
        line.write(b);
      }
    }

    @Override
    public void flush() {
      target.flush();
    }
  }
}
