package dev.codeproxy.proxy;

import dev.codeproxy.core.ApiError;
import dev.codeproxy.core.Endpoint;
import dev.codeproxy.core.RequestBody;
import dev.codeproxy.core.Settings;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.routing.RouteRequest;
import dev.codeproxy.core.routing.Strategy;
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
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One client request on its way through the proxy: read, choose, send, relay, report. */
final class Exchange {
    private static final Logger LOG = Logger.getLogger(Exchange.class.getName());
    /** Non-streaming responses are buffered whole (to check and to measure them); beyond this they are refused. */
    private static final int MAX_BUFFERED_RESPONSE = 64 * 1024 * 1024;

    private final long id;
    private final ServerRequest req;
    private final ServerResponse res;
    private final Settings settings;
    private final List<Endpoint> endpoints;
    private final Strategy strategy;
    private final Upstream upstream;
    private final IdleWatchdog watchdog;
    private final ProxyListener listener;
    private final long t0 = System.nanoTime();
    private long headersMs = -1;
    private long firstTokenMs = -1;

    Exchange(long id, ServerRequest req, ServerResponse res, Settings settings, List<Endpoint> endpoints,
             Strategy strategy, Upstream upstream, IdleWatchdog watchdog, ProxyListener listener) {
        this.id = id;
        this.req = req;
        this.res = res;
        this.settings = settings;
        this.endpoints = endpoints;
        this.strategy = strategy;
        this.upstream = upstream;
        this.watchdog = watchdog;
        this.listener = listener;
    }

    void run() {
        byte[] body;
        try {
            body = readBody();
        } catch (TooLarge e) {
            fail(ApiError.tooLarge("request body is larger than the limit of " + settings.maxRequestBytes()
                    + " bytes (setting maxRequestBytes)"), null, 0);
            return;
        } catch (UncheckedIOException e) {
            // the client went away while sending
            return;
        }
        RequestBody info = RequestBody.scan(body);
        String method = req.prologue().method().text();
        String path = req.path().rawPath();
        String query = req.query().rawValue();
        String target = query == null || query.isEmpty() ? path : path + "?" + query;
        emit(new ProxyEvent.RequestStarted(id, System.currentTimeMillis(), method, path, info.model(), info.stream()));

        List<Endpoint> candidates = strategy.candidates(new RouteRequest(sessionKey()), endpoints);
        if (candidates.isEmpty()) {
            fail(ApiError.unavailable("no enabled endpoint: add or enable one (code-proxy endpoint add ...)"), null, 0);
            return;
        }
        Endpoint ep = candidates.getFirst();
        attempt(ep, 1, method, target, body, info);
    }

    private void attempt(Endpoint ep, int attempt, String method, String target, byte[] body, RequestBody info) {
        long sent = System.nanoTime();
        HttpClientResponse up;
        try {
            up = upstream.send(ep, method, target, sink -> HeaderPolicy.requestHeaders(req.headers(), ep, sink), body,
                    settings.connectTimeoutMs(), Duration.ofMillis(ep.timeoutMs()));
        } catch (RuntimeException e) {
            Failure f = classify(e);
            emit(new ProxyEvent.AttemptFinished(id, attempt, ep.name(), f.outcome, 0, -1, ms(sent)));
            fail(f.error(ep), ep, attempt);
            return;
        }
        headersMs = ms(t0);
        int status = up.status().code();
        String contentType = up.headers().contentType().map(m -> m.text().toLowerCase(Locale.ROOT)).orElse("");
        try (up) {
            res.status(status);
            HeaderPolicy.responseHeaders(up.headers(), (n, v) -> res.headers().add(HeaderNames.create(n), v));
            res.header("x-code-proxy-endpoint", ep.name());
            res.header("x-code-proxy-attempts", String.valueOf(attempt));
            if (contentType.startsWith("text/event-stream")) {
                relayStream(up, ep, attempt, sent, status);
            } else {
                relayWhole(up, ep, attempt, sent, status, method);
            }
        }
    }

