package dev.codeproxy.core.event;

/**
 * What the data plane tells the request log and the live dashboard. Emitted on the request's
 * thread; listeners must never block (queue and return).
 */
public sealed interface ProxyEvent permits ProxyEvent.RequestStarted, ProxyEvent.AttemptFinished,
        ProxyEvent.RequestCommitted, ProxyEvent.RequestCompleted, ProxyEvent.EndpointStateChanged {

    /** A client request arrived and its body was read. */
    record RequestStarted(long requestId, long startedAtEpochMs, String method, String path, String model,
                          boolean stream) implements ProxyEvent {
    }

    /**
     * One try of one endpoint finished.
     *
     * @param outcome   {@code ok}, {@code connect_error}, {@code timeout}, {@code http_<status>},
     *                  {@code bad_stream}, {@code bad_json}, {@code stream_error} (after commit),
     *                  {@code client_closed}
     * @param status    upstream HTTP status, 0 when none arrived
     * @param headersMs time from sending to response headers, -1 when none arrived
     * @param willRetry what follows: {@code same} (retry this endpoint), {@code next} (fail over), {@code none}
     */
    record AttemptFinished(long requestId, int attempt, String endpoint, String sentModel, String outcome, int status,
                           long headersMs, long durationMs, String willRetry) implements ProxyEvent {
    }

    /** A response was committed to an endpoint: headers are going to the client. */
    record RequestCommitted(long requestId, String endpoint, int status, int attempts) implements ProxyEvent {
    }

    /** The client request ended (response fully sent, or given up), with everything the log keeps. */
    record RequestCompleted(RequestRecord record) implements ProxyEvent {
        public long requestId() {
            return record.id();
        }
    }

    /**
     * An endpoint's breaker changed state.
     *
     * @param state        {@code closed}, {@code open}, {@code half_open}, {@code cooldown}, {@code auth_failed}
     * @param untilEpochMs when an open / cooldown / auth-failed endpoint may be tried again, 0 when closed
     */
    record EndpointStateChanged(long endpointId, String endpoint, String state, long untilEpochMs) implements ProxyEvent {
    }
}
