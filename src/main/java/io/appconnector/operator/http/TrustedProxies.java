package io.appconnector.operator.http;

import io.appconnector.operator.values.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The networks of load balancers and proxies whose word about the client's address is taken: a
 * PROXY protocol header or an {@code X-Forwarded-For} header counts only on a connection from one
 * of them. From anywhere else both are ignored and the TCP peer is the source.
 */
public record TrustedProxies(List<Cidr> networks) {
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  public TrustedProxies {
    networks = List.copyOf(networks);
  }

  /** Parses "10.0.0.0/8,fd00::/8"; an empty text trusts no proxy. */
  public static TrustedProxies parse(String cidrs) {
    return new TrustedProxies(Arrays.stream(cidrs == null ? new String[0] : cidrs.split(",")).map(String::trim)
        .filter(s -> !s.isEmpty()).map(Cidr::parse).toList());
  }

  public boolean trusts(InetAddress peer) {
    return peer != null && networks.stream().anyMatch(n -> n.contains(peer.getAddress()));
  }

  /**
   * The client's address given the TCP peer and the {@code X-Forwarded-For} values: the right-most
   * address not itself a trusted proxy (the left-most ones are whatever the client wrote). The peer
   * when it is not trusted, or when the header is absent or unreadable.
   */
  public InetAddress client(InetAddress peer, List<String> forwardedFor) {
    if (!trusts(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
      return peer;
    }
    List<String> hops = forwardedFor.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).toList();
    InetAddress client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = literal(hops.get(i));
      if (hop == null) {
        return client;
      }
      client = hop;
      if (!trusts(hop)) {
        return hop;
      }
    }
    return client;
  }

  /** An IP literal, never a name lookup; null for anything else. */
  static InetAddress literal(String text) {
    String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (bare.isEmpty() || !(bare.contains(":") || bare.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
      return null;
    }
    try {
      return InetAddress.getByName(bare);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
