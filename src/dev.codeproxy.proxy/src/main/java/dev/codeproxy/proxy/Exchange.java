package dev.codeproxy.proxy;

import dev.codeproxy.core.ApiError;
import dev.codeproxy.core.Endpoint;
import dev.codeproxy.core.ModelMapper;
import dev.codeproxy.core.RequestBody;
import dev.codeproxy.core.SelfLoop;
import dev.codeproxy.core.Settings;
import dev.codeproxy.core.CaptureMode;
import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.usage.UsageScanner;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.routing.Breaker;
import dev.codeproxy.core.routing.Breakers;
import dev.codeproxy.core.routing.FailureClass;
import dev.codeproxy.core.routing.RetryDecision;
import dev.codeproxy.core.routing.RouteRequest;
import dev.codeproxy.core.routing.Strategy;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client request on its way through the proxy: read, choose candidates, try them with
 * retries and failover as {@link RetryDecision} says, relay the response, report every step.
 */
final class Exchange {
    private static final Logger LOG = Logger.getLogger(Exchange.class.getName());
    /** Non-streaming responses are buffered whole (to check them); beyond this they are refused. */
    private static final int MAX_BUFFERED_RESPONSE = 64 * 1024 * 1024;

    /** Collaborators shared by every exchange. */
    record Deps(Strategy strategy, Breakers breakers, Upstream upstream, IdleWatchdog watchdog, ProxyListener listener,
                java.util.random.RandomGenerator random, String selfHost, int selfPort) {
    }

    /** What one attempt came to. */
    private record Attempt(boolean done, BreakerOutcome breaker, FailureClass failure, long retryAfterMs,
                           String outcome, int status, long headersMs) {
        static Attempt done(BreakerOutcome b, String outcome, int status, long headersMs) {
            return new Attempt(true, b, null, -1, outcome, status, headersMs);
        }

        static Attempt failed(FailureClass f, long retryAfterMs, String outcome, int status, long headersMs) {
            return new Attempt(false, BreakerOutcome.NEUTRAL, f, retryAfterMs, outcome, status, headersMs);
        }
    }

    private enum BreakerOutcome { SUCCESS, FAILURE, NEUTRAL }

    /** The last upstream error response, returned unchanged when every candidate failed. */
    private record ErrorResponse(int status, List<Header> headers, byte[] body, String endpoint) {
    }

    private final long id;
    private final ServerRequest req;
    private final ServerResponse res;
    private final Settings settings;
    private final List<Endpoint> endpoints;
    private final Deps deps;
    private final long t0 = System.nanoTime();
    private final long deadline;
    private int attempts;
    private long headersMs = -1;
    private long firstTokenMs = -1;
    private String sentModel;
    private ErrorResponse lastError;
    private FailureClass lastFailure;
    private String lastDetail = "";
    private Endpoint lastTried;
    private final long startedAtMs = System.currentTimeMillis();
    private final List<AttemptRecord> attemptList = new ArrayList<>();
    private List<String[]> sentHeaders = List.of();
    private Map<String, List<String>> responseHeaders = Map.of();
    private byte[] requestBody;
    private byte[] responseBody;
    private boolean responseTruncated;
    private Usage usage = Usage.NONE;
    private String firstEndpoint;
    private String query;
    private int doneStatus;
    private String doneError;
    private RequestBody info;
    private RouteRequest route;
    private String method;
    private String target;

    Exchange(long id, ServerRequest req, ServerResponse res, Settings settings, List<Endpoint> endpoints, Deps deps) {
        this.id = id;
        this.req = req;
        this.res = res;
        this.settings = settings;
        this.endpoints = endpoints;
        this.deps = deps;
        this.deadline = t0 + settings.requestTimeoutMs() * 1_000_000L;
    }

