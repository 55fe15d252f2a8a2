package dev.codeproxy.proxy;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.EndpointCompat;
import dev.codeproxy.core.endpoint.SelfLoop;
import dev.codeproxy.core.event.AttemptOutcome;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.routes.Route;
import dev.codeproxy.core.routes.Routes;
import dev.codeproxy.core.routing.Breaker;
import dev.codeproxy.core.routing.Breakers;
import dev.codeproxy.core.routing.FailureClass;
import dev.codeproxy.core.routing.RetryDecision;
import dev.codeproxy.core.routing.RouteRequest;
import dev.codeproxy.core.routing.Strategy;
import dev.codeproxy.core.settings.CaptureMode;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.core.usage.UsageScanner;
import dev.codeproxy.core.wire.ApiError;
import dev.codeproxy.core.wire.ModelMapper;
import dev.codeproxy.core.wire.RequestBody;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;

/**
 * The attempt loop of one client request: read it, choose candidates, try them with retries
 * and failover as {@link RetryDecision} says, relay the response. Everything the request leaves
 * behind (events, the log record) goes through its {@link Trace}.
 */
final class Exchange {
    private static final Logger LOG = Logger.getLogger(Exchange.class.getName());
    /** Non-streaming responses are buffered whole (to check them); beyond this they are refused. */
    private static final int MAX_BUFFERED_RESPONSE = 64 * 1024 * 1024;

    /**
     * Collaborators shared by every exchange, and {@code overLimit}: the in-flight limit
     * ({@link InFlightLimit}) when this request is past it, else 0.
     */
    record Deps(Strategy strategy, Breakers breakers, Upstream upstream, IdleWatchdog watchdog, ProxyListener listener,
                RandomGenerator random, String selfHost, int selfPort, BodyBudget budget,
                RouteTable routes, Compat compat, Admission admission, int overLimit) {
    }

    /** The response header naming the route a request took ({@code default} when no rule matched). */
    static final String ROUTE_HEADER = "x-code-proxy-route";
    private static final HeaderName AGENT_ID = HeaderNames.create("x-claude-code-agent-id");


    /** What one attempt came to. */
    private record Attempt(boolean done, BreakerOutcome breaker, FailureClass failure, long retryAfterMs,
                           AttemptOutcome outcome, int status, long headersMs, String compatDrop) {
        static Attempt done(BreakerOutcome b, AttemptOutcome outcome, int status, long headersMs) {
            return new Attempt(true, b, null, -1, outcome, status, headersMs, null);
        }

        static Attempt failed(FailureClass f, long retryAfterMs, AttemptOutcome outcome, int status, long headersMs) {
            return new Attempt(false, BreakerOutcome.NEUTRAL, f, retryAfterMs, outcome, status, headersMs, null);
        }

        /** The endpoint refused a beta flag ({@code beta:NAME}) or field ({@code field:NAME}): retry without it. */
        static Attempt compat(String drop, int status, long headersMs) {
            return new Attempt(false, BreakerOutcome.NEUTRAL, FailureClass.CLIENT, -1, AttemptOutcome.HTTP_STATUS, status,
                    headersMs, drop);
        }
    }

    private enum BreakerOutcome { SUCCESS, FAILURE, NEUTRAL }

    /** The last upstream error response, returned unchanged when every candidate failed. */
    private record ErrorResponse(int status, List<Header> headers, byte[] body, String endpoint) {
    }

    private final ServerRequest req;
    private final ServerResponse res;
    private final Settings settings;
    private final List<Endpoint> endpoints;
    private final Deps deps;
    private final Trace trace;
    private final long deadline;
    private ErrorResponse lastError;
    private FailureClass lastFailure;
    private String lastDetail = "";
    private Endpoint lastTried;
    private int doneStatus;
    private String doneError;
    private RequestBody info;
    private RouteRequest route;
    private Route rule;
    private boolean compatRetried;
    private String method;
    private String target;
    private IdleWatchdog.Guard guard;

