package io.appconnector.operator.values;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network in CIDR notation; parsing never resolves host names. */
public record Cidr(byte[] network, int prefix) {
  private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})(\\.\\d{1,3}){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]+$");

  /** Parses "203.0.113.0/24" or "2001:db8::/32"; throws IllegalArgumentException with the reason. */
  public static Cidr parse(String text) {
    if (text == null || text.length() > 43 || !text.contains("/")) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR (expected e.g. 203.0.113.0/24 or 2001:db8::/32)");
    }
    String[] parts = text.split("/", 2);
    byte[] address;
    try {
      address = literal(parts[0]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR: " + e.getMessage());
    }
    int prefix;
    try {
      prefix = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no numeric prefix length");
    }
    if (prefix < 0 || prefix > address.length * 8) {
      throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + address.length * 8);
    }
    if (!Arrays.equals(address, mask(address, prefix))) {
      throw new IllegalArgumentException("'" + text + "' has host bits set");
    }
    return new Cidr(address, prefix);
  }

  /** Whether the address (an IP literal) lies in this network; false for other families or non-literals. */
  public boolean contains(String address) {
    byte[] ip;
    try {
      ip = literal(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return contains(ip);
  }

  public boolean contains(byte[] ip) {
    return ip.length == network.length && Arrays.equals(mask(ip, prefix), network);
  }

  public boolean isIpv6() {
    return network.length == 16;
  }

  /** The canonical text form, as NetworkPolicy ipBlocks expect it. */
  @Override
  public String toString() {
    try {
      String host = InetAddress.getByAddress(network).getHostAddress();
      return (isIpv6() ? compress(host) : host) + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }

  static byte[] literal(String text) {
    boolean v4 = IPV4.matcher(text).matches();
    if (!v4 && !(text.contains(":") && IPV6.matcher(text).matches())) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
    if (v4) {
      for (String octet : text.split("\\.")) {
        if (Integer.parseInt(octet) > 255 || (octet.length() > 1 && octet.startsWith("0"))) {
          throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
      }
    }
    try {
      // Only literals reach here, so no name lookup happens.
      byte[] bytes = InetAddress.getByName(text).getAddress();
      if (!v4 && bytes.length == 4) {
        throw new IllegalArgumentException("'" + text + "' is an IPv4-mapped address; write it as IPv4");
      }
      return bytes;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] masked = address.clone();
    for (int i = 0; i < masked.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      masked[i] = (byte) (masked[i] & (0xFF << (8 - bits)));
    }
    return masked;
  }

  /** Java prints 2001:db8:0:0:0:0:0:0; Kubernetes and people write 2001:db8::. */
  private static String compress(String full) {
    String[] groups = full.split(":");
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < groups.length; ) {
      if (groups[i].equals("0")) {
        int j = i;
        while (j < groups.length && groups[j].equals("0")) {
          j++;
        }
        if (j - i > bestLen && j - i > 1) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    if (bestStart < 0) {
      return full;
    }
    String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
    String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
    return head + "::" + tail;
  }
}
