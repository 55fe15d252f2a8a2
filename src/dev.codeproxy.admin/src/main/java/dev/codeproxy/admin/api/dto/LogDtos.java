package dev.codeproxy.admin.api.dto;

import java.util.List;
import java.util.Map;

/** {@code /_/api/logs}. */
public final class LogDtos {
    private LogDtos() {
    }

    /**
     * One finished request: a row of the log list, and the {@code entry} of the live channel's
     * {@code completed} message.
     *
     * @param query       the query string, secrets masked; null when none
     * @param outcome     {@code success}, {@code failed_over}, {@code client_error}, {@code upstream_error}
     * @param firstTokenMs time to the first content delta, -1 when there was none
     * @param costMicros  micro-USD; 0 with {@code priced} false when the model has no price
     * @param detailsKept headers and bodies are still stored (true in the live message: the request just ended)
     * @param route       the route the request took ({@code default} or a rule's match), null before routes
     */
    public record Entry(long id, long startedAt, String method, String path, String query, String model,
                        String sentModel, boolean stream, int status, String endpoint, int attempts, boolean failedOver,
                        String outcome, long headersMs, long firstTokenMs, long totalMs, Shared.Tokens tokens,
                        long costMicros, boolean priced, String error, boolean detailsKept, String route,
                        String instance) {
    }

    /** @param nextBefore pass as {@code before} for the next (older) page; null on the last page */
    public record Page(List<Entry> entries, Long nextBefore) {
    }

    public record Attempt(int attempt, String endpoint, String sentModel, String outcome, int status, long startedMs,
                          long headersMs, long durationMs) {
    }

    public record SseEvent(String event, String data) {
    }

    /**
     * A stream reassembled.
     *
     * @param text     the assistant's text (every {@code text_delta} joined)
     * @param thinking the thinking deltas joined (empty when none)
     * @param events   every event as received
     */
    public record Sse(String text, String thinking, List<SseEvent> events) {
    }

    /**
     * A captured body.
     *
     * @param kind      {@code json} (text pretty-printed), {@code sse}, {@code text}, {@code binary} or {@code none}
     * @param text      the body as text (JSON pretty-printed); null for none
     * @param size      captured bytes
     * @param truncated cut at the {@code maxBodyBytes} setting
     * @param sse       the reassembled stream when {@code kind} is {@code sse}
     * @param raw       for {@code json}: the body exactly as stored (what the client sent, secrets
     *                  masked), where {@code text} is pretty-printed; "copy as curl" sends it
     */
    public record Body(String kind, String text, int size, boolean truncated, Sse sse, String raw) {
        public static final Body NONE = new Body("none", null, 0, false, null, null);
    }

    public record Detail(Entry entry, List<Attempt> attempts, Map<String, List<String>> requestHeaders,
                         Map<String, List<String>> sentHeaders, Map<String, List<String>> responseHeaders,
                         Body requestBody, Body responseBody, Messages messages) {
    }

    /**
     * The request's messages against the previous request of the same Claude Code session.
     *
     * @param total      messages in the request
     * @param fresh      how many are new (sent for the first time)
     * @param newIndexes their positions in {@code messages}
     * @param previousId the request compared with; null when none (then every message is new)
     * @param changed    earlier messages whose bytes changed (a moved cache marker, a context edit)
     */
    public record Messages(int total, int fresh, List<Integer> newIndexes, Long previousId, int changed) {
    }
}
