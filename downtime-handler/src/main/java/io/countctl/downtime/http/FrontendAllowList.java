package io.countctl.downtime.http;

import io.countctl.core.config.ConfigException;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which frontend URLs {@code POST /store} may register. The handler later POSTs to every registered
 * URL, so an open registry would let anyone make it call any address (server-side request forgery).
 *
 * <p>Entries, comma-separated: {@code loopback} (127.0.0.0/8, ::1, {@code localhost}),
 * {@code private} (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7: the address space pods get),
 * a CIDR ({@code 10.42.0.0/16}, {@code fd00::/8}), a host-name suffix ({@code .svc},
 * {@code .cluster.local}), an exact host name, or {@code *} for anything. Link-local addresses
 * (169.254/16, fe80::/10, where cloud metadata services live) are only allowed through an explicit
 * CIDR. Host names are matched as written, never resolved: the check cannot be raced by DNS.
 */
public final class FrontendAllowList {
  /** The cluster's own address space. */
  public static final String DEFAULT = "loopback,private,.svc,.cluster.local";

  private record Cidr(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Cidr> networks;
  private final List<String> suffixes;
  private final List<String> hosts;
  private final boolean any;
  private final String text;

  private FrontendAllowList(List<Cidr> networks, List<String> suffixes, List<String> hosts, boolean any, String text) {
    this.networks = List.copyOf(networks);
    this.suffixes = List.copyOf(suffixes);
    this.hosts = List.copyOf(hosts);
    this.any = any;
    this.text = text;
  }

  /** @param setting the name reported when {@code text} is bad */
  public static FrontendAllowList parse(String setting, String text) {
    List<Cidr> networks = new ArrayList<>();
    List<String> suffixes = new ArrayList<>();
    List<String> hosts = new ArrayList<>();
    boolean any = false;
    for (String raw : text.split(",")) {
      String e = raw.trim().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      switch (e) {
        case "*" -> any = true;
        case "loopback" -> {
          networks.add(cidr(setting, "127.0.0.0/8"));
          networks.add(cidr(setting, "::1/128"));
          hosts.add("localhost");
        }
        case "private" -> {
          for (String c : List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")) {
            networks.add(cidr(setting, c));
          }
        }
        default -> {
          if (e.contains("/")) {
            networks.add(cidr(setting, e));
          } else if (e.startsWith(".") && e.length() > 1) {
            suffixes.add(e);
          } else if (e.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
            hosts.add(e);
          } else {
            throw new ConfigException(setting + ": '" + raw.trim() + "' is not loopback, private, a CIDR, a .suffix, a host name or *");
          }
        }
      }
    }
    if (!any && networks.isEmpty() && suffixes.isEmpty() && hosts.isEmpty()) {
      throw new ConfigException(setting + " is empty: no frontend could ever register (use " + DEFAULT + ")");
    }
    return new FrontendAllowList(networks, suffixes, hosts, any, text.trim());
  }

  private static Cidr cidr(String setting, String text) {
    int slash = text.indexOf('/');
    try {
      byte[] address = InetAddress.ofLiteral(text.substring(0, slash)).getAddress();
      int bits = Integer.parseInt(text.substring(slash + 1));
      if (bits < 0 || bits > address.length * 8) {
        throw new IllegalArgumentException("prefix length out of range");
      }
      return new Cidr(address, bits);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting + ": '" + text + "' is not a CIDR like 10.0.0.0/8 (" + e.getMessage() + ")");
    }
  }

  /** Whether the handler may call {@code url} (already checked to be an absolute http(s) URL). */
  public boolean allows(URI url) {
    if (any) {
      return true;
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      return false;
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (looksLikeAddress(host)) {
      byte[] address;
      try {
        address = InetAddress.ofLiteral(host).getAddress(); // a literal: never a DNS lookup
      } catch (IllegalArgumentException e) {
        return false;
      }
      return networks.stream().anyMatch(n -> n.contains(address));
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    return hosts.contains(name) || suffixes.stream().anyMatch(name::endsWith);
  }

  private static boolean looksLikeAddress(String host) {
    return host.contains(":") || host.matches("[0-9.]+");
  }

  @Override
  public String toString() {
    return text;
  }
}
