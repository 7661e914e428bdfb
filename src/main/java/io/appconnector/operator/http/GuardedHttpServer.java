package io.appconnector.operator.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A non-blocking HTTP/1.1 listener (Vert.x on Netty) that no client can hold up: connections are
 * read by event loops, so a slow client costs a buffer, never a thread; the header and body of a
 * request must arrive in time; connections and requests in hand are bounded per source and in
 * total, beyond which the answer is 503 with {@code Retry-After}. Handlers run on their own worker
 * threads and return an {@link HttpAnswer}; a delayed answer waits on a timer.
 *
 * <p>Each listener has its own Vert.x instance, so the threads of one (the probes') never wait for
 * the other's (the token endpoint's).
 */
public final class GuardedHttpServer implements AutoCloseable {
  /** Answers one request; may block (API calls, signing): it runs on a worker thread. */
  public interface Handler {
    HttpAnswer handle(HttpCall call);
  }

  /** Where and how to listen. */
  public record Listener(String name, String host, int port, int eventLoops, int workers, ServerLimits limits,
      TrustedProxies proxies, boolean proxyProtocol, KeyCertOptions tls) {
  }

  /** How much of a too-large body is read and discarded before the answer; beyond it the connection ends. */
  static final long DRAIN_LIMIT = 1024 * 1024;

  private final Vertx vertx;
  private final HttpServer server;
  private final Listener listener;
  private final ServerLimits limits;
  private final Handler handler;
  private final Function<Duration, HttpAnswer> overloaded;
  private final SourceBounds connections;
  private final SourceBounds inFlight;
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final Map<HttpConnection, Connection> open = new ConcurrentHashMap<>();

  private GuardedHttpServer(Listener listener, Handler handler, Function<Duration, HttpAnswer> overloaded) {
    this.listener = listener;
    this.limits = listener.limits();
    this.handler = handler;
    this.overloaded = overloaded;
    this.connections = new SourceBounds(limits.maxConnections(), limits.maxConnectionsPerSource());
    this.inFlight = new SourceBounds(limits.maxInFlight(), limits.maxInFlightPerSource());
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(listener.eventLoops())
        .setWorkerPoolSize(listener.workers()).setInternalBlockingPoolSize(1)
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    HttpServerOptions options = new HttpServerOptions().setHost(listener.host()).setPort(listener.port())
        .setIdleTimeout((int) limits.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxInitialLineLength(4096).setMaxHeaderSize(8192).setCompressionSupported(false)
        .setDecompressionSupported(false).setHandle100ContinueAutomatically(false).setTcpNoDelay(true)
        .setAcceptBacklog(1024).setHttp2ClearTextEnabled(false)
        .setUseProxyProtocol(listener.proxyProtocol()).setProxyProtocolTimeout(limits.headerTimeout().toMillis())
        .setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS);
    if (listener.tls() != null) {
      options.setSsl(true).setKeyCertOptions(listener.tls()).setSslHandshakeTimeout(limits.headerTimeout().toMillis())
          .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    this.server = vertx.createHttpServer(options).connectionHandler(this::connected).requestHandler(this::request);
  }

  /** Starts listening; fails if the port cannot be bound. */
  public static GuardedHttpServer start(Listener listener, Handler handler, Function<Duration, HttpAnswer> overloaded) {
    GuardedHttpServer guarded = new GuardedHttpServer(listener, handler, overloaded);
    try {
      guarded.server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      guarded.close();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("the " + listener.name() + " listener cannot listen on port " + listener.port()
          + ": " + cause.getMessage(), cause);
    }
    return guarded;
  }

  public int port() {
    return server.actualPort();
  }

  /** Replaces the TLS certificate and key for new connections. */
  public void updateTls(KeyCertOptions tls) {
    try {
      server.updateSSLOptions(new SSLOptions().setKeyCertOptions(tls)).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the new TLS certificate was not taken: " + e.getMessage(), e);
    }
  }

  /** How many answers are waiting for their delay. */
  public int held() {
    return held.get();
  }

  /** How many connections are open. */
  public int connections() {
    return connections.total();
  }

  /** How many requests or connections were answered 503 since the start. */
  public int refused() {
    return refused.get();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Closing anyway: the threads are daemons.
    }
  }

  /** One connection's state; touched only on its event loop. */
  private final class Connection {
    final HttpConnection http;
    final InetAddress peer;
    final InetAddress source;
    final String key;
    final boolean admitted;
    long timer = -1;
    boolean receiving = true;

    Connection(HttpConnection http, InetAddress peer, InetAddress source, String key, boolean admitted) {
      this.http = http;
      this.peer = peer;
      this.source = source;
      this.key = key;
      this.admitted = admitted;
    }

    void deadline(Duration after) {
      cancel();
      timer = vertx.setTimer(after.toMillis(), id -> http.close());
    }

