package dev.codeproxy.core.event;

import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.BodySpans;

import java.util.List;
import java.util.Map;

/**
 * Everything the request log keeps about one client request, handed over once when it ends.
 * Headers are already redacted by the proxy (credentials never leave it); bodies are capped at
 * the {@code maxBodyBytes} setting and null when the capture mode keeps none.
 *
 * @param status          status sent to the client (499: the client went away)
 * @param endpoint        endpoint that served (or last tried), null when none
 * @param headersMs       time from arrival to response headers sent, -1 when none
 * @param firstTokenMs    time from arrival to the first content delta, -1 when none
 * @param failedOver      true when an endpoint other than the first tried served
 * @param error           short error summary, null on success
 * @param route           the route that applied: a rule's {@code match}, or {@code default}; null
 *                        when the request ended before it was classified
 * @param sessionId       Claude Code session key (see {@link dev.codeproxy.core.session.SessionKeys}), null when none
 * @param project         working directory of Claude Code's environment block, null when none or not looked
 *                        for yet (the proxy leaves it to the request log when {@code requestBody} is whole)
 * @param requestSpans    where the request log's parts lie in {@code requestBody}, as the proxy's one scan of
 *                        the body found them (so the log does not walk it again); null when not known. Only
 *                        for that very array ({@link BodySpans#describes}): a capped copy has none
 */
public record RequestRecord(long id,
                            long startedAtEpochMs,
                            String method,
                            String path,
                            String query,
                            String model,
                            String sentModel,
                            boolean stream,
                            int status,
                            String endpoint,
                            int attempts,
                            boolean failedOver,
                            long headersMs,
                            long firstTokenMs,
                            long totalMs,
                            Usage usage,
                            String error,
                            List<AttemptRecord> attemptList,
                            Map<String, List<String>> requestHeaders,
                            Map<String, List<String>> sentHeaders,
                            Map<String, List<String>> responseHeaders,
                            byte[] requestBody,
                            boolean requestBodyTruncated,
                            byte[] responseBody,
                            boolean responseBodyTruncated,
                            String route,
                            String sessionId,
                            String project,
                            BodySpans requestSpans) {

    /**
     * The same record without headers and bodies: for listeners that queue records but need
     * only the summary (a queued record would otherwise keep a 50-500 KB request body alive).
     */
    public RequestRecord withoutPayload() {
        if ((requestHeaders == null || requestHeaders.isEmpty()) && (sentHeaders == null || sentHeaders.isEmpty())
                && (responseHeaders == null || responseHeaders.isEmpty()) && requestBody == null && responseBody == null) {
            return this;
        }
        return new RequestRecord(id, startedAtEpochMs, method, path, query, model, sentModel, stream, status, endpoint,
                attempts, failedOver, headersMs, firstTokenMs, totalMs, usage, error, attemptList, Map.of(), Map.of(),
                Map.of(), null, requestBodyTruncated, null, responseBodyTruncated, route, sessionId, project, null);
    }

    /**
     * The same record without its bodies, each flagged truncated when there was one: what the request
     * log keeps of a record when too many bodies are queued (headers, route and session stay).
     */
    public RequestRecord withoutBodies() {
        return new RequestRecord(id, startedAtEpochMs, method, path, query, model, sentModel, stream, status, endpoint,
                attempts, failedOver, headersMs, firstTokenMs, totalMs, usage, error, attemptList, requestHeaders,
                sentHeaders, responseHeaders, null, requestBody != null, null, responseBody != null, route, sessionId,
                project, null);
    }

    /**
     * How aggregates count a request: {@code success}, {@code failed_over} (succeeded on a later
     * endpoint), {@code client_error} (4xx that the request caused, or the client left) or
     * {@code upstream_error} (5xx, 429, 401/403 from every endpoint, or a stream that broke).
     */
    public String outcomeClass() {
        if (status >= 200 && status < 400) {
            return error != null ? "upstream_error" : failedOver ? "failed_over" : "success";
        }
        boolean upstreamSide = status == 401 || status == 403 || status == 429;
        return status == 499 || (status >= 400 && status < 500 && !upstreamSide) ? "client_error" : "upstream_error";
    }
}
