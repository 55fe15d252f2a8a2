package dev.codeproxy.admin.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The DNS-rebinding guard: a request is answered only when its {@code Host} names this machine as
 * the user knows it: {@code localhost}, {@code 127.0.0.1}, {@code [::1]}, the configured and the
 * listening host, a name listed in the {@code allowedHosts} setting or given on the command line
 * ({@code --allowed-hosts} / {@code CODE_PROXY_ALLOWED_HOSTS}), and, when the listener is bound
 * beyond loopback, every address of this machine's network interfaces and its host name. Any port.
 */
public final class HostCheck {
    private static final Set<String> ALWAYS = Set.of("localhost", "127.0.0.1", "::1");
    /** How long the machine's own addresses are cached (interfaces come and go: DHCP, VPNs). */
    private static final long OWN_TTL_NANOS = 30_000_000_000L;

    private final Supplier<String> configuredHost;
    private final Supplier<String> listeningHost;
    private final Supplier<String> allowedHosts;
    private final Supplier<List<String>> extraHosts;
    private final Supplier<Own> ownLookup;
    private volatile Parsed parsed = new Parsed("", Set.of());
    private volatile Own own;

    private record Parsed(String raw, Set<String> names) {
    }

    /** The machine's own addresses (scope ids dropped) and names, as of {@code atNanos}. */
    record Own(Set<InetAddress> addresses, Set<String> names, long atNanos) {
    }

    public HostCheck(Supplier<String> configuredHost, Supplier<String> listeningHost, Supplier<String> allowedHosts) {
        this(configuredHost, listeningHost, allowedHosts, List::of);
    }

    /**
     * @param extraHosts names accepted besides the stored setting (the command line's, never stored)
     */
    public HostCheck(Supplier<String> configuredHost, Supplier<String> listeningHost, Supplier<String> allowedHosts,
                     Supplier<List<String>> extraHosts) {
        this(configuredHost, listeningHost, allowedHosts, extraHosts, HostCheck::lookupOwn);
    }

    HostCheck(Supplier<String> configuredHost, Supplier<String> listeningHost, Supplier<String> allowedHosts,
              Supplier<List<String>> extraHosts, Supplier<Own> ownLookup) {
        this.configuredHost = configuredHost;
        this.listeningHost = listeningHost;
        this.allowedHosts = allowedHosts;
        this.extraHosts = extraHosts;
        this.ownLookup = ownLookup;
    }

    /** Why a {@code Host} header value is refused, or null when it is accepted. */
    public String problem(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return "the request has no Host header; Code Proxy answers only requests naming it as localhost, "
                    + "127.0.0.1, [::1] or a name in the allowedHosts setting";
        }
        String name = hostName(hostHeader);
        if (name == null) {
            return "the Host header '" + printable(hostHeader) + "' is not a host name";
        }
        if (ALWAYS.contains(name) || name.equals(normal(configuredHost.get())) || name.equals(normal(listeningHost.get()))
                || allowed().contains(name) || extra(name) || ownAddress(name)) {
            return null;
        }
        return "Host '" + printable(hostHeader) + "' is not allowed: Code Proxy answers only to localhost, 127.0.0.1, "
                + "[::1], its listen address (every address of the machine when bound beyond loopback) and the names "
                + "in --allowed-hosts, CODE_PROXY_ALLOWED_HOSTS or the allowedHosts setting (comma separated); add '"
                + printable(name) + "' there if you reach the proxy under that name";
    }

    private boolean extra(String name) {
        for (String h : extraHosts.get()) {
            if (name.equals(normal(h))) {
                return true;
            }
        }
        return false;
    }

    /** True when the listener is bound beyond loopback and {@code name} is one of this machine's addresses or names. */
    private boolean ownAddress(String name) {
        if (loopbackOnly(listeningHost.get())) {
            return false;
        }
        Own o = own;
        if (o == null || System.nanoTime() - o.atNanos() > OWN_TTL_NANOS) {
            o = ownLookup.get();
            own = o;
        }
        if (o.names().contains(name)) {
            return true;
        }
        InetAddress a = literal(name);
        return a != null && o.addresses().contains(a);
    }

    private static boolean loopbackOnly(String host) {
        String h = normal(host);
        if (h == null || h.isEmpty() || h.equals("localhost")) {
            return true;
        }
        InetAddress a = literal(h);
        return a != null && a.isLoopbackAddress();
    }

    /** An IP literal as an address without scope id, or null for a name (never a DNS lookup). */
    static InetAddress literal(String name) {
        String n = name;
        int pct = n.indexOf('%');
        if (pct >= 0) {
            n = n.substring(0, pct);
        }
        if (!(n.contains(":") || n.matches("[0-9.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByAddress(InetAddress.ofLiteral(n).getAddress());
        } catch (IllegalArgumentException | UnknownHostException e) {
            return null;
        }
    }

    /** Every address of every interface that is up, and the machine's host name. */
    static Own lookupOwn() {
        Set<InetAddress> addrs = new HashSet<>();
        Set<String> names = new HashSet<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    addrs.add(InetAddress.getByAddress(a.getAddress()));
                }
            }
        } catch (IOException e) {
            // no interface list: only the names below and the configured ones
        }
        try {
            String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            names.add(host);
            int dot = host.indexOf('.');
            if (dot > 0) {
                names.add(host.substring(0, dot));
            }
        } catch (IOException e) {
            // no resolvable host name
        }
        return new Own(Set.copyOf(addrs), Set.copyOf(names), System.nanoTime());
    }

    private Set<String> allowed() {
        String raw = allowedHosts.get();
        raw = raw == null ? "" : raw;
        Parsed p = parsed;
        if (!p.raw().equals(raw)) {
            Set<String> names = new LinkedHashSet<>();
            for (String s : raw.split(",")) {
                String n = normal(s.strip());
                if (n != null && !n.isEmpty()) {
                    names.add(n);
                }
            }
            p = new Parsed(raw, Set.copyOf(names));
            parsed = p;
        }
        return p.names();
    }

    /** The host of a {@code Host} value without port and IPv6 brackets, lower case; null when malformed. */
    public static String hostName(String hostHeader) {
        String h = hostHeader.strip();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = h.substring(close + 1);
            if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
                return null;
            }
            return h.substring(1, close).toLowerCase(Locale.ROOT);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (h.indexOf(':', colon + 1) >= 0) {
                // a bare IPv6 address (not valid in Host, but be precise)
                return h.toLowerCase(Locale.ROOT);
            }
            if (!h.substring(colon + 1).matches("[0-9]{1,5}")) {
                return null;
            }
            h = h.substring(0, colon);
        }
        if (h.isEmpty() || h.chars().anyMatch(c -> c <= 0x20 || c == '/' || c == '@')) {
            return null;
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static String normal(String host) {
        if (host == null) {
            return null;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h;
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return b.toString();
    }
}
