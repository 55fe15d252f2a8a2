package dev.codeproxy.proxy;

import dev.codeproxy.core.endpoint.Endpoint;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 section 7.6.1) and those named in
 * {@code Connection} stay on their hop; {@code host} and lengths are recomputed; the client's
 * credential is replaced by the endpoint's key. Everything else, including unknown headers and
 * {@code anthropic-beta}, is passed as received.
 */
public final class HeaderPolicy {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length", "expect");
    private static final Set<String> CREDENTIALS = Set.of("x-api-key", "authorization");
    /**
     * Upstreams are asked for identity encoding: the proxy reads usage from every response and
     * checks JSON bodies, which compressed bodies would prevent. Responses are small next to the
     * requests (which are sent as the client sent them), so little is lost.
     */
    static final String ACCEPT_ENCODING = "accept-encoding";

    private static final HeaderName X_API_KEY = HeaderNames.create("x-api-key");

    private HeaderPolicy() {
    }

    /** The client's token from {@code x-api-key} or {@code authorization: Bearer}, or null. */
    public static String clientToken(Headers h) {
        if (h.contains(X_API_KEY)) {
            return h.get(X_API_KEY).get().strip();
        }
        if (h.contains(HeaderNames.AUTHORIZATION)) {
            String v = h.get(HeaderNames.AUTHORIZATION).get().strip();
            if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return v.substring(7).strip();
            }
        }
        return null;
    }

    /** Copies request headers for the upstream and adds the endpoint's credential. */
    static void requestHeaders(Headers from, Endpoint endpoint, BiConsumer<String, String> to) {
        Set<String> skip = connectionTokens(from);
        for (Header h : from) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || CREDENTIALS.contains(name) || skip.contains(name)
                    || name.equals(ACCEPT_ENCODING)) {
                continue;
            }
            for (String v : h.allValues()) {
                to.accept(h.name(), v);
            }
        }
        to.accept(ACCEPT_ENCODING, "identity");
        endpoint.authStyle().credential(endpoint.apiKey(), to);
    }

    /** Copies upstream response headers back to the client. */
    static void responseHeaders(Headers from, BiConsumer<String, String> to) {
        Set<String> skip = connectionTokens(from);
        for (Header h : from) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || skip.contains(name)) {
                continue;
            }
            for (String v : h.allValues()) {
                to.accept(h.name(), v);
            }
        }
    }

    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "x-api-key", "cookie", "set-cookie",
            "proxy-authorization");

    /** Headers as the log may keep them: credentials replaced by {@code [redacted]}. */
    static Map<String, List<String>> redacted(Iterable<? extends Header> headers) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Header h : headers) {
            String name = h.name().toLowerCase(Locale.ROOT);
            List<String> values = SECRET_HEADERS.contains(name)
                    ? List.of("[redacted]") : List.copyOf(h.allValues());
            m.merge(name, values, (a, b) -> {
                List<String> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            });
        }
        return m;
    }

    /** The same for headers collected as name/value pairs. */
    static Map<String, List<String>> redacted(List<String[]> pairs) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String[] p : pairs) {
            String name = p[0].toLowerCase(Locale.ROOT);
            m.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(SECRET_HEADERS.contains(name) ? "[redacted]" : p[1]);
        }
        return m;
    }

    private static Set<String> connectionTokens(Headers h) {
        if (!h.contains(HeaderNames.CONNECTION)) {
            return Set.of();
        }
        Set<String> s = new HashSet<>();
        for (String v : h.get(HeaderNames.CONNECTION).allValues()) {
            for (String t : v.split(",")) {
                s.add(t.strip().toLowerCase(Locale.ROOT));
            }
        }
        return s;
    }
}
