package dev.codeproxy.admin.metrics;

import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.store.stats.Histogram;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /observe/metrics}: the Prometheus text exposition format (0.0.4), written here rather
 * than through Helidon's metrics observer, whose Micrometer jars are automatic modules that jlink
 * cannot link. Durations are in seconds, with the request log's fixed histogram buckets.
 */
public final class MetricsService implements HttpService {
    public static final String PATH = "/observe/metrics";
    private static final String[] STATES = {"healthy", "open", "cooldown", "half_open", "auth_failed", "disabled"};

    /** Live values read at scrape time. */
    public record Gauges(LongSupplier inFlight, LongSupplier liveClients, LongSupplier liveDropped,
                         LongSupplier logQueueDepth, LongSupplier logDropped, LongSupplier logWritten,
                         Supplier<List<Shared.EndpointState>> endpoints) {
    }

    private final Metrics metrics;
    private final Gauges gauges;

    public MetricsService(Metrics metrics, Gauges gauges) {
        this.metrics = metrics;
        this.gauges = gauges;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(PATH, this::scrape);
    }

    private void scrape(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(text().getBytes(StandardCharsets.UTF_8));
    }

    /** The whole exposition. */
    public String text() {
        StringBuilder b = new StringBuilder(4096);
        Metrics m = metrics;
        head(b, "codeproxy_requests_total", "counter", "Client requests finished, by outcome.");
        new TreeMap<>(m.requests).forEach((o, v) -> line(b, "codeproxy_requests_total", Map.of("outcome", o), v.sum()));
        head(b, "codeproxy_attempts_total", "counter", "Tries of an endpoint, by endpoint and outcome (ok, http_529, timeout, ...).");
        new TreeMap<>(m.attempts).forEach((k, v) -> {
            int cut = k.indexOf('\0');
            line(b, "codeproxy_attempts_total", ordered("endpoint", k.substring(0, cut), "outcome", k.substring(cut + 1)),
                    v.sum());
        });
        head(b, "codeproxy_failovers_total", "counter", "Times a request moved on to another endpoint.");
        line(b, "codeproxy_failovers_total", Map.of(), m.failovers.sum());
        head(b, "codeproxy_tokens_total", "counter", "Tokens of finished requests, by kind (input excludes cached tokens).");
        for (int i = 0; i < Metrics.TOKEN_KINDS.length; i++) {
            line(b, "codeproxy_tokens_total", Map.of("kind", Metrics.TOKEN_KINDS[i]), m.tokens[i].sum());
        }
        head(b, "codeproxy_cost_usd_total", "counter", "Cost of finished requests in USD (bundled prices plus overrides).");
        b.append("codeproxy_cost_usd_total ").append(usd(m.costMicros.sum())).append('\n');
        head(b, "codeproxy_unpriced_requests_total", "counter", "Requests with tokens whose model has no price.");
        line(b, "codeproxy_unpriced_requests_total", Map.of(), m.unpriced.sum());
        histogram(b, "codeproxy_request_duration_seconds", "Time from arrival to the end of the response, served requests.",
                m.total);
        histogram(b, "codeproxy_first_token_seconds", "Time from arrival to the first content delta, served requests.",
                m.firstToken);
        head(b, "codeproxy_endpoint_state", "gauge", "1 for each endpoint's current state (breaker or disabled).");
        for (Shared.EndpointState e : gauges.endpoints().get()) {
            for (String s : STATES) {
                line(b, "codeproxy_endpoint_state", ordered("endpoint", e.name(), "state", s), s.equals(e.state()) ? 1 : 0);
            }
        }
        head(b, "codeproxy_in_flight_requests", "gauge", "Requests being proxied now (streams included).");
        line(b, "codeproxy_in_flight_requests", Map.of(), gauges.inFlight().getAsLong());
        head(b, "codeproxy_log_queue_depth", "gauge", "Finished requests waiting to be written to the request log.");
        line(b, "codeproxy_log_queue_depth", Map.of(), gauges.logQueueDepth().getAsLong());
        head(b, "codeproxy_log_dropped_total", "counter", "Requests never written to the log (queue full or database error).");
        line(b, "codeproxy_log_dropped_total", Map.of(), gauges.logDropped().getAsLong());
        head(b, "codeproxy_log_written_total", "counter", "Requests written to the log.");
        line(b, "codeproxy_log_written_total", Map.of(), gauges.logWritten().getAsLong());
        head(b, "codeproxy_live_clients", "gauge", "Dashboards connected to the live channel.");
        line(b, "codeproxy_live_clients", Map.of(), gauges.liveClients().getAsLong());
        head(b, "codeproxy_live_dropped_messages_total", "counter", "Live messages dropped for clients that read too slowly.");
        line(b, "codeproxy_live_dropped_messages_total", Map.of(), gauges.liveDropped().getAsLong());
        return b.toString();
    }

    private static void histogram(StringBuilder b, String name, String help, Metrics.Buckets h) {
        head(b, name, "histogram", help);
        long cumulative = 0;
        for (int i = 0; i < Histogram.BUCKETS; i++) {
            cumulative += h.counts[i].sum();
            String le = i < Histogram.BOUNDS.length ? seconds(Histogram.BOUNDS[i]) : "+Inf";
            b.append(name).append("_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
        }
        b.append(name).append("_sum ").append(seconds(h.sumMs.sum())).append('\n');
        b.append(name).append("_count ").append(h.count.sum()).append('\n');
    }

    private static void head(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder b, String name, Map<String, String> labels, long value) {
        b.append(name);
        if (!labels.isEmpty()) {
            b.append('{');
            boolean first = true;
            for (var e : labels.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                b.append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
            }
            b.append('}');
        }
        b.append(' ').append(value).append('\n');
    }

    private static Map<String, String> ordered(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String usd(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }
}