    void cancel() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  private void connected(HttpConnection http) {
    InetAddress peer = address(http.remoteAddress(true));
    InetAddress reported = address(http.remoteAddress(false));
    boolean fromProxy = listener.proxies().trusts(peer);
    InetAddress source = fromProxy && reported != null ? reported : peer;
    // A trusted proxy without a PROXY header carries many clients: it counts in the total only.
    String key = fromProxy && (reported == null || reported.equals(peer)) ? null
        : source == null ? "unknown" : source.getHostAddress();
    boolean admitted = connections.tryAcquire(key);
    Connection connection = new Connection(http, peer, source, admitted ? key : null, admitted);
    open.put(http, connection);
    http.closeHandler(v -> {
      open.remove(http);
      connection.cancel();
      if (admitted) {
        connections.release(key);
      }
    });
    // The header deadline runs from a request's first byte: a connection at rest waits only for the idle timeout.
    if (http instanceof ConnectionBase base) {
      base.channel().pipeline().addFirst("first-byte", new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          if (!connection.receiving) {
            connection.receiving = true;
            connection.deadline(limits.headerTimeout());
          }
          ctx.fireChannelRead(msg);
        }
      });
    }
    // An over-limit connection gets a second to send a request that is answered 503.
    connection.deadline(admitted ? limits.headerTimeout() : Duration.ofSeconds(1));
  }

  private void request(HttpServerRequest request) {
    Connection connection = open.get(request.connection());
    if (connection == null) {
      request.connection().close();
      return;
    }
    connection.deadline(limits.bodyTimeout());
    InetAddress source = listener.proxies().client(connection.source, request.headers().getAll("X-Forwarded-For"));
    String key = source == null ? "unknown" : source.getHostAddress();
    if (!connection.admitted || !inFlight.tryAcquire(key)) {
      refused.incrementAndGet();
      request.pause();
      write(request, connection, overloaded.apply(limits.retryAfter())
          .withHeader("Retry-After", String.valueOf(Math.max(1, limits.retryAfter().toSeconds())))
          .withHeader("Connection", "close"), () -> { });
      return;
    }
    Runnable release = once(() -> inFlight.release(key));
    request.connection().closeHandler(v -> {
      open.remove(request.connection());
      connection.cancel();
      release.run();
      if (connection.admitted) {
        connections.release(connection.key);
      }
    });
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.headers().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
        .add(h.getValue()));
    String method = request.method().name();
    String path = request.path();
    boolean[] dispatched = {false};
    boolean[] tooLarge = {declared(request) > limits.maxBody()};
    Buffer body = Buffer.buffer();
    Runnable dispatch = () -> {
      if (dispatched[0]) {
        return;
      }
      dispatched[0] = true;
      HttpCall call = new HttpCall(method, path, Map.copyOf(headers), tooLarge[0] ? new byte[0] : body.getBytes(),
          tooLarge[0], source);
      vertx.executeBlocking(() -> handler.handle(call), false).onComplete(result -> {
        HttpAnswer answer = result.succeeded() ? result.result()
            : HttpAnswer.text(500, "text/plain", "internal error\n").withHeader("Connection", "close");
        // A body refused unread leaves bytes behind: the connection cannot carry another request.
        write(request, connection, tooLarge[0] ? answer.withHeader("Connection", "close") : answer, release);
      });
    };
    long[] discarded = {0};
    request.handler(chunk -> {
      if (!tooLarge[0] && body.length() + chunk.length() <= limits.maxBody()) {
        body.appendBuffer(chunk);
        return;
      }
      // Too large: read on and discard (so the client sees the answer rather than a reset), up to a bound.
      tooLarge[0] = true;
      discarded[0] += chunk.length();
      if (discarded[0] > DRAIN_LIMIT) {
        request.pause();
        dispatch.run();
      }
    });
    request.endHandler(v -> {
      connection.cancel();
      dispatch.run();
    });
  }

  private void write(HttpServerRequest request, Connection connection, HttpAnswer answer, Runnable done) {
    Runnable send = () -> {
      if (request.response().closed() || request.response().ended()) {
        done.run();
        return;
      }
      request.response().setStatusCode(answer.status());
      answer.headers().forEach((name, value) -> request.response().putHeader(name, value));
      request.response().end(Buffer.buffer(answer.body())).onComplete(ended -> {
        done.run();
        if (answer.closesConnection()) {
          connection.http.close();
        } else {
          connection.receiving = false;
          connection.cancel();
        }
      });
    };
    if (answer.delay().isZero() || answer.delay().isNegative()) {
      send.run();
      return;
    }
    if (held.incrementAndGet() > limits.maxHeld()) {
      held.decrementAndGet();
      done.run();
      connection.http.close();
      return;
    }
    vertx.setTimer(Math.max(1, answer.delay().toMillis()), id -> {
      held.decrementAndGet();
      send.run();
    });
  }

  private static long declared(HttpServerRequest request) {
    String contentLength = request.getHeader("Content-Length");
    try {
      return contentLength == null ? -1 : Long.parseLong(contentLength.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Runnable once(Runnable action) {
    boolean[] ran = {false};
    return () -> {
      synchronized (ran) {
        if (ran[0]) {
          return;
        }
        ran[0] = true;
      }
      action.run();
    };
  }

  private static InetAddress address(SocketAddress address) {
    if (address == null || !address.isInetSocket() || address.hostAddress() == null) {
      return null;
    }
    try {
      return InetAddress.getByName(address.hostAddress());
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
