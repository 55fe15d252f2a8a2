package dev.codeproxy.admin.security;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The DNS-rebinding guard: a request is answered only when its {@code Host} names this machine as
 * the user knows it: {@code localhost}, {@code 127.0.0.1}, {@code [::1]}, the configured and the
 * listening host, or a name listed in the {@code allowedHosts} setting. Any port.
 */
public final class HostCheck {
    private static final Set<String> ALWAYS = Set.of("localhost", "127.0.0.1", "::1");

    private final Supplier<String> configuredHost;
    private final Supplier<String> listeningHost;
    private final Supplier<String> allowedHosts;
    private volatile Parsed parsed = new Parsed("", Set.of());

    private record Parsed(String raw, Set<String> names) {
    }

    public HostCheck(Supplier<String> configuredHost, Supplier<String> listeningHost, Supplier<String> allowedHosts) {
        this.configuredHost = configuredHost;
        this.listeningHost = listeningHost;
        this.allowedHosts = allowedHosts;
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
                || allowed().contains(name)) {
            return null;
        }
        return "Host '" + printable(hostHeader) + "' is not allowed: Code Proxy answers only to localhost, 127.0.0.1, "
                + "[::1], its listen address and the names in the allowedHosts setting (comma separated); add '"
                + printable(name) + "' to allowedHosts if you reach the proxy under that name";
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
