package dev.codeproxy.core.routing;

/** How one upstream attempt failed; {@link RetryDecision} says what follows from each. */
public enum FailureClass {
    /** Connect refused, reset before a response, DNS or TLS error. */
    CONNECT,
    /** No response headers within the endpoint's timeout. */
    TIMEOUT,
    /** 429. */
    RATE_LIMITED,
    /** 500, 502, 503, 504, 529. */
    SERVER,
    /** 401, 403. */
    AUTH,
    /** Any other 4xx: the request itself is wrong, every endpoint would say so. */
    CLIENT,
    /** A 2xx stream that ended, errored or sent {@code event: error} before its first content block. */
    BAD_STREAM,
    /** A 2xx JSON response that is empty or not JSON. */
    BAD_JSON;

    /** The class of an HTTP status that is not a success, or null for 1xx-3xx. */
    public static FailureClass ofStatus(int status) {
        return switch (status) {
            case 429 -> RATE_LIMITED;
            case 500, 502, 503, 504, 529 -> SERVER;
            case 401, 403 -> AUTH;
            default -> status >= 400 && status < 500 ? CLIENT : status >= 500 ? SERVER : null;
        };
    }
}
