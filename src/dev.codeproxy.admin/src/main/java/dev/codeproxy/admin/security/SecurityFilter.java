package dev.codeproxy.admin.security;

import io.helidon.common.uri.UriPath;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The {@link AccessPolicy} in front of every route. Registered as the routing's first filter, so
 * nothing (proxy path, API, dashboard, observe endpoints, the 404) answers a request it refuses.
 * The credential it found is left in the request context for the handlers.
 */
public final class SecurityFilter implements Filter {
    private final AccessPolicy policy;

    public SecurityFilter(AccessPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        boolean upgrade = req.headers().contains(HeaderNames.UPGRADE);
        String routed = routedPath(req.path());
        AccessPolicy.Decision d = policy.check(req.prologue().method().text(), req.path().rawPath(), routed,
                req.headers(), remote(req.remotePeer().address()), req.isSecure(), upgrade);
        if (!d.allowed()) {
            refuse(res, d);
            return;
        }
        req.context().register(d.credential());
        chain.proceed();
    }

    /** Sends a refusal: its status, JSON body, {@code no-store} and any {@code retry-after}. */
    public static void refuse(ServerResponse res, AccessPolicy.Decision d) {
        res.status(d.status());
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (d.retryAfter() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(d.retryAfter()));
        }
        res.send(d.body().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The path the router matches: decoded, matrix parameters stripped, dot segments resolved.
     * A target that cannot be decoded (a stray {@code %}) routes nowhere: null, refused as not in
     * normal form.
     */
    public static String routedPath(UriPath p) {
        try {
            return p.path();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The IP of a peer, or its whole address when it is not an IP socket. */
    public static String remote(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }
}
