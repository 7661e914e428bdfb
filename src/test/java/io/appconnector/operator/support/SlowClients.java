package io.appconnector.operator.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An attacker holding many connections open: each sends the start of a request header and then one
 * byte at an interval, never finishing; when the server closes one, it connects again at once.
 * Connections come from loopback addresses 127.0.0.2 and up ({@code sources} of them), so the
 * legitimate client on 127.0.0.1 is another source.
 */
public final class SlowClients implements AutoCloseable {
  private final int port;
  private final String start;
  private final List<InetAddress> sources = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "slow-clients");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicInteger reconnects = new AtomicInteger();
  private final AtomicInteger refusedConnects = new AtomicInteger();
  private volatile boolean closed;

  private SlowClients(int port, String start, int sourceCount) throws IOException {
    this.port = port;
    this.start = start;
    for (int i = 0; i < sourceCount; i++) {
      sources.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)}));
    }
  }

  /** Opens {@code count} slow connections to the port and drips a byte to each every {@code intervalMillis}. */
  public static SlowClients open(int port, String requestStart, int count, int sourceCount, long intervalMillis)
      throws IOException {
    SlowClients clients = new SlowClients(port, requestStart, sourceCount);
    for (int i = 0; i < count; i++) {
      clients.sockets.add(clients.connect(i));
    }
    clients.drip.scheduleWithFixedDelay(clients::dripAll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    return clients;
  }

  private Socket connect(int index) {
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(sources.get(index % sources.size()), 0));
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      OutputStream out = socket.getOutputStream();
      out.write(start.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      refusedConnects.incrementAndGet();
    }
    return socket;
  }

  private void dripAll() {
    for (int i = 0; i < sockets.size() && !closed; i++) {
      Socket socket = sockets.get(i);
      // A connection the server closed fails on the write after (the first draws the reset).
      try {
        socket.getOutputStream().write('X');
      } catch (IOException e) {
        close(socket);
        reconnects.incrementAndGet();
        sockets.set(i, connect(i));
      }
    }
  }

  /** How many times a connection was found closed by the server and opened again. */
  public int reconnects() {
    return reconnects.get();
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    drip.shutdownNow();
    try {
      drip.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sockets.forEach(SlowClients::close);
  }
}