    void run() {
        byte[] body;
        try {
            body = readBody();
        } catch (TooLarge e) {
            fail(ApiError.tooLarge("request body is larger than the limit of " + settings.maxRequestBytes()
                    + " bytes (setting maxRequestBytes)"), null);
            return;
        } catch (UncheckedIOException e) {
            return; // the client went away while sending
        }
        info = RequestBody.scan(body);
        requestBody = body;
        method = req.prologue().method().text();
        String path = req.path().rawPath();
        query = req.query().rawValue();
        target = query == null || query.isEmpty() ? path : path + "?" + query;
        route = new RouteRequest(sessionKey());
        emit(new ProxyEvent.RequestStarted(id, startedAtMs, method, path, info.model(), info.stream()));

        List<Endpoint> candidates = new ArrayList<>();
        for (Endpoint e : deps.strategy().candidates(route, endpoints, deps.breakers()::healthy)) {
            if (deps.selfPort() > 0 && SelfLoop.pointsAtProxy(e.baseUrl(), deps.selfHost(), deps.selfPort())) {
                LOG.warning(() -> "endpoint '" + e.name() + "' is skipped: " + SelfLoop.message(e.baseUrl(), deps.selfPort()));
                continue;
            }
            candidates.add(e);
        }
        if (candidates.isEmpty()) {
            fail(ApiError.unavailable("no enabled endpoint: add or enable one (code-proxy endpoint add ...)"), null);
            return;
        }
        boolean triedAny = false;
        for (Endpoint ep : candidates) {
            if (remainingMs() <= 0) {
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
        if (!triedAny && remainingMs() > 0) {
            // nothing is healthy: try the endpoint whose cooldown ends first rather than refuse outright
            Endpoint ep = candidates.stream()
                    .min(Comparator.comparing(e -> deps.breakers().of(e).until()))
                    .orElseThrow();
            deps.breakers().of(ep).forceAcquire();
            if (tryEndpoint(ep, body)) {
                return;
            }
        }
        giveUp(candidates);
    }

    /** Tries one endpoint, with its retries. True when the client has its response. */
    private boolean tryEndpoint(Endpoint ep, byte[] original) {
        Breaker breaker = deps.breakers().of(ep);
        String model = ModelMapper.map(info.model(), ep.models());
        byte[] body = Objects.equals(model, info.model()) ? original : info.withModel(original, model);
        int retries = 0;
        lastTried = ep;
        if (firstEndpoint == null) {
            firstEndpoint = ep.name();
        }
        while (true) {
            attempts++;
            long sent = System.nanoTime();
            Attempt a = attempt(ep, body, model);
            if (a.done()) {
                switch (a.breaker()) {
                    case SUCCESS -> breaker.onSuccess();
                    case FAILURE -> breaker.onFailure(settings.breakerThreshold(), cooldown());
                    case NEUTRAL -> breaker.release();
                }
                record(ep, model, a, sent);
                emit(new ProxyEvent.AttemptFinished(id, attempts, ep.name(), model, a.outcome(), a.status(),
                        a.headersMs(), ms(sent), "none"));
                complete(doneStatus, ep, doneError);
                if (a.breaker() != BreakerOutcome.FAILURE) {
                    deps.strategy().served(route, ep);
                }
                return true;
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
            record(ep, model, a, sent);
            emit(new ProxyEvent.AttemptFinished(id, attempts, ep.name(), model, a.outcome(), a.status(), a.headersMs(),
                    ms(sent), same ? "same" : d.tryNext() ? "next" : "none"));
            if (!same) {
                return false;
            }
            retries++;
            if (d.retrySameAfterMs() > 0) {
                try {
                    Thread.sleep(d.retrySameAfterMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            // a retry after a breaker change must still be allowed: the one probe slot may be ours again
            if (!breaker.healthy()) {
                breaker.forceAcquire();
            }
        }
    }

    private void record(Endpoint ep, String model, Attempt a, long sent) {
        attemptList.add(new AttemptRecord(attempts, ep.name(), model, a.outcome(), a.status(),
                (sent - t0) / 1_000_000L, a.headersMs(), ms(sent)));
    }

    private Attempt attempt(Endpoint ep, byte[] body, String model) {
        long sent = System.nanoTime();
        long timeout = Math.max(1, Math.min(ep.timeoutMs(), remainingMs()));
        HttpClientResponse up;
        List<String[]> pairs = new ArrayList<>();
        sentHeaders = pairs;
        try {
            up = deps.upstream().send(ep, method, target, sink -> HeaderPolicy.requestHeaders(req.headers(), ep,
                    (n, v) -> {
                        pairs.add(new String[] {n, v});
                        sink.accept(n, v);
                    }), body, settings.connectTimeoutMs(), Duration.ofMillis(timeout));
        } catch (RuntimeException e) {
            Failure f = classify(e);
            lastDetail = "upstream '" + ep.name() + "' " + f.detail;
            return Attempt.failed(f.timeout ? FailureClass.TIMEOUT : FailureClass.CONNECT, -1, f.outcome, 0, -1);
        }
        long attemptHeadersMs = ms(sent);
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
                    "connect_error", status, attemptHeadersMs);
        }
        if (bytes.length > MAX_BUFFERED_RESPONSE) {
            lastDetail = "upstream '" + ep.name() + "' sent a response larger than " + MAX_BUFFERED_RESPONSE + " bytes";
            return Attempt.failed(FailureClass.BAD_JSON, -1, "bad_json", status, attemptHeadersMs);
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
                return Attempt.failed(FailureClass.BAD_JSON, -1, "bad_json", status, attemptHeadersMs);
            }
            usage = scanner.usage();
            deliver(status, up.headers(), bytes, ep);
            return Attempt.done(BreakerOutcome.SUCCESS, "ok", status, attemptHeadersMs);
        }
        FailureClass fc = FailureClass.ofStatus(status);
        if (fc == null || fc == FailureClass.CLIENT) {
            // the request itself is wrong (or a redirect): every endpoint would say so, return it as is
            deliver(status, up.headers(), bytes, ep);
            return Attempt.done(BreakerOutcome.NEUTRAL, "http_" + status, status, attemptHeadersMs);
        }
        List<Header> hs = new ArrayList<>();
        up.headers().forEach(hs::add);
        lastError = new ErrorResponse(status, hs, bytes, ep.name());
        long retryAfter = RetryAfter.millis(up.headers().first(HeaderNames.create("retry-after")).orElse(null),
                deps.breakers().clock().instant());
        return Attempt.failed(fc, retryAfter, "http_" + status, status, attemptHeadersMs);
    }

    private Attempt streamAttempt(HttpClientResponse up, Endpoint ep, String model, int status, long attemptHeadersMs) {
        Capture capture = settings.captureMode() == CaptureMode.NONE ? null : new Capture(settings.maxBodyBytes());
        StreamRelay relay = new StreamRelay(up, deps.watchdog(), settings.streamIdleTimeoutMs(), t0, capture);
        if (relay.awaitCommit() == StreamRelay.PreCommit.FAILED) {
            lastDetail = "upstream '" + ep.name() + "' stream failed before any content (" + relay.failure() + ")";
            return Attempt.failed(FailureClass.BAD_STREAM, -1, "bad_stream", status, attemptHeadersMs);
        }
        // commit: from here on this endpoint owns the response
        headersMs = ms(t0);
        sentModel = model;
        res.status(status);
        HeaderPolicy.responseHeaders(up.headers(), (n, v) -> res.headers().add(HeaderNames.create(n), v));
        responseHeaders = HeaderPolicy.redacted(up.headers());
        proxyHeaders(ep);
        emit(new ProxyEvent.RequestCommitted(id, ep.name(), status, attempts));
        StreamRelay.Result r;
        try (up) {
            r = relay.relay(res);
        }
        firstTokenMs = relay.firstTokenMs();
        usage = relay.usage().usage();
        if (capture != null) {
            responseBody = capture.bytes();
            responseTruncated = capture.truncated();
        }
        return switch (r) {
            case COMPLETED -> {
                finish(status, null);
                yield Attempt.done(BreakerOutcome.SUCCESS, "ok", status, attemptHeadersMs);
            }
            case CLIENT_CLOSED -> {
                finish(499, "client closed the connection");
                yield Attempt.done(BreakerOutcome.NEUTRAL, "client_closed", status, attemptHeadersMs);
            }
            case UPSTREAM_ERROR_EVENT -> {
                finish(status, "upstream '" + ep.name() + "' sent an error event mid-stream");
                yield Attempt.done(BreakerOutcome.FAILURE, "stream_error", status, attemptHeadersMs);
            }
            case UPSTREAM_FAILED, UPSTREAM_IDLE -> {
                finish(status, "upstream '" + ep.name() + "' " + (r == StreamRelay.Result.UPSTREAM_IDLE
                        ? "sent nothing for " + settings.streamIdleTimeoutMs() + " ms (setting streamIdleTimeoutMs)"
                        : "closed the stream before it ended"));
                yield Attempt.done(BreakerOutcome.FAILURE, "stream_error", status, attemptHeadersMs);
            }
        };
    }

    /** Sends a whole upstream response (status, headers, body) to the client. */
    private void deliver(int status, io.helidon.http.Headers headers, byte[] body, Endpoint ep) {
        headersMs = ms(t0);
        sentModel = sentModel == null ? ModelMapper.map(info.model(), ep.models()) : sentModel;
        res.status(status);
        HeaderPolicy.responseHeaders(headers, (n, v) -> res.headers().add(HeaderNames.create(n), v));
        responseHeaders = HeaderPolicy.redacted(headers);
        keepResponseBody(body);
        proxyHeaders(ep);
        emit(new ProxyEvent.RequestCommitted(id, ep.name(), status, attempts));
        try {
            if (method.equals("HEAD")) {
                res.send();
            } else {
                res.send(body);
            }
        } catch (UncheckedIOException e) {
            LOG.log(Level.FINE, "client went away before the response was sent", e);
        }
        finish(status, status >= 400 ? "upstream '" + ep.name() + "' answered " + status : null);
    }

    private void giveUp(List<Endpoint> candidates) {
        if (lastError != null) {
            // the last upstream error, unchanged: clients know how to read (and retry) it
            res.status(lastError.status());
            for (Header h : lastError.headers()) {
                HeaderPolicy.responseHeaders(io.helidon.http.WritableHeaders.create().set(h),
                        (n, v) -> res.headers().add(HeaderNames.create(n), v));
            }
            res.header("x-code-proxy-endpoint", lastError.endpoint());
            res.header("x-code-proxy-attempts", String.valueOf(attempts));
            responseHeaders = HeaderPolicy.redacted(lastError.headers());
            keepResponseBody(lastError.body());
            headersMs = ms(t0);
            try {
                res.send(lastError.body());
            } catch (UncheckedIOException e) {
                LOG.log(Level.FINE, "client went away", e);
            }
            complete(lastError.status(), null, "every endpoint failed; last: upstream '" + lastError.endpoint()
                    + "' answered " + lastError.status());
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
        res.header("x-code-proxy-attempts", String.valueOf(attempts));
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
                    throw new java.io.EOFException("request body ended early");
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
            return n == b.length ? b : java.util.Arrays.copyOf(b, n);
        }
        return in.readNBytes(MAX_BUFFERED_RESPONSE + 1);
    }

    /** Claude Code's session id, else the body's metadata.user_id: what session stickiness follows. */
    private String sessionKey() {
        return req.headers().first(HeaderNames.create("x-claude-code-session-id")).orElse(info.userId());
    }

    private void fail(ApiError error, Endpoint ep) {
        if (attempts > 0) {
            res.header("x-code-proxy-attempts", String.valueOf(attempts));
        }
        if (ep != null) {
            res.header("x-code-proxy-endpoint", ep.name());
        }
        try {
            ProxyErrors.send(res, error);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not send error to client", e);
        }
        keepResponseBody(error.json().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        complete(error.status(), ep, error.message());
    }

    /** Notes how the response that was sent ends the request; reported once its attempt is recorded. */
    private void finish(int status, String error) {
        doneStatus = status;
        doneError = error;
    }

    private void keepResponseBody(byte[] body) {
        if (settings.captureMode() != CaptureMode.NONE) {
            responseBody = Capture.cap(body, settings.maxBodyBytes());
            responseTruncated = body.length > settings.maxBodyBytes();
        }
    }

    private void complete(int status, Endpoint ep, String error) {
        String served = ep != null ? ep.name() : lastTried != null ? lastTried.name() : null;
        boolean failure = error != null || status >= 400;
        boolean keepBodies = settings.captureMode() == CaptureMode.ALL
                || (settings.captureMode() == CaptureMode.ERRORS && failure);
        byte[] reqBody = keepBodies && requestBody != null ? Capture.cap(requestBody, settings.maxBodyBytes()) : null;
        RequestRecord record = new RequestRecord(id, startedAtMs, method, req.path().rawPath(), query,
                info == null ? null : info.model(), sentModel, info != null && info.stream(), status, served, attempts,
                served != null && firstEndpoint != null && !served.equals(firstEndpoint) && !failure, headersMs,
                firstTokenMs, ms(t0), usage, error, List.copyOf(attemptList), HeaderPolicy.redacted(req.headers()),
                HeaderPolicy.redacted(sentHeaders), responseHeaders, reqBody,
                reqBody != null && requestBody.length > reqBody.length, keepBodies ? responseBody : null,
                keepBodies && responseTruncated);
        emit(new ProxyEvent.RequestCompleted(record));
    }

    private void emit(ProxyEvent e) {
        try {
            deps.listener().onEvent(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "event listener failed", ex);
        }
    }

    private static long ms(long fromNanos) {
        return (System.nanoTime() - fromNanos) / 1_000_000L;
    }

    /** How an upstream call failed before a response arrived. */
    private record Failure(String outcome, boolean timeout, String detail) {
    }

    static Failure classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return new Failure("timeout", true, "did not respond in time");
            }
            if (t instanceof ConnectException) {
                return new Failure("connect_error", false, "is unreachable (connection refused)");
            }
            if (t instanceof UnknownHostException) {
                return new Failure("connect_error", false, "is unreachable (unknown host " + t.getMessage() + ")");
            }
            if (t instanceof javax.net.ssl.SSLException) {
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
