package dev.codeproxy.core.event;

/**
 * How one try of one endpoint ended. The events and the log carry the wire form
 * ({@link #wire(int)}), which is what dashboards and stored rows have always used.
 */
public enum AttemptOutcome {
    /** A usable response was delivered (or relayed to its end). */
    OK("ok"),
    /** No connection, or it broke before response headers. */
    CONNECT_ERROR("connect_error"),
    /** No response headers in time (endpoint headersTimeoutMs / timeoutMs, or the request deadline). */
    TIMEOUT("timeout"),
    /** An HTTP status that ends or fails the attempt; the wire form is {@code http_<status>}. */
    HTTP_STATUS("http_"),
    /** A 2xx stream that failed before its commit point (error event, cut, empty, too large). */
    BAD_STREAM("bad_stream"),
    /** A 2xx non-streaming body that is empty, not JSON or too large. */
    BAD_JSON("bad_json"),
    /** The stream broke after its commit point (cut, idle, error event). */
    STREAM_ERROR("stream_error"),
    /** The client went away (before or after the commit point). */
    CLIENT_CLOSED("client_closed");

    private final String wire;

    AttemptOutcome(String wire) {
        this.wire = wire;
    }

    /** The string events and log rows carry; {@code status} matters only for {@link #HTTP_STATUS}. */
    public String wire(int status) {
        return this == HTTP_STATUS ? wire + status : wire;
    }
}
