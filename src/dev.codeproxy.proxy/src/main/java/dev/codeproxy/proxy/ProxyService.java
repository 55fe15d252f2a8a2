package dev.codeproxy.proxy;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.routes.Routes;
import dev.codeproxy.core.routing.Breaker;
import dev.codeproxy.core.routing.Breakers;
import dev.codeproxy.core.routing.Strategy;
import dev.codeproxy.core.settings.ConfigSource;
import dev.codeproxy.core.settings.RoutingMode;
import dev.codeproxy.core.wire.ApiError;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The route table of the data plane: every method on {@code /v1} and below is forwarded; each
 * request becomes one {@link Exchange}. Holds the runtime state that outlives requests and
 * configuration reloads: breakers, the session map of the session strategy, the upstream pool.
 */
public final class ProxyService implements HttpService {
    private final ConfigSource config;
    private final TokenCheck tokens;
    private final ProxyListener listener;
    private final RandomGenerator random;
    private final Breakers breakers;
    private final Upstream upstream = new Upstream();
    private final IdleWatchdog watchdog = new IdleWatchdog();
    private final BodyBudget budget;
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
    private volatile RoutingMode mode;
    private volatile Strategy strategy;
    private volatile String selfHost = "";
    private volatile int selfPort = -1;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight = InFlightLimit.defaultLimit();
    private volatile boolean draining;
    private volatile RouteTable routeTable;
    private final Compat compat = new Compat();

    public ProxyService(ConfigSource config, TokenCheck tokens, ProxyListener listener, Clock clock,
                        RandomGenerator random) {
        this(config, tokens, listener, clock, random, BodyBudget.defaultLimit());
    }

    /**
     * @param maxBufferedBodyBytes request bodies the proxy holds in memory at once, summed over
     *                             the requests in flight; past it a request gets 503 with
     *                             {@code retry-after} (default {@link BodyBudget#defaultLimit()})
     */
    public ProxyService(ConfigSource config, TokenCheck tokens, ProxyListener listener, Clock clock,
                        RandomGenerator random, long maxBufferedBodyBytes) {
        this.budget = new BodyBudget(maxBufferedBodyBytes);
        this.config = config;
        this.tokens = tokens;
        this.listener = listener;
        this.random = random;
        this.breakers = new Breakers(clock, (e, state, until) -> listener.onEvent(new ProxyEvent.EndpointStateChanged(
                e.id(), e.name(), state.wire(), state == Breaker.State.CLOSED ? 0 : until.toEpochMilli())));
    }

    /** Tells the proxy its own listener, so endpoints pointing back at it are never called. */
    public void listening(String host, int port) {
        this.selfHost = host;
        this.selfPort = port;
    }

    public Breakers breakers() {
        return breakers;
    }


    @Override
    public void routing(HttpRules rules) {
        rules.any("/v1", this::handle)
                .any("/v1/*", this::handle);
    }

    /** The strategy for the current routing setting; kept across requests (session stickiness lives in it). */
    private Strategy strategy(RoutingMode m) {
        if (m != mode) {
            synchronized (this) {
                if (m != mode) {
                    strategy = Strategy.of(m, random);
                    mode = m;
                }
            }
        }
        return strategy;
    }

    private void handle(ServerRequest req, ServerResponse res) {
        // every response names its route; refusals before the body is read took none
        res.header(Exchange.ROUTE_HEADER, Routes.DEFAULT);
        String token = HeaderPolicy.clientToken(req.headers());
        if (token == null) {
            ProxyErrors.send(res, ApiError.authentication(
                    "missing client token: send the Code Proxy client token as x-api-key or authorization: Bearer"));
            return;
        }
        Admission admission = tokens.admission(token);
        if (admission == null) {
            ProxyErrors.send(res, ApiError.authentication("invalid client token: it is not a Code Proxy client token"));
            return;
        }
        if (draining) {
            res.header("retry-after", "1");
            ProxyErrors.send(res, ApiError.unavailable("Code Proxy is shutting down; retry in a moment"));
            return;
        }
        // a token with limits: expired ones are refused before the body is read (the rest in the exchange)
        Admission.Refusal early = admission.beforeBody();
        if (early != null) {
            refuse(res, early);
            return;
        }
        int now = inFlight.incrementAndGet();
        try {
            var settings = config.settings();
            var endpoints = config.endpoints();
            RouteTable table = RouteTable.of(routeTable, settings.routes(), endpoints);
            routeTable = table;
            new Exchange(ids.incrementAndGet(), req, res, settings, endpoints,
                    new Exchange.Deps(strategy(settings.routing()), breakers, upstream, watchdog,
                            admission.around(listener), random, selfHost, selfPort, budget, table, compat,
                            admission, now > maxInFlight ? maxInFlight : 0)).run();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Sends a token's refusal: its envelope, and {@code retry-after} for rates. */
    static void refuse(ServerResponse res, Admission.Refusal r) {
        if (r.retryAfterSeconds() > 0) {
            res.header("retry-after", String.valueOf(r.retryAfterSeconds()));
        }
        ProxyErrors.send(res, r.error());
    }

    /**
     * What an endpoint taught the proxy about its compatibility (beta flags and body fields it
     * refused with a 400 and that are left out since): {@code betas} and {@code fields}.
     */
    public Map<String, Set<String>> learnedCompat(String endpoint) {
        return compat.learned(endpoint);
    }

    /** Requests served at once at most ({@link InFlightLimit}); past it, 503 with retry-after. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Requests being proxied right now (streams included). */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Graceful stop, step one: new requests get a 503 with retry-after, requests in flight may
     * finish. Returns when none is left or the grace period is over; true when all finished.
     */
    public boolean drain(Duration grace) {
        draining = true;
        long end = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() == 0) {
            return true;
        }
        // grace is over: end the remaining streams properly (an error event, then the end) rather than cut them
        watchdog.stopAll();
        long hard = System.nanoTime() + 2_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < hard) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return false;
    }
}
