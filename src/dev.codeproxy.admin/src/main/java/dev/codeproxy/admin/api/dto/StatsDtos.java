package dev.codeproxy.admin.api.dto;

import java.util.List;

/** {@code /_/api/stats/...}. */
public final class StatsDtos {
    private StatsDtos() {
    }

    /** @param start first moment of the hour or day (epoch ms) */
    public record Point(long start, long requests, long errors, long failedOver, Shared.Tokens tokens,
                        long costMicros) {
    }

    /** @param by {@code hour} or {@code day} */
    public record Series(String range, String by, List<Point> points) {
    }

    public record ModelRow(String model, String sentModel, long requests, long errors, long failedOver,
                           Shared.Tokens tokens, long costMicros, long unpriced) {
    }

    public record Models(String range, List<ModelRow> models) {
    }

    /** Latency in ms; every value -1 when {@code count} is 0. */
    public record Latency(long count, long mean, long p50, long p95, long p99, long max) {
    }

    /**
     * @param state current breaker state (see {@link Shared.EndpointState}); {@code unknown} for a name no longer configured
     */
    public record EndpointRow(String endpoint, long requests, long success, long failedOver, long clientErrors,
                              long upstreamErrors, double errorRate, long attempts, long attemptFailures,
                              double attemptFailureRate, Latency total, Latency firstToken, String state, Long until) {
    }

    public record Endpoints(String range, List<EndpointRow> endpoints) {
    }

    /** @param tokens every kind of token of the day */
    public record Day(String day, long tokens, long requests, long costMicros) {
    }

    public record Heatmap(String from, String to, List<Day> days) {
    }

    /** Requests, tokens and cost of one route ({@code default} or a rule's match). */
    public record RouteRow(String route, long requests, long errors, Shared.Tokens tokens, long costMicros,
                           long unpriced) {
    }

    /** {@code /_/api/stats/routes}. */
    public record Routes(String range, List<RouteRow> routes) {
    }

    /** @param years the years with at least one request, newest first */
    public record Years(List<Integer> years) {
    }
}
