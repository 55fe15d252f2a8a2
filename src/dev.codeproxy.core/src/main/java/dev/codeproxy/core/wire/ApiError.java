package dev.codeproxy.core.wire;

/**
 * The Anthropic error envelope, used for the proxy's own errors so every client understands them:
 * {@code {"type":"error","error":{"type":T,"message":M}}}.
 */
public record ApiError(int status, String type, String message) {

    static ApiError invalidRequest(String m) {
        return new ApiError(400, "invalid_request_error", m);
    }

    public static ApiError authentication(String m) {
        return new ApiError(401, "authentication_error", m);
    }

    public static ApiError permission(String m) {
        return new ApiError(403, "permission_error", m);
    }

    public static ApiError notFound(String m) {
        return new ApiError(404, "not_found_error", m);
    }

    public static ApiError tooLarge(String m) {
        return new ApiError(413, "request_too_large", m);
    }

    public static ApiError badGateway(String m) {
        return new ApiError(502, "api_error", m);
    }

    public static ApiError unavailable(String m) {
        return new ApiError(503, "overloaded_error", m);
    }

    public static ApiError gatewayTimeout(String m) {
        return new ApiError(504, "api_error", m);
    }

    /** The JSON body. */
    public String json() {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + Json.escape(type) + "\",\"message\":\""
                + Json.escape(message) + "\"}}";
    }

    /** The same envelope as one SSE {@code error} event. */
    public String sseEvent() {
        return "event: error\ndata: " + json() + "\n\n";
    }
}