    Exchange(long id, ServerRequest req, ServerResponse res, Settings settings, List<Endpoint> endpoints, Deps deps) {
        this.req = req;
        this.res = res;
        this.settings = settings;
        this.endpoints = endpoints;
        this.deps = deps;
        this.trace = new Trace(id, deps.listener(), settings);
        this.deadline = trace.startNanos() + settings.requestTimeoutMs() * 1_000_000L;
    }

    /**
     * Runs the request to its end. Whatever happens, the request gets its record: a client that
     * went away gets status 499 with the attempts and the usage seen so far.
     */
    void run() {
        method = req.prologue().method().text();
        String path = req.path().rawPath();
        String query = req.query().rawValue();
        target = query == null || query.isEmpty() ? path : path + "?" + query;
        trace.arrived(method, path, query, req.headers());
        long reserved = 0;
        try {
            long length = req.headers().contentLength().orElse(0);
            if (length > settings.maxRequestBytes()) {
                throw new TooLarge();
            }
            if (deps.overLimit() > 0) {
                busy("Code Proxy serves " + deps.overLimit() + " requests at once already, its limit for a heap of "
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; retry in a moment (a larger heap raises "
                        + "the limit: see the README)");
                return;
            }
            if (!deps.budget().tryReserve(length)) {
                busy("Code Proxy holds " + (deps.budget().limit() >> 20) + " MiB of request bodies in flight already "
                        + "(its memory budget); retry in a moment");
                return;
            }
            reserved = length;
            byte[] body;
            try {
                body = readBody();
            } catch (UncheckedIOException e) {
                trace.completeIfOpen(499, "client went away while sending the request body");
                return;
            }
            reserved = deps.budget().adjust(reserved, body.length);
            proxy(body, path, query);
        } catch (TooLarge e) {
            fail(ApiError.tooLarge("request body is larger than the limit of " + settings.maxRequestBytes()
                    + " bytes (setting maxRequestBytes)"), null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "request " + trace.id() + " failed unexpectedly", e);
            trace.completeIfOpen(guard != null && guard.clientGone() ? 499 : 500,
                    "Code Proxy failed: " + e.getClass().getSimpleName());
        } finally {
            deps.watchdog().release(guard);
            deps.budget().release(reserved);
            trace.completeIfOpen(499, "client closed the connection");
        }
    }

    private void proxy(byte[] body, String path, String query) {
        info = RequestBody.scan(body);
        route = new RouteRequest(sessionKey());
        // the route by request kind: the first rule that matches, else every endpoint as without routes
        rule = settings.routes().isEmpty() ? null : settings.routes().match(info, req.headers().contains(AGENT_ID));
        String routeName = rule == null ? Routes.DEFAULT : rule.match();
        res.header(ROUTE_HEADER, routeName);
        trace.route(routeName);
        trace.started(method, path, query, req.headers(), info, body);
        // a client token's limits (models, budget, rates): refused requests are logged like other refusals
        Admission.Refusal refused = deps.admission().admit(info.model());
        if (refused != null) {
            if (refused.retryAfterSeconds() > 0) {
                res.header("retry-after", String.valueOf(refused.retryAfterSeconds()));
            }
            fail(refused.error(), null);
            return;
        }
        // from here until the commit point, a client that leaves or a passed deadline cancels the attempt
        guard = deps.watchdog().guard(deadline, clientKey());

        List<Endpoint> pool = rule == null ? endpoints : deps.routes().group(rule);
        List<Endpoint> candidates = new ArrayList<>();
        for (Endpoint e : deps.strategy().candidates(route, pool, deps.breakers()::healthy)) {
            if (deps.selfPort() > 0 && SelfLoop.pointsAtProxy(e.baseUrl(), deps.selfHost(), deps.selfPort())) {
                LOG.warning(() -> "endpoint '" + e.name() + "' is skipped: " + SelfLoop.message(e.baseUrl(), deps.selfPort()));
                continue;
            }
            candidates.add(e);
        }
        if (candidates.isEmpty()) {
            fail(ApiError.unavailable(rule == null ? "no enabled endpoint: add or enable one (code-proxy endpoint add ...)"
                    : "route '" + rule.match() + "' has no enabled endpoint (its group: " + String.join(", ",
                    rule.endpoints()) + "): enable one, or change the route (code-proxy route list)"), null);
            return;
        }
        boolean triedAny = false;
        for (Endpoint ep : candidates) {
            if (stop()) {
                break;
            }
            if (!deps.breakers().of(ep).tryAcquire()) {
                continue;
            }
            triedAny = true;
            if (tryEndpoint(ep, body)) {
                return;
            }
        }
        if (!triedAny && !stop()) {
            // nothing is healthy: try the endpoint whose cooldown ends first rather than refuse outright
            Endpoint ep = candidates.stream()
                    .min(Comparator.comparing(e -> deps.breakers().of(e).until()))
                    .orElseThrow();
            deps.breakers().of(ep).forceAcquire();
            if (tryEndpoint(ep, body)) {
                return;
            }
        }
        if (guard.clientGone()) {
            // nobody to answer (the write is tried all the same: Helidon wants every route to send)
            guard.commit();
            send(null, new ApiError(499, "api_error", "client closed the request"));
            trace.complete(499, lastTried == null ? null : lastTried.name(), "client went away before the response "
                    + "started; the upstream attempt was cancelled");
            return;
        }
        giveUp(candidates);
    }

    /** The client's connection as the kernel lists it (local and remote port), null when unknown. */
    private ClientSockets.Key clientKey() {
        try {
            return new ClientSockets.Key(req.localPeer().port(), req.remotePeer().port());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Sends the proxy's own error; false when the client is gone. */
    private boolean send(Endpoint ep, ApiError error) {
        try {
            ProxyErrors.send(res, error);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not send error to client", e);
            return false;
        }
    }

    /** No further attempt: the deadline passed or the client is gone. */
    private boolean stop() {
        return remainingMs() <= 0 || guard.fired();
    }

    /** Tries one endpoint, with its retries. True when the client has its response. */
    private boolean tryEndpoint(Endpoint ep, byte[] original) {
        Breaker breaker = deps.breakers().of(ep);
        // a route's model is sent as it is; otherwise the endpoint's model mapping applies
        String model = rule != null && !rule.model().isEmpty() && info.model() != null ? rule.model()
                : ModelMapper.map(info.model(), ep.models());
        Compat.Plan plan = deps.compat().plan(ep);
        byte[] body = body(original, model, plan);
        int retries = 0;
        lastTried = ep;
        trace.trying(ep.name());
        while (true) {
            long sent = System.nanoTime();
            Attempt a = attempt(ep, body, model, plan);
            if (a.compatDrop() != null) {
                // the endpoint refused a beta flag or field by name: once, the same endpoint without it
                compatRetried = true;
                breaker.release();
                if (a.compatDrop().startsWith("beta:")) {
                    deps.compat().learnBeta(ep, a.compatDrop().substring(5));
                } else {
                    deps.compat().learnField(ep, a.compatDrop().substring(6));
                }
                trace.attempt(ep.name(), model, a.outcome(), a.status(), sent, a.headersMs(), "same");
                plan = deps.compat().plan(ep);
                body = body(original, model, plan);
                if (stop()) {
                    return false;
                }
                if (!breaker.healthy()) {
                    breaker.forceAcquire();
                }
                continue;
            }
            if (a.done()) {
                switch (a.breaker()) {
                    case SUCCESS -> breaker.onSuccess();
                    case FAILURE -> breaker.onFailure(settings.breakerThreshold(), cooldown());
                    case NEUTRAL -> breaker.release();
                }
                trace.attempt(ep.name(), model, a.outcome(), a.status(), sent, a.headersMs(), "none");
                trace.complete(doneStatus, ep.name(), doneError);
                if (a.breaker() != BreakerOutcome.FAILURE) {
                    deps.strategy().served(route, ep);
                }
                return true;
            }
            if (guard.fired()) {
                // cancelled by the guard: the upstream did nothing wrong, so its breaker is not charged
                guard.commit(); // clears the interrupt
                breaker.release();
                AttemptOutcome o = guard.clientGone() ? AttemptOutcome.CLIENT_CLOSED : AttemptOutcome.TIMEOUT;
                if (guard.expired()) {
                    lastFailure = FailureClass.TIMEOUT;
                    lastDetail = "upstream '" + ep.name() + "' had not started its response when the request "
                            + "deadline passed";
                }
                trace.attempt(ep.name(), model, o, a.status(), sent, a.headersMs(), "none");
                return false;
            }
            lastFailure = a.failure();
            RetryDecision d = RetryDecision.decide(a.failure(), retries, a.retryAfterMs(), settings.maxRetries(),
                    settings.retryCapMs(), deps.random());
            switch (d.breaker()) {
                case FAILURE -> breaker.onFailure(settings.breakerThreshold(), cooldown());
                case COOLDOWN -> breaker.onRateLimited(Duration.ofMillis(Math.min(
                        a.retryAfterMs() >= 0 ? a.retryAfterMs() : 1_000, settings.retryCapMs())));
                case AUTH_FAILED -> breaker.onAuthFailed();
                case NONE -> breaker.release();
            }
            boolean same = d.retrySameAfterMs() >= 0 && d.retrySameAfterMs() < remainingMs();
            trace.attempt(ep.name(), model, a.outcome(), a.status(), sent, a.headersMs(),
                    same ? "same" : d.tryNext() ? "next" : "none");
            if (!same) {
                return false;
            }
            retries++;
            if (d.retrySameAfterMs() > 0) {
                try {
                    Thread.sleep(d.retrySameAfterMs());
                } catch (InterruptedException e) {
                    if (!guard.fired()) {
                        Thread.currentThread().interrupt();
                    }
                    return false;
                }
            }
            if (guard.fired()) {
                return false;
            }
            // a retry after a breaker change must still be allowed: the one probe slot may be ours again
            if (!breaker.healthy()) {
                breaker.forceAcquire();
            }
        }
    }

    /** The body for one endpoint: fields it refuses left out, the model it gets put in. */
    private byte[] body(byte[] original, String model, Compat.Plan plan) {
        if (plan == null || !plan.touchesBody()) {
            return Objects.equals(model, info.model()) ? original : info.withModel(original, model);
        }
        byte[] trimmed = RequestBody.withoutFields(original, plan::dropsField);
        if (Objects.equals(model, info.model())) {
            return trimmed;
        }
        return trimmed == original ? info.withModel(original, model) : RequestBody.scan(trimmed).withModel(trimmed, model);
    }

    private Attempt attempt(Endpoint ep, byte[] body, String model, Compat.Plan plan) {
        long sent = System.nanoTime();
        // every read (headers, then the body) is bounded by the endpoint's timeout and the request deadline;
        // the wait for response headers also by headersTimeoutMs, which the guard enforces (a read timeout
        // would apply to every later read of a stream too)
        long timeout = Math.max(1, Math.min(ep.timeoutMs(), remainingMs()));
        boolean headersBound = ep.headersTimeoutMs() < timeout;
        if (headersBound) {
            guard.awaitHeaders(sent + ep.headersTimeoutMs() * 1_000_000L);
        }
        HttpClientResponse up;
        List<String[]> pairs = new ArrayList<>();
        trace.sentHeaders(pairs);
        try {
            up = deps.upstream().send(ep, method, target, sink -> HeaderPolicy.requestHeaders(req.headers(), ep,
                    (n, v) -> {
                        String value = plan != null && n.equalsIgnoreCase("anthropic-beta") ? plan.betaHeader(v) : v;
                        if (value != null) {
                            pairs.add(new String[] {n, value});
                            sink.accept(n, value);
                        }
                    }), body, settings.connectTimeoutMs(), Duration.ofMillis(timeout));
        } catch (RuntimeException e) {
            if (headersBound && guard.headersDone()) {
                lastDetail = "upstream '" + ep.name() + "' sent no response headers within " + ep.headersTimeoutMs()
                        + " ms (endpoint headersTimeoutMs)";
                return Attempt.failed(FailureClass.TIMEOUT, -1, AttemptOutcome.TIMEOUT, 0, -1);
            }
            Failure f = classify(e);
            lastDetail = "upstream '" + ep.name() + "' " + f.detail;
            return Attempt.failed(f.timeout ? FailureClass.TIMEOUT : FailureClass.CONNECT, -1,
                    f.timeout ? AttemptOutcome.TIMEOUT : AttemptOutcome.CONNECT_ERROR, 0, -1);
        }
        if (headersBound) {
            guard.headersDone(); // headers arrived: a late firing is void
        }
        long attemptHeadersMs = trace.ms(sent);
        int status = up.status().code();
        boolean sse = up.headers().contentType().map(m -> m.text().toLowerCase(Locale.ROOT))
                .orElse("").startsWith("text/event-stream");
        if (status >= 200 && status < 300 && sse) {
            return streamAttempt(up, ep, model, status, attemptHeadersMs);
        }
        byte[] bytes;
        try (up; InputStream in = up.inputStream()) {
            bytes = readResponse(up, in);
        } catch (IOException | RuntimeException e) {
            lastDetail = "upstream '" + ep.name() + "' broke off its response";
            return Attempt.failed(status >= 200 && status < 300 ? FailureClass.BAD_JSON : FailureClass.CONNECT, -1,
                    AttemptOutcome.CONNECT_ERROR, status, attemptHeadersMs);
        }
        if (bytes.length > MAX_BUFFERED_RESPONSE) {
            lastDetail = "upstream '" + ep.name() + "' sent a response larger than " + MAX_BUFFERED_RESPONSE + " bytes";
            return Attempt.failed(FailureClass.BAD_JSON, -1, AttemptOutcome.BAD_JSON, status, attemptHeadersMs);
        }
        if (status >= 200 && status < 300) {
            // one streaming pass both checks the body and reads its usage (identity, as we ask for)
            String encoding = up.headers().first(HeaderNames.CONTENT_ENCODING).orElse("identity").strip();
            UsageScanner scanner = new UsageScanner();
            boolean identity = encoding.isEmpty() || encoding.equalsIgnoreCase("identity");
            boolean valid = method.equals("HEAD")
                    || (identity ? scanner.json(bytes) : ResponseCheck.isJson(bytes, encoding));
            if (!valid) {
                lastDetail = "upstream '" + ep.name() + "' answered " + status + " with "
                        + (bytes.length == 0 ? "an empty body" : "a body that is not JSON");
                return Attempt.failed(FailureClass.BAD_JSON, -1, AttemptOutcome.BAD_JSON, status, attemptHeadersMs);
            }
            trace.usage(scanner.usage());
            if (!guard.commit()) {
                return Attempt.failed(FailureClass.CLIENT, -1, AttemptOutcome.CLIENT_CLOSED, status, attemptHeadersMs);
            }
            deliver(status, up.headers(), bytes, ep, model);
            return Attempt.done(BreakerOutcome.SUCCESS, AttemptOutcome.OK, status, attemptHeadersMs);
        }
        FailureClass fc = FailureClass.ofStatus(status);
        if (status == 400 && !compatRetried) {
            String drop = refused(bytes, pairs, body);
            if (drop != null) {
                lastDetail = "upstream '" + ep.name() + "' refused " + drop.replace(':', ' ');
                return Attempt.compat(drop, status, attemptHeadersMs);
            }
        }
        if (fc == null || fc == FailureClass.CLIENT) {
            // the request itself is wrong (or a redirect): every endpoint would say so, return it as is
            if (!guard.commit()) {
                return Attempt.failed(FailureClass.CLIENT, -1, AttemptOutcome.CLIENT_CLOSED, status, attemptHeadersMs);
            }
            deliver(status, up.headers(), bytes, ep, model);
            return Attempt.done(BreakerOutcome.NEUTRAL, AttemptOutcome.HTTP_STATUS, status, attemptHeadersMs);
        }
        List<Header> hs = new ArrayList<>();
        up.headers().forEach(hs::add);
        lastError = new ErrorResponse(status, hs, bytes, ep.name());
        long retryAfter = RetryAfter.millis(up.headers().first(HeaderNames.create("retry-after")).orElse(null),
                deps.breakers().clock().instant());
        return Attempt.failed(fc, retryAfter, AttemptOutcome.HTTP_STATUS, status, attemptHeadersMs);
    }

    private Attempt streamAttempt(HttpClientResponse up, Endpoint ep, String model, int status, long attemptHeadersMs) {
        Capture capture = settings.captureMode() == CaptureMode.NONE ? null : new Capture(settings.maxBodyBytes());
        StreamRelay relay = new StreamRelay(up, deps.watchdog(), settings.streamIdleTimeoutMs(), trace.startNanos(),
                capture);
        if (relay.awaitCommit() == StreamRelay.PreCommit.FAILED) {
            lastDetail = "upstream '" + ep.name() + "' stream failed before any content (" + relay.failure() + ")";
            trace.usage(relay.usage().usage());
            return Attempt.failed(FailureClass.BAD_STREAM, -1, AttemptOutcome.BAD_STREAM, status, attemptHeadersMs);
        }
        if (!guard.commit()) {
            // the client left (or the deadline passed) just as the stream could commit
            relay.abandon();
            trace.usage(relay.usage().usage());
            return Attempt.failed(FailureClass.CLIENT, -1, AttemptOutcome.CLIENT_CLOSED, status, attemptHeadersMs);
        }
        // commit: from here on this endpoint owns the response
        res.status(status);
        HeaderPolicy.responseHeaders(up.headers(), (n, v) -> res.headers().add(HeaderNames.create(n), v));
        trace.committed(ep.name(), status, model, Trace.logged(up.headers()));
        proxyHeaders(ep);
        StreamRelay.Result r;
        try (up) {
            r = relay.relay(res);
        } finally {
            // what was relayed counts, however the stream ended
            trace.firstTokenMs(relay.firstTokenMs());
            trace.usage(relay.usage().usage());
            if (capture != null) {
                trace.responseBody(capture.bytes(), capture.truncated());
            }
        }
        return switch (r) {
            case COMPLETED -> {
                finish(status, null);
                yield Attempt.done(BreakerOutcome.SUCCESS, AttemptOutcome.OK, status, attemptHeadersMs);
            }
            case CLIENT_CLOSED -> {
                finish(499, "client closed the connection");
                yield Attempt.done(BreakerOutcome.NEUTRAL, AttemptOutcome.CLIENT_CLOSED, status, attemptHeadersMs);
            }
            case UPSTREAM_ERROR_EVENT -> {
                finish(status, "upstream '" + ep.name() + "' sent an error event mid-stream");
                yield Attempt.done(BreakerOutcome.FAILURE, AttemptOutcome.STREAM_ERROR, status, attemptHeadersMs);
            }
            case EVENT_TOO_LARGE -> {
                finish(status, "upstream '" + ep.name() + "' sent an SSE event larger than "
                        + StreamRelay.MAX_EVENT_BYTES + " bytes");
                yield Attempt.done(BreakerOutcome.FAILURE, AttemptOutcome.STREAM_ERROR, status, attemptHeadersMs);
            }
            case UPSTREAM_FAILED, UPSTREAM_IDLE -> {
                finish(status, "upstream '" + ep.name() + "' " + (r == StreamRelay.Result.UPSTREAM_IDLE
                        ? "sent nothing for " + settings.streamIdleTimeoutMs() + " ms (setting streamIdleTimeoutMs)"
                        : "closed the stream before it ended"));
                yield Attempt.done(BreakerOutcome.FAILURE, AttemptOutcome.STREAM_ERROR, status, attemptHeadersMs);
            }
        };
    }

    /**
     * What a 400 refused by name: {@code beta:FLAG} for a flag of the anthropic-beta header that was
     * sent, {@code field:NAME} for a top-level body field (never an essential one); null otherwise.
     */
    private static String refused(byte[] response, List<String[]> sentHeaders, byte[] sentBody) {
        String message = Compat.invalidRequestMessage(response);
        if (message == null) {
            return null;
        }
        List<String> betas = new ArrayList<>();
        for (String[] h : sentHeaders) {
            if (h[0].equalsIgnoreCase("anthropic-beta")) {
                for (String b : h[1].split(",")) {
                    betas.add(b.strip());
                }
            }
        }
        String beta = Compat.named(message, betas);
        if (beta != null) {
            return "beta:" + beta;
        }
        List<String> fields = new ArrayList<>(RequestBody.topLevelKeys(sentBody));
        fields.removeAll(EndpointCompat.ESSENTIAL);
        fields.removeAll(List.of("system", "tools"));
        String field = Compat.named(message, fields);
        return field == null ? null : "field:" + field;
    }

    /** Sends a whole upstream response (status, headers, body) to the client. */
    private void deliver(int status, Headers headers, byte[] body, Endpoint ep, String model) {
        res.status(status);
        HeaderPolicy.responseHeaders(headers, (n, v) -> res.headers().add(HeaderNames.create(n), v));
        trace.committed(ep.name(), status, model, Trace.logged(headers));
        trace.responseBody(body);
        proxyHeaders(ep);
        boolean sent = send(method.equals("HEAD") ? null : body);
        finish(sent ? status : 499, !sent ? "client closed the connection"
                : status >= 400 ? "upstream '" + ep.name() + "' answered " + status : null);
    }

    /** Sends the response; false when the client is gone (Helidon reports that as a RuntimeException). */
    private boolean send(byte[] body) {
        try {
            if (body == null) {
                res.send();
            } else {
                res.send(body);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "client went away before the response was sent", e);
            return false;
        }
    }

    private void giveUp(List<Endpoint> candidates) {
        guard.commit(); // the proxy answers now: the guard must not interrupt that
        if (lastError != null) {
            // the last upstream error, unchanged: clients know how to read (and retry) it
            res.status(lastError.status());
            for (Header h : lastError.headers()) {
                HeaderPolicy.responseHeaders(WritableHeaders.create().set(h),
                        (n, v) -> res.headers().add(HeaderNames.create(n), v));
            }
            res.header("x-code-proxy-endpoint", lastError.endpoint());
            res.header("x-code-proxy-attempts", String.valueOf(trace.attemptCount()));
            trace.committed(null, lastError.status(), null, HeaderPolicy.redacted(lastError.headers()));
            trace.responseBody(lastError.body());
            boolean sent = send(lastError.body());
            trace.complete(sent ? lastError.status() : 499, null, "every endpoint failed; last: upstream '"
                    + lastError.endpoint() + "' answered " + lastError.status());
            return;
        }
        String tried = candidates.size() == 1 ? "endpoint" : "all " + candidates.size() + " endpoints";
        if (remainingMs() <= 0) {
            fail(ApiError.gatewayTimeout("request deadline of " + settings.requestTimeoutMs()
                    + " ms (setting requestTimeoutMs) passed; " + lastDetail), lastTried);
        } else if (lastFailure == FailureClass.TIMEOUT) {
            fail(ApiError.gatewayTimeout(tried + " failed; last: " + lastDetail), lastTried);
        } else {
            fail(ApiError.badGateway(tried + " failed; last: " + lastDetail), lastTried);
        }
    }

    private void proxyHeaders(Endpoint ep) {
        res.header("x-code-proxy-endpoint", ep.name());
        res.header("x-code-proxy-attempts", String.valueOf(trace.attemptCount() + 1));
    }

    private Duration cooldown() {
        return Duration.ofMillis(settings.breakerCooldownMs());
    }

    private long remainingMs() {
        return (deadline - System.nanoTime()) / 1_000_000L;
    }

    private byte[] readBody() {
        long limit = settings.maxRequestBytes();
        long length = req.headers().contentLength().orElse(-1);
        if (length > limit) {
            throw new TooLarge();
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            if (length >= 0) {
                // the usual case: one array of the exact size, filled straight from the connection
                byte[] b = new byte[(int) length];
                if (in.readNBytes(b, 0, b.length) < b.length) {
                    throw new EOFException("request body ended early");
                }
                return b;
            }
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) {
                throw new TooLarge();
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A whole upstream response body: exact-size when the upstream sent a content-length. */
    private static byte[] readResponse(HttpClientResponse up, InputStream in) throws IOException {
        long length = up.headers().contentLength().orElse(-1);
        if (length >= 0 && length <= MAX_BUFFERED_RESPONSE) {
            byte[] b = new byte[(int) length];
            int n = in.readNBytes(b, 0, b.length);
            return n == b.length ? b : Arrays.copyOf(b, n);
        }
        return in.readNBytes(MAX_BUFFERED_RESPONSE + 1);
    }

    /** Claude Code's session id, else the body's metadata.user_id: what session stickiness follows. */
    private String sessionKey() {
        return req.headers().first(HeaderNames.create("x-claude-code-session-id")).orElse(info.userId());
    }

    /** Refuses for want of room, in a way clients retry: 503 {@code overloaded_error} with {@code retry-after: 1}. */
    private void busy(String message) {
        res.header("retry-after", "1");
        fail(ApiError.unavailable(message), null);
    }

    private void fail(ApiError error, Endpoint ep) {
        if (guard != null) {
            guard.commit();
        }
        int attempts = trace.attemptCount();
        if (attempts > 0) {
            res.header("x-code-proxy-attempts", String.valueOf(attempts));
        }
        if (ep != null) {
            res.header("x-code-proxy-endpoint", ep.name());
        }
        boolean sent;
        try {
            ProxyErrors.send(res, error);
            sent = true;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not send error to client", e);
            sent = false;
        }
        trace.responseBody(error.json().getBytes(StandardCharsets.UTF_8));
        trace.complete(sent ? error.status() : 499, ep == null ? null : ep.name(), error.message());
    }

    /** Notes how the response that was sent ends the request; reported once its attempt is recorded. */
    private void finish(int status, String error) {
        doneStatus = status;
        doneError = error;
    }

    /** How an upstream call failed before a response arrived. */
    record Failure(String outcome, boolean timeout, String detail) {
    }

    static Failure classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return new Failure("timeout", true, "did not respond in time");
            }
            if (t instanceof InterruptedException || t instanceof InterruptedIOException
                    || t instanceof ClosedByInterruptException) {
                return new Failure("connect_error", false, "was cancelled");
            }
            if (t instanceof ConnectException) {
                return new Failure("connect_error", false, "is unreachable (connection refused)");
            }
            if (t instanceof UnknownHostException) {
                return new Failure("connect_error", false, "is unreachable (unknown host " + t.getMessage() + ")");
            }
            if (t instanceof SSLException) {
                return new Failure("connect_error", false, "is unreachable (TLS failure: " + t.getMessage() + ")");
            }
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("timeout") || lower.contains("timed out")) {
            return new Failure("timeout", true, "did not respond in time");
        }
        return new Failure("connect_error", false, "is unreachable (" + m + ")");
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }
}
