package dev.codeproxy.core.event;

/**
 * What the data plane tells the request log and the live dashboard. Emitted on the request's
 * thread; listeners must never block (queue and return).
 */
public sealed interface ProxyEvent permits ProxyEvent.RequestStarted, ProxyEvent.AttemptFinished,
        ProxyEvent.RequestCompleted {

    /** The request id these events share. */
    long requestId();

    /** A client request arrived and its body was read. */
    record RequestStarted(long requestId, long startedAtEpochMs, String method, String path, String model,
                          boolean stream) implements ProxyEvent {
    }

    /**
     * One try of one endpoint finished.
     *
     * @param outcome  short machine word: {@code ok}, {@code connect_error}, {@code timeout}, {@code http_<status>},
     *                 {@code stream_error}, {@code client_closed}
     * @param status   upstream HTTP status, 0 when none arrived
     * @param headersMs time from sending to response headers, -1 when none arrived
     */
    record AttemptFinished(long requestId, int attempt, String endpoint, String outcome, int status, long headersMs,
                           long durationMs) implements ProxyEvent {
    }

    /** The client request ended (response fully sent, or given up). */
    record RequestCompleted(long requestId, int status, String endpoint, int attempts, long headersMs,
                            long firstTokenMs, long totalMs, String sentModel, String error) implements ProxyEvent {
    }
}