    /** JSON and other bodies: read whole, then sent with a content length. */
    private void relayWhole(HttpClientResponse up, Endpoint ep, int attempt, long sent, int status, String method) {
        byte[] bytes;
        try (InputStream in = up.inputStream()) {
            bytes = in.readNBytes(MAX_BUFFERED_RESPONSE + 1);
        } catch (IOException | RuntimeException e) {
            Failure f = classify(e);
            emit(new ProxyEvent.AttemptFinished(id, attempt, ep.name(), f.outcome, status, headersMs, ms(sent)));
            res.headers().clear();
            fail(f.error(ep), ep, attempt);
            return;
        }
        if (bytes.length > MAX_BUFFERED_RESPONSE) {
            emit(new ProxyEvent.AttemptFinished(id, attempt, ep.name(), "response_too_large", status, headersMs, ms(sent)));
            res.headers().clear();
            fail(ApiError.badGateway("upstream '" + ep.name() + "' sent a response larger than "
                    + MAX_BUFFERED_RESPONSE + " bytes"), ep, attempt);
            return;
        }
        emit(new ProxyEvent.AttemptFinished(id, attempt, ep.name(), outcome(status), status, headersMs, ms(sent)));
        try {
            if (method.equals("HEAD")) {
                res.send();
            } else {
                res.send(bytes);
            }
        } catch (UncheckedIOException e) {
            LOG.log(Level.FINE, "client went away before the response was sent", e);
        }
        complete(status, ep, attempt, null);
    }

    /** SSE: each whole event is written and flushed the moment it arrives. */
    private void relayStream(HttpClientResponse up, Endpoint ep, int attempt, long sent, int status) {
        StreamRelay relay = new StreamRelay(up, res, watchdog, settings.streamIdleTimeoutMs(), t0);
        StreamRelay.Result r = relay.run();
        firstTokenMs = relay.firstTokenMs();
        switch (r) {
            case COMPLETED -> {
                emit(new ProxyEvent.AttemptFinished(id, attempt, ep.name(), outcome(status), status, headersMs, ms(sent)));
                complete(status, ep, attempt, null);
            }
            case CLIENT_CLOSED -> {
                emit(new ProxyEvent.AttemptFinished(id, attempt, ep.name(), "client_closed", status, headersMs, ms(sent)));
                complete(499, ep, attempt, "client closed the connection");
            }
            case UPSTREAM_FAILED, UPSTREAM_IDLE -> {
                String what = r == StreamRelay.Result.UPSTREAM_IDLE
                        ? "sent nothing for " + settings.streamIdleTimeoutMs() + " ms (setting streamIdleTimeoutMs)"
                        : "closed the stream before it ended";
                emit(new ProxyEvent.AttemptFinished(id, attempt, ep.name(), "stream_error", status, headersMs, ms(sent)));
                complete(status, ep, attempt, "upstream '" + ep.name() + "' " + what);
            }
        }
    }

    private byte[] readBody() {
        long limit = settings.maxRequestBytes();
        if (req.headers().contentLength().orElse(0) > limit) {
            throw new TooLarge();
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) {
                throw new TooLarge();
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String sessionKey() {
        return req.headers().first(HeaderNames.create("x-claude-code-session-id")).orElse(null);
    }

    private void fail(ApiError error, Endpoint ep, int attempts) {
        if (ep != null) {
            res.header("x-code-proxy-endpoint", ep.name());
            res.header("x-code-proxy-attempts", String.valueOf(attempts));
        }
        try {
            ProxyErrors.send(res, error);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not send error to client", e);
        }
        complete(error.status(), ep, attempts, error.message());
    }

    private void complete(int status, Endpoint ep, int attempts, String error) {
        emit(new ProxyEvent.RequestCompleted(id, status, ep == null ? null : ep.name(), attempts, headersMs,
                firstTokenMs, ms(t0), null, error));
    }

    private void emit(ProxyEvent e) {
        try {
            listener.onEvent(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "event listener failed", ex);
        }
    }

    private static String outcome(int status) {
        return status >= 200 && status < 300 ? "ok" : "http_" + status;
    }

    private static long ms(long fromNanos) {
        return (System.nanoTime() - fromNanos) / 1_000_000L;
    }

    /** How an upstream call failed, as the client and the log see it. */
    private record Failure(String outcome, boolean timeout, String detail) {
        ApiError error(Endpoint ep) {
            return timeout
                    ? ApiError.gatewayTimeout("upstream '" + ep.name() + "' did not respond in time: " + detail)
                    : ApiError.badGateway("upstream '" + ep.name() + "' is unreachable: " + detail);
        }
    }

    static Failure classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return new Failure("timeout", true, "no response within the timeout");
            }
            if (t instanceof ConnectException) {
                return new Failure("connect_error", false, "connection refused");
            }
            if (t instanceof UnknownHostException) {
                return new Failure("connect_error", false, "unknown host " + t.getMessage());
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return new Failure("connect_error", false, "TLS failure (" + t.getMessage() + ")");
            }
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (m.toLowerCase(Locale.ROOT).contains("timeout") || m.toLowerCase(Locale.ROOT).contains("timed out")) {
            return new Failure("timeout", true, "no response within the timeout");
        }
        return new Failure("connect_error", false, "connection failed (" + m + ")");
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }
}
