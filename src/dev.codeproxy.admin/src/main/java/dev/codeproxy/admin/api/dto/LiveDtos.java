package dev.codeproxy.admin.api.dto;

import java.util.List;

/**
 * Messages of the live channel {@code /_/ws}: JSON objects with a {@code type}. After
 * {@code resync} the client has missed events (it was too slow) and a fresh {@code snapshot} follows.
 */
public final class LiveDtos {
    private LiveDtos() {
    }

    /**
     * A request being served.
     *
     * @param state {@code waiting} (no response yet), {@code retrying} (an attempt failed), {@code streaming}
     *              (committed: response headers sent to the client, the body is flowing)
     */
    public record InFlight(long id, long startedAt, String method, String path, String model, boolean stream,
                           String state, String endpoint, int attempts) {
    }

    public record Snapshot(String type, long serverTime, List<InFlight> inFlight, List<Shared.EndpointState> endpoints,
                           Shared.SummaryView today) {
    }

    public record Started(String type, long id, long startedAt, String method, String path, String model,
                          boolean stream) {
    }

    /** @param willRetry {@code same} (retry this endpoint), {@code next} (fail over) or {@code none} */
    public record AttemptFailed(String type, long id, int attempt, String endpoint, String sentModel, String outcome,
                                int status, long headersMs, long durationMs, String willRetry) {
    }

    public record FailedOver(String type, long id, String from, int attempt) {
    }

    public record Committed(String type, long id, String endpoint, int status, int attempts) {
    }

    /**
     * A request finished: {@code entry} is the row the log list shows for it ({@code /_/api/logs}), the
     * same record, so that a live row and a fetched one are alike.
     */
    public record Completed(String type, LogDtos.Entry entry) {
    }

    public record EndpointChanged(String type, long id, String name, String state, Long until) {
    }

    public record Endpoints(String type, List<Shared.EndpointState> endpoints) {
    }

    public record Stats(String type, long serverTime, int inFlight, Shared.SummaryView today) {
    }

    public record Resync(String type) {
    }
}
