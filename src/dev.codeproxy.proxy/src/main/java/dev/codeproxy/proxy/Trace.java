package dev.codeproxy.proxy;

import dev.codeproxy.core.event.AttemptOutcome;
import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.session.SessionKeys;
import dev.codeproxy.core.settings.CaptureMode;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.RequestBody;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What one client request leaves behind: it emits the request's events as they happen and
 * builds its {@link RequestRecord}, which it hands over exactly once ({@link #complete}), also
 * when the client went away or the exchange failed unexpectedly ({@link #completeIfOpen}). The
 * attempt loop in {@link Exchange} decides; this class only keeps the account.
 */
final class Trace {
    private static final Logger LOG = Logger.getLogger(Trace.class.getName());

    private final long id;
    private final ProxyListener listener;
    private final Settings settings;
    private final long t0 = System.nanoTime();
    private final long startedAtMs = System.currentTimeMillis();
    private final List<AttemptRecord> attempts = new ArrayList<>();
    private String method = "";
    private String path = "";
    private String query;
    private RequestBody info;
    private byte[] requestBody;
    private Headers requestHeaders;
    private List<String[]> sentHeaders = List.of();
    private Map<String, List<String>> responseHeaders = Map.of();
    private byte[] responseBody;
    private boolean responseTruncated;
    private Usage usage = Usage.NONE;
    private long headersMs = -1;
    private long firstTokenMs = -1;
    private String sentModel;
    private String firstEndpoint;
    private String lastEndpoint;
    private boolean completed;
    private String route;

    Trace(long id, ProxyListener listener, Settings settings) {
        this.id = id;
        this.listener = listener;
        this.settings = settings;
    }

    long id() {
        return id;
    }

    long startNanos() {
        return t0;
    }

    /** The request arrived and its body was read. */
    void started(String method, String path, String query, Headers headers, RequestBody info, byte[] body) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.requestHeaders = headers;
        this.info = info;
        this.requestBody = body;
        emit(new ProxyEvent.RequestStarted(id, startedAtMs, method, path, info.model(), info.stream()));
    }

    /** Only the request line is known (the body could not be read). */
    void arrived(String method, String path, String query, Headers headers) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.requestHeaders = headers;
    }

    /** The route the request took: a rule's {@code match}, or {@code default}. */
    void route(String name) {
        route = name;
    }

    /** An endpoint is about to be tried. */
    void trying(String endpoint) {
        if (firstEndpoint == null) {
            firstEndpoint = endpoint;
        }
        lastEndpoint = endpoint;
    }

    int attemptCount() {
        return attempts.size();
    }

    /** One attempt ended; {@code willRetry}: {@code same}, {@code next} or {@code none}. */
    void attempt(String endpoint, String model, AttemptOutcome outcome, int status, long sentNanos, long headersMs,
                 String willRetry) {
        String wire = outcome.wire(status);
        long durationMs = ms(sentNanos);
        attempts.add(new AttemptRecord(attempts.size() + 1, endpoint, model, wire, status, (sentNanos - t0) / 1_000_000L,
                headersMs, durationMs));
        emit(new ProxyEvent.AttemptFinished(id, attempts.size(), endpoint, model, wire, status, headersMs, durationMs,
                willRetry));
    }

    /** Headers go to the client now, from {@code endpoint} (null for the proxy's own answer). */
    void committed(String endpoint, int status, String model, Map<String, List<String>> upstreamHeaders) {
        headersMs = ms(t0);
        if (model != null) {
            sentModel = model;
        }
        responseHeaders = upstreamHeaders;
        if (endpoint != null) {
            emit(new ProxyEvent.RequestCommitted(id, endpoint, status, attempts.size() + 1));
        }
    }

    void sentHeaders(List<String[]> pairs) {
        sentHeaders = pairs;
    }

    void usage(Usage u) {
        usage = u == null ? Usage.NONE : u;
    }

    void firstTokenMs(long ms) {
        firstTokenMs = ms;
    }

    void sentModel(String model) {
        if (sentModel == null) {
            sentModel = model;
        }
    }

    /** A whole response body as the log may keep it (capped). */
    void responseBody(byte[] body) {
        if (settings.captureMode() != CaptureMode.NONE) {
            responseBody = Capture.cap(body, settings.maxBodyBytes());
            responseTruncated = body.length > settings.maxBodyBytes();
        }
    }

    /** A relayed body captured on its way (already capped). */
    void responseBody(byte[] captured, boolean truncated) {
        responseBody = captured;
        responseTruncated = truncated;
    }

    boolean isCompleted() {
        return completed;
    }

    /**
     * The request ended: its record goes to the listeners. Once only; later calls are ignored.
     *
     * @param served the endpoint that served, else the last one tried (may be null)
     * @param error  short error summary, null on success
     */
    void complete(int status, String served, String error) {
        if (completed) {
            return;
        }
        completed = true;
        String endpoint = served != null ? served : lastEndpoint;
        boolean failure = error != null || status >= 400;
        CaptureMode mode = settings.captureMode();
        boolean keepBodies = mode == CaptureMode.ALL || (mode == CaptureMode.ERRORS && failure);
        byte[] reqBody = keepBodies && requestBody != null ? Capture.cap(requestBody, settings.maxBodyBytes()) : null;
        Map<String, List<String>> received = requestHeaders == null ? Map.of() : HeaderPolicy.redacted(requestHeaders);
        String session = sessionId();
        RequestRecord record = new RequestRecord(id, startedAtMs, method, path, query,
                info == null ? null : info.model(), sentModel, info != null && info.stream(), status, endpoint,
                attempts.size(),
                endpoint != null && firstEndpoint != null && !endpoint.equals(firstEndpoint) && !failure, headersMs,
                firstTokenMs, ms(t0), usage, error, List.copyOf(attempts), received,
                HeaderPolicy.redacted(sentHeaders), responseHeaders, reqBody,
                reqBody != null && requestBody.length > reqBody.length, keepBodies ? responseBody : null,
                keepBodies && responseTruncated, route, session, project(session, reqBody),
                // the scan's spans go with the very array scanned, not with a capped copy of it
                reqBody != null && reqBody == requestBody && info != null ? info.spans() : null);
        emit(new ProxyEvent.RequestCompleted(record));
    }

    /**
     * The session key, from the live headers (the stored copy redacts the session header by its
     * name) or the body's metadata.user_id.
     */
    private String sessionId() {
        String header = requestHeaders == null ? null
                : requestHeaders.first(HeaderNames.create("x-claude-code-session-id")).orElse(null);
        return SessionKeys.sessionId(header, info == null ? null : info.userId());
    }

    /**
     * The project of a session's request, found here only when the log will not get the whole
     * body (capture mode, the body cap): with the body in the record, the log's preparer thread
     * finds it off the request path (see the request log's LogRow). Null without a session.
     */
    private String project(String session, byte[] logged) {
        if (session == null || requestBody == null || logged != null && logged.length == requestBody.length) {
            return null;
        }
        // the scan's spans (when the body is a plain JSON object) say where the environment block can be
        return info == null ? null : SessionKeys.project(requestBody, info.spans());
    }

    /** The safety net: a request that ended without {@link #complete} still gets its record. */
    void completeIfOpen(int status, String error) {
        if (!completed) {
            complete(status, null, error);
        }
    }

    void emit(ProxyEvent e) {
        try {
            listener.onEvent(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "event listener failed", ex);
        }
    }

    long ms(long fromNanos) {
        return (System.nanoTime() - fromNanos) / 1_000_000L;
    }

    /** Upstream response headers as the log keeps them. */
    static Map<String, List<String>> logged(Iterable<? extends Header> headers) {
        return HeaderPolicy.redacted(headers);
    }
}
