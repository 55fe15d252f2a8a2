package dev.codeproxy.admin.security;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

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
        AccessPolicy.Decision d = policy.check(req.prologue().method().text(), req.path().rawPath(), req.headers(),
                remote(req.remotePeer().address()), req.isSecure(), upgrade);
        if (!d.allowed()) {
            res.status(d.status());
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            if (d.retryAfter() > 0) {
                res.header(HeaderNames.RETRY_AFTER, Long.toString(d.retryAfter()));
            }
            res.send(d.body().getBytes(StandardCharsets.UTF_8));
            return;
        }
        req.context().register(d.credential());
        chain.proceed();
    }

    /** The IP of a peer, or its whole address when it is not an IP socket. */
    public static String remote(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }
}
