package dev.codeproxy.admin.api.dto;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /_/api/endpoints}. Keys are never returned: {@code apiKey} is masked (first 7 and last 4 characters). */
public final class EndpointDtos {
    private EndpointDtos() {
    }

    /** The model mapping, named as in the import/export file. */
    public record Models(@JsonbProperty("default") String defaultModel, String smallFast, String haiku, String sonnet,
                         String opus) {
    }

    /**
     * Recent traffic of one endpoint.
     *
     * @param errorRate (client + upstream errors) / requests, 0 when none
     * @param p50Ms     median total time of served requests, null when none
     */
    public record Recent(long requests, double errorRate, Long p50Ms, Long p95Ms) {
        public static final Recent NONE = new Recent(0, 0, null, null);
    }

    /**
     * One endpoint with its live state.
     *
     * @param apiKey     masked key (empty when none is stored)
     * @param authHeader {@code x-api-key} or {@code bearer}
     * @param headersTimeoutMs longest wait for response headers before failing over
     * @param lastHour   the last 60 minutes
     * @param today      since local midnight
     * @param compat     dropBetas, allowBetas, dropFields, allowFields as configured
     * @param learned    betas and fields this endpoint refused by name since the proxy started (left out since)
     */
    public record View(long id, String name, String note, boolean enabled, int priority, int weight, String baseUrl,
                       String apiKey, boolean hasKey, String authHeader, long timeoutMs, Models models,
                       boolean disableNonessentialTraffic, Shared.EndpointState state, Recent lastHour, Recent today,
                       long headersTimeoutMs, Map<String, List<String>> compat,
                       Map<String, Set<String>> learned) {
    }

    public record ListView(List<View> endpoints) {
    }

    /**
     * What a test request through an endpoint found.
     *
     * @param method    {@code count_tokens}, or {@code messages} when the upstream has no count_tokens
     * @param status    upstream HTTP status, 0 when none arrived
     * @param latencyMs time until the whole response arrived
     * @param error     the upstream's error message (or the connection problem), null when ok
     */
    public record TestResult(boolean ok, String method, int status, long latencyMs, String model, String error) {
    }
}
