package dev.codeproxy.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as received by {@link FakeUpstream}, immutable.
 *
 * <p>Header names are lower-cased; header values are decoded as ISO-8859-1 (one char per byte,
 * so the raw bytes can be recovered). The body is the de-chunked payload exactly as sent
 * (no content decoding).
 */
public final class RecordedRequest {
    private final String method;
    private final String target;
    private final String version;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final boolean chunked;
    private final int connectionId;
    private final int sequenceOnConnection;

    RecordedRequest(String method, String target, String version, Map<String, List<String>> headers,
                    byte[] body, boolean chunked, int connectionId, int sequenceOnConnection) {
        this.method = method;
        this.target = target;
        this.version = version;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.headers = Collections.unmodifiableMap(copy);
        this.body = body.clone();
        this.chunked = chunked;
        this.connectionId = connectionId;
        this.sequenceOnConnection = sequenceOnConnection;
    }

    /** The request method, e.g. {@code POST}. */
    public String method() {
        return method;
    }

    /** The request target exactly as received: path plus {@code ?query} if any. */
    public String target() {
        return target;
    }

    /** The path part of {@link #target()} (before {@code ?}). */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The raw query after {@code ?} (without it), or {@code null} when the target has no {@code ?}. */
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? null : target.substring(q + 1);
    }

    /** The protocol version from the request line, e.g. {@code HTTP/1.1}. */
    public String version() {
        return version;
    }

    /** The first value of the named header (case-insensitive), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** All values of the named header (case-insensitive), in order; empty if absent. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** All headers with lower-case names, in the order first seen; values in order of appearance. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The request body (de-chunked, not content-decoded); a fresh copy. Empty when there was none. */
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the body arrived with {@code transfer-encoding: chunked}. */
    public boolean chunked() {
        return chunked;
    }

    /** 1-based ordinal of the TCP connection that carried this request (in accept order). */
    public int connectionId() {
        return connectionId;
    }

    /** 1-based position of this request on its connection (2 = second request on a kept-alive connection). */
    public int sequenceOnConnection() {
        return sequenceOnConnection;
    }

    @Override
    public String toString() {
        return method + " " + target + " (conn " + connectionId + "#" + sequenceOnConnection + ", "
                + body.length + " body bytes)";
    }

    static Map<String, List<String>> newHeaderMap() {
        return new LinkedHashMap<>();
    }

    static void addHeader(Map<String, List<String>> map, String name, String value) {
        map.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
    }
}
