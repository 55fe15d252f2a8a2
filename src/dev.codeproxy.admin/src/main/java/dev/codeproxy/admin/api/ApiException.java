package dev.codeproxy.admin.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API refuses, with its status and, for validation, one message per field. Messages
 * name the field and what is accepted; they never contain a key or token.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final Map<String, String> fields;
    private final Object body;

    public ApiException(int status, String message, Map<String, String> fields) {
        this(status, message, fields, null);
    }

    /** @param body the response body when it is more than {@code {error, fields}} (null: just those) */
    public ApiException(int status, String message, Map<String, String> fields, Object body) {
        super(message, null, false, false);
        this.status = status;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        this.body = body;
    }

    public Object body() {
        return body;
    }

    public static ApiException invalid(String message, Map<String, String> fields) {
        return new ApiException(400, message, fields);
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(400, field + ": " + message, Map.of(field, message));
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message, Map.of());
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, Map.of());
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message, Map.of());
    }

    public int status() {
        return status;
    }

    public Map<String, String> fields() {
        return fields;
    }
}
