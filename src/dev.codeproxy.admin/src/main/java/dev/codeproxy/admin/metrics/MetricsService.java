package dev.codeproxy.admin.metrics;

import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.store.stats.Histogram;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /observe/metrics}: the Prometheus text exposition format (0.0.4), written here rather
 * than through Helidon's metrics observer, whose Micrometer jars are automatic modules that jlink
 * cannot link. Durations are in seconds, with the request log's fixed histogram buckets. Every
 * family is listed in the README ("Metrics"); process_* and jvm_* follow the Prometheus client
 * libraries' names.
 */
public final class MetricsService implements HttpService {
    public static final String PATH = "/observe/metrics";
    private static final String[] STATES = {"healthy", "open", "cooldown", "half_open", "auth_failed", "disabled"};

    /** Live values read at scrape time. */
    public record Gauges(LongSupplier inFlight, LongSupplier inFlightLimit, LongSupplier liveClients, LongSupplier liveDropped,
                         LongSupplier logQueueDepth, LongSupplier logDropped, LongSupplier logWritten,
                         Supplier<List<Shared.EndpointState>> endpoints, LongSupplier logFailing) {
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
        StringBuilder b = new StringBuilder(8192);
        Metrics m = metrics;
        head(b, "code_proxy_requests_total", "counter", "Proxied client requests finished, by endpoint, model, "
                + "status and outcome (success, failed_over, client_error, upstream_error).");
        labeled(b, "code_proxy_requests_total", m.requests, "endpoint", "model", "status", "outcome");
        head(b, "code_proxy_http_responses_total", "counter", "Every response of the listener by route (proxy, admin, "
                + "login, live, observe, ui, other) and status, including requests the proxy refuses itself.");
        labeled(b, "code_proxy_http_responses_total", m.responses().counts, "route", "status");
        head(b, "code_proxy_attempts_total", "counter", "Tries of an endpoint, by endpoint and outcome (ok, http_529, "
                + "timeout, ...).");
        labeled(b, "code_proxy_attempts_total", m.attempts, "endpoint", "outcome");
        head(b, "code_proxy_failovers_total", "counter", "Times a request moved on to another endpoint.");
        line(b, "code_proxy_failovers_total", Map.of(), m.failovers.sum());
        head(b, "code_proxy_tokens_total", "counter", "Tokens of finished requests, by endpoint, model and kind "
                + "(input excludes cached tokens).");
        labeled(b, "code_proxy_tokens_total", m.tokens, "endpoint", "model", "kind");
        head(b, "code_proxy_cost_usd_total", "counter", "Cost of finished requests in USD (bundled prices plus "
                + "overrides), by endpoint and model.");
        new TreeMap<>(m.costMicros).forEach((k, v) -> {
            String[] p = Metrics.Key.split(k);
            b.append("code_proxy_cost_usd_total");
            labels(b, ordered("endpoint", p[0], "model", p[1]));
            b.append(' ').append(usd(v.sum())).append('\n');
        });
        head(b, "code_proxy_unpriced_requests_total", "counter", "Requests with tokens whose model has no price.");
        line(b, "code_proxy_unpriced_requests_total", Map.of(), m.unpriced.sum());
        histograms(b, "code_proxy_request_duration_seconds", "Time from arrival to the end of the response, served "
                + "requests, by endpoint and model.", m.total);
        histograms(b, "code_proxy_first_token_seconds", "Time from arrival to the first content delta, served "
                + "requests, by endpoint and model.", m.firstToken);
        head(b, "code_proxy_endpoint_state", "gauge", "1 for each endpoint's current state (breaker or disabled).");
        for (Shared.EndpointState e : gauges.endpoints().get()) {
            for (String s : STATES) {
                line(b, "code_proxy_endpoint_state", ordered("endpoint", e.name(), "state", s), s.equals(e.state()) ? 1 : 0);
            }
        }
        head(b, "code_proxy_in_flight_requests", "gauge", "Requests being proxied now (streams included).");
        line(b, "code_proxy_in_flight_requests", Map.of(), gauges.inFlight().getAsLong());
        head(b, "code_proxy_in_flight_limit", "gauge", "Requests served at once at most (one per 128 KiB of heap by "
                + "default); past it requests get 503 with retry-after.");
        line(b, "code_proxy_in_flight_limit", Map.of(), gauges.inFlightLimit().getAsLong());
        head(b, "code_proxy_log_queue_depth", "gauge", "Finished requests waiting to be written to the request log.");
        line(b, "code_proxy_log_queue_depth", Map.of(), gauges.logQueueDepth().getAsLong());
        head(b, "code_proxy_log_dropped_total", "counter", "Requests never written to the log (queue full or database error).");
        line(b, "code_proxy_log_dropped_total", Map.of(), gauges.logDropped().getAsLong());
        head(b, "code_proxy_log_failing", "gauge", "1 while the database refuses the log's writes (requests wait and are retried).");
        line(b, "code_proxy_log_failing", Map.of(), gauges.logFailing().getAsLong());
        head(b, "code_proxy_log_written_total", "counter", "Requests written to the log.");
        line(b, "code_proxy_log_written_total", Map.of(), gauges.logWritten().getAsLong());
        head(b, "code_proxy_live_clients", "gauge", "Dashboards connected to the live channel.");
        line(b, "code_proxy_live_clients", Map.of(), gauges.liveClients().getAsLong());
        head(b, "code_proxy_live_dropped_messages_total", "counter", "Live messages dropped for clients that read too slowly.");
        line(b, "code_proxy_live_dropped_messages_total", Map.of(), gauges.liveDropped().getAsLong());
        head(b, "code_proxy_build_info", "gauge", "Always 1; the labels say which build runs.");
        line(b, "code_proxy_build_info", ordered("version", m.version(), "java_version",
                System.getProperty("java.version", "unknown")), 1);
        ProcessMetrics.write(b);
        JvmMetrics.write(b);
        return b.toString();
    }

    private static void labeled(StringBuilder b, String name, Map<String, LongAdder> values,
                                String... labelNames) {
        new TreeMap<>(values).forEach((k, v) -> {
            String[] parts = Metrics.Key.split(k);
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < labelNames.length; i++) {
                labels.put(labelNames[i], i < parts.length ? parts[i] : "");
            }
            line(b, name, labels, v.sum());
        });
    }

    private static void histograms(StringBuilder b, String name, String help, Map<String, Metrics.Buckets> all) {
        head(b, name, "histogram", help);
        new TreeMap<>(all).forEach((k, h) -> {
            String[] p = Metrics.Key.split(k);
            String labels = "endpoint=\"" + escape(p[0]) + "\",model=\"" + escape(p[1]) + "\"";
            long cumulative = 0;
            for (int i = 0; i < Histogram.BUCKETS; i++) {
                cumulative += h.counts[i].sum();
                String le = i < Histogram.BOUNDS.length ? seconds(Histogram.BOUNDS[i]) : "+Inf";
                b.append(name).append("_bucket{").append(labels).append(",le=\"").append(le).append("\"} ")
                        .append(cumulative).append('\n');
            }
            b.append(name).append("_sum{").append(labels).append("} ").append(seconds(h.sumMs.sum())).append('\n');
            b.append(name).append("_count{").append(labels).append("} ").append(h.count.sum()).append('\n');
        });
    }

    static void head(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static void line(StringBuilder b, String name, Map<String, String> labels, long value) {
        b.append(name);
        labels(b, labels);
        b.append(' ').append(value).append('\n');
    }

    static void labels(StringBuilder b, Map<String, String> labels) {
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
    }

    static Map<String, String> ordered(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new LinkedHashMap<>();
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
        return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }
}
