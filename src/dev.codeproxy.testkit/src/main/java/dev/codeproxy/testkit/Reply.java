package dev.codeproxy.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A scripted answer of {@link FakeUpstream} to one request. Immutable: every wither returns a
 * new instance, so a {@code Reply} can be reused and enqueued several times.
 *
 * <p><b>Events.</b> For SSE replies each list element is one event, written as one HTTP chunk and
 * flushed. For JSON replies the whole body counts as a single "event" with index 0, so
 * {@link #cutAfterEvents(int) cutAfterEvents(0)} sends the status line and headers and then
 * resets the connection, and {@link #pauseBeforeEvent(int, CountDownLatch) pauseBeforeEvent(0, g)}
 * sends the headers and waits before the body.
 *
 * <p><b>Headers.</b> The fake adds default headers (content-type, content-length or
 * transfer-encoding, content-encoding, cache-control for SSE, {@code request-id}, and
 * {@code connection: close} when closing). A header set with {@link #header(String, String)}
 * replaces the default of the same name (case-insensitive); the framing actually used on the
 * wire is not affected, which allows lying headers (e.g. a too-large content-length).
 */
public final class Reply {

    enum Kind { JSON, SSE, HANG, RESET, RAW }

    Kind kind;
    int status;
    List<String[]> headers = List.of();
    Set<String> removedHeaders = Set.of();
    byte[] body = new byte[0];
    List<String> events = List.of();
    Duration delayBetweenEvents = Duration.ZERO;
    Duration firstByteDelay = Duration.ZERO;
    int cutAfterEvents = -1;
    long cutAfterBytes = -1;
    boolean gzip;
    Map<Integer, CountDownLatch> gates = Map.of();
    boolean closeConnectionAfter;
    boolean closeDelimited;

    private Reply(Kind kind, int status) {
        this.kind = kind;
        this.status = status;
    }

    private Reply copy() {
        Reply r = new Reply(kind, status);
        r.headers = headers;
        r.removedHeaders = removedHeaders;
        r.body = body;
        r.events = events;
        r.delayBetweenEvents = delayBetweenEvents;
        r.firstByteDelay = firstByteDelay;
        r.cutAfterEvents = cutAfterEvents;
        r.cutAfterBytes = cutAfterBytes;
        r.gzip = gzip;
        r.gates = gates;
        r.closeConnectionAfter = closeConnectionAfter;
        r.closeDelimited = closeDelimited;
        return r;
    }

    // ------------------------------------------------------------------ factories

    /** A JSON reply: {@code content-type: application/json} and {@code content-length}. */
    public static Reply json(int status, String body) {
        Reply r = new Reply(Kind.JSON, status);
        r.body = body.getBytes(StandardCharsets.UTF_8);
        return r;
    }

    /**
     * A JSON reply with the Anthropic error envelope
     * {@code {"type":"error","error":{"type":TYPE,"message":MESSAGE}}}.
     */
    public static Reply error(int status, String type, String message) {
        return json(status, errorEnvelope(type, message));
    }

    /**
     * A streaming reply: status 200, {@code content-type: text/event-stream},
     * {@code cache-control: no-cache}, chunked, one chunk per event (flushed after each).
     * Each element must already be a complete SSE event such as {@code "event: ping\ndata: {...}\n\n"};
     * see {@link SseFixtures}.
     */
    public static Reply sse(List<String> events) {
        Reply r = new Reply(Kind.SSE, 200);
        r.events = List.copyOf(events);
        return r;
    }

    /** SSE headers and then a properly terminated, empty stream (no events). */
    public static Reply empty200Stream() {
        return sse(List.of());
    }

    /**
     * Reads the request and never answers, until the upstream is closed or the peer goes away
     * (then {@link StreamOutcome#PEER_CLOSED} is reported).
     */
    public static Reply hang() {
        return new Reply(Kind.HANG, 0);
    }

    /** Reads the request, then aborts the connection with a TCP RST and no response ({@link StreamOutcome#CUT}). */
    public static Reply reset() {
        return new Reply(Kind.RESET, 0);
    }

    /**
     * Writes {@code wholeResponse} as-is (status line, headers and body are up to the caller),
     * then closes the connection gracefully (FIN), because the framing of arbitrary bytes is unknown.
     */
    public static Reply raw(byte[] wholeResponse) {
        Reply r = new Reply(Kind.RAW, 0);
        r.body = wholeResponse.clone();
        return r;
    }

    /** {@link #raw(byte[])} with the string encoded as ISO-8859-1 (one byte per char). */
    public static Reply raw(String wholeResponse) {
        return raw(wholeResponse.getBytes(StandardCharsets.ISO_8859_1));
    }

    // ------------------------------------------------------------------ withers

    /** Replaces the status code. */
    public Reply status(int status) {
        Reply r = copy();
        r.status = status;
        return r;
    }

    /**
     * Adds a response header (repeatable; several values of one name are sent as several lines).
     * Replaces the fake's default header of the same name, if any.
     */
    public Reply header(String name, String value) {
        Objects.requireNonNull(name);
        Objects.requireNonNull(value);
        Reply r = copy();
        List<String[]> h = new ArrayList<>(headers);
        h.add(new String[] {name, value});
        r.headers = Collections.unmodifiableList(h);
        return r;
    }

    /** Suppresses a default header the fake would add (e.g. {@code content-type} or {@code request-id}). */
    public Reply withoutHeader(String name) {
        Reply r = copy();
        Set<String> s = new LinkedHashSet<>(removedHeaders);
        s.add(name.toLowerCase(Locale.ROOT));
        r.removedHeaders = Collections.unmodifiableSet(s);
        return r;
    }

    /** Adds {@code retry-after: SECONDS}. */
    public Reply retryAfter(int seconds) {
        return header("retry-after", Integer.toString(seconds));
    }

    /** SSE: waits this long between two events (not before the first one). */
    public Reply delayBetweenEvents(Duration delay) {
        Reply r = copy();
        r.delayBetweenEvents = Objects.requireNonNull(delay);
        return r;
    }

    /** Waits this long after reading the request before sending anything (slow first byte). */
    public Reply firstByteDelay(Duration delay) {
        Reply r = copy();
        r.firstByteDelay = Objects.requireNonNull(delay);
        return r;
    }

    /**
     * After {@code n} events (0 = right after the headers) the connection is aborted abruptly:
     * {@code setSoLinger(true, 0)} then close, i.e. a TCP RST and no terminating chunk.
     * The cut happens where event {@code n} would have been written: after the
     * {@linkplain #delayBetweenEvents(Duration) delay} and the {@linkplain #pauseBeforeEvent(int, CountDownLatch)
     * gate} for index {@code n}, so a gate at {@code n} lets a test choose the moment of the cut.
     * With {@code n >= events.size()} all events are sent but the stream is never terminated.
     *
     * <p>Note: when the cut follows the headers within microseconds, {@code java.net.http.HttpClient}
     * may fail {@code send()} itself rather than the body stream; use a delay or a gate to
     * separate the two.
     */
    public Reply cutAfterEvents(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        Reply r = copy();
        r.cutAfterEvents = n;
        return r;
    }

    /**
     * Aborts the connection (RST) once {@code n} body bytes have been sent, possibly in the middle
     * of an event. Counts the body as it goes on the wire after content-encoding, excluding chunk
     * framing. For JSON the full content-length is still announced.
     */
    public Reply cutAfterBytes(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        Reply r = copy();
        r.cutAfterBytes = n;
        return r;
    }

    /**
     * Gzip-compresses the body and adds {@code content-encoding: gzip}. JSON: the whole body,
     * with the compressed content-length. SSE: one gzip stream, SYNC_FLUSHed after every event so
     * each chunk is decodable on arrival.
     */
    public Reply gzip() {
        Reply r = copy();
        r.gzip = true;
        return r;
    }

    /**
     * Before writing event {@code index}, waits until {@code gate} is opened (count reaches zero).
     * Everything before it has been flushed, so a test can prove the proxy does not buffer.
     * {@code index == events.size()} waits before the end of the stream. While waiting, the fake
     * notices if the peer goes away ({@link StreamOutcome#PEER_CLOSED}).
     */
    public Reply pauseBeforeEvent(int index, CountDownLatch gate) {
        Objects.requireNonNull(gate);
        Reply r = copy();
        Map<Integer, CountDownLatch> g = new HashMap<>(gates);
        g.put(index, gate);
        r.gates = Collections.unmodifiableMap(g);
        return r;
    }

    /** Sends {@code connection: close} and closes the connection (gracefully) after the reply. */
    public Reply closeConnectionAfter() {
        Reply r = copy();
        r.closeConnectionAfter = true;
        return r;
    }

    /**
     * Sends the body without content-length and without chunked encoding; the body ends when the
     * connection is closed (implies {@link #closeConnectionAfter()}).
     */
    public Reply closeDelimited() {
        Reply r = copy();
        r.closeDelimited = true;
        r.closeConnectionAfter = true;
        return r;
    }

    // ------------------------------------------------------------------ accessors

    /** The status code (0 for hang, reset and raw replies). */
    public int statusCode() {
        return status;
    }

    /** The SSE events of this reply (empty for non-SSE replies). */
    public List<String> events() {
        return events;
    }

    /** The JSON body of this reply decoded as UTF-8 (the raw bytes for {@link #raw(byte[])}). */
    public String bodyString() {
        return new String(body, kind == Kind.RAW ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Reply[" + kind + (status > 0 ? " " + status : "")
                + (kind == Kind.SSE ? ", " + events.size() + " events" : "")
                + (gzip ? ", gzip" : "")
                + (cutAfterEvents >= 0 ? ", cutAfterEvents=" + cutAfterEvents : "")
                + (cutAfterBytes >= 0 ? ", cutAfterBytes=" + cutAfterBytes : "")
                + "]";
    }

    static String errorEnvelope(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":" + Json.quote(type) + ",\"message\":"
                + Json.quote(message) + "}}";
    }
}
