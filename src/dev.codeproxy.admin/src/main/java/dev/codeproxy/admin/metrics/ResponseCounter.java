package dev.codeproxy.admin.metrics;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every response of the listener by route kind and status, including those no proxied
 * request record describes: a wrong client token (401), a refused {@code Host} (403), a stop in
 * progress (503), unknown paths (404). Registered as the first filter, so it sees the responses
 * of every later filter and route. Cardinality: 7 route kinds times the HTTP status codes.
 */
public final class ResponseCounter implements Filter {
    final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        try {
            chain.proceed();
        } finally {
            int status = res.status().code();
            counts.computeIfAbsent(Metrics.Key.of(route(req.prologue().uriPath().rawPath()), Integer.toString(status)),
                    k -> new LongAdder()).increment();
        }
    }

    /** proxy, admin, login, live, observe, ui or other: a fixed set, whatever the client sends. */
    static String route(String rawPath) {
        String p = rawPath == null ? "" : rawPath;
        if (p.equals("/v1") || p.startsWith("/v1/")) {
            return "proxy";
        }
        if (p.startsWith("/_/api")) {
            return "admin";
        }
        if (p.startsWith("/_/login") || p.startsWith("/_/logout")) {
            return "login";
        }
        if (p.startsWith("/_/ws")) {
            return "live";
        }
        if (p.startsWith("/observe/")) {
            return "observe";
        }
        if (p.equals("/") || p.startsWith("/assets/") || p.equals("/favicon.ico") || p.endsWith(".html")) {
            return "ui";
        }
        return "other";
    }
}
