package dev.codeproxy.admin.metrics;

import dev.codeproxy.admin.FinishedRequests;
import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.ModelPrice;
import dev.codeproxy.core.pricing.PriceOverride;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.usage.Usage;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Prometheus text of {@code /observe/metrics}: counters from proxy events, labels, escaping and bounds. */
class MetricsTest {
    private static final String SONNET = "claude-sonnet-4-5";
    /** Round prices, so costs can be read off: $3 per million input tokens, $15 per million output. */
    private static final PriceTable PRICES = PriceTable.bundled().withOverrides(List.of(
            new PriceOverride(SONNET, ModelPrice.of("3", "15", "3.75", "6", "0.3"))));
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\"\\\\n])*\",?)*})? "
                    + "(-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|\\+Inf|NaN)");

    private final Metrics metrics = new Metrics(() -> PRICES);
    private List<Shared.EndpointState> endpoints = List.of(
            new Shared.EndpointState(1, "primary", true, 1, "healthy", null),
            new Shared.EndpointState(2, "backup", true, 2, "cooldown", 1_764_000_000_000L));
    private final MetricsService service = new MetricsService(metrics, new MetricsService.Gauges(() -> 3, () -> 4096,
            () -> 2, () -> 7, () -> 4, () -> 1, () -> 99, () -> endpoints, () -> 0));

    private void completed(RequestRecord r) {
        metrics.onEvent(new ProxyEvent.RequestCompleted(r));
    }

    private static RequestRecord request(String endpoint, String model, int status, Usage usage, boolean failedOver,
                                         long totalMs, long firstTokenMs, String error) {
        return FinishedRequests.finished(1, "/v1/messages", endpoint, model, null, status, usage, failedOver, totalMs,
                firstTokenMs, error);
    }

    /** The value of one sample line, by its exact series (name and labels as printed), or null. */
    private static String value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return line.substring(series.length() + 1);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ counters and labels

    @Test
    void requestsAreCountedByEndpointModelStatusAndOutcome() {
        completed(request("primary", SONNET, 200, Usage.NONE, false, 900, 300, null));
        completed(request("primary", SONNET, 200, Usage.NONE, false, 900, 300, null));
        completed(request("backup", SONNET, 200, Usage.NONE, true, 900, 300, null));
        completed(request("primary", SONNET, 529, Usage.NONE, false, 900, -1, "every endpoint failed"));
        completed(request(null, SONNET, 499, Usage.NONE, false, 10, -1, "client closed the connection"));
        String t = service.text();
        assertEquals("2", value(t, "code_proxy_requests_total{endpoint=\"primary\",model=\"claude-sonnet-4-5\","
                + "status=\"200\",outcome=\"success\"}"));
        assertEquals("1", value(t, "code_proxy_requests_total{endpoint=\"backup\",model=\"claude-sonnet-4-5\","
                + "status=\"200\",outcome=\"failed_over\"}"));
        assertEquals("1", value(t, "code_proxy_requests_total{endpoint=\"primary\",model=\"claude-sonnet-4-5\","
                + "status=\"529\",outcome=\"upstream_error\"}"));
        assertEquals("1", value(t, "code_proxy_requests_total{endpoint=\"none\",model=\"claude-sonnet-4-5\","
                + "status=\"499\",outcome=\"client_error\"}"), "no endpoint is labelled none");
    }

    @Test
    void attemptsAndFailoversAreCounted() {
        metrics.onEvent(new ProxyEvent.AttemptFinished(1, 1, "primary", SONNET, "http_529", 529, 50, 60, "same"));
        metrics.onEvent(new ProxyEvent.AttemptFinished(1, 2, "primary", SONNET, "http_529", 529, 50, 60, "next"));
        metrics.onEvent(new ProxyEvent.AttemptFinished(1, 3, "backup", SONNET, "ok", 200, 50, 600, "none"));
        String t = service.text();
        assertEquals("2", value(t, "code_proxy_attempts_total{endpoint=\"primary\",outcome=\"http_529\"}"));
        assertEquals("1", value(t, "code_proxy_attempts_total{endpoint=\"backup\",outcome=\"ok\"}"));
        assertEquals("1", value(t, "code_proxy_failovers_total"), "only the move to another endpoint");
    }

    @Test
    void labelValuesAreEscapedSoNoNameCanBreakTheFormat() {
        String hostile = "we\"ird\\name\nfake_metric{x=\"1\"} 1";
        completed(request(hostile, SONNET, 200, Usage.NONE, false, 10, -1, null));
        String t = service.text();
        assertEquals("1", value(t, "code_proxy_requests_total{endpoint=\"we\\\"ird\\\\name\\nfake_metric{x=\\\"1\\\"} 1\","
                + "model=\"claude-sonnet-4-5\",status=\"200\",outcome=\"success\"}"));
        for (String line : t.split("\n")) {
            assertFalse(line.startsWith("fake_metric"), "a label value cannot start a line of its own");
        }
        assertEquals("we\\\"q\\\\\\n", MetricsService.escape("we\"q\\\n"));
    }

    @Test
    void modelLabelsAreBoundedToPricedModels() {
        completed(request("p", "gpt-4o", 200, Usage.NONE, false, 10, -1, null));
        completed(request("p", "claude sonnet\u0007", 200, Usage.NONE, false, 10, -1, null));
        completed(request("p", "claude-sonnet-" + "x".repeat(100), 200, Usage.NONE, false, 10, -1, null));
        completed(request("p", "  ", 200, Usage.NONE, false, 10, -1, null));
        for (int i = 0; i < Metrics.MAX_MODELS + 10; i++) {
            completed(request("q", "claude-sonnet-test-" + i, 200, Usage.NONE, false, 10, -1, null));
        }
        String t = service.text();
        assertEquals("3", value(t, "code_proxy_requests_total{endpoint=\"p\",model=\"other\",status=\"200\","
                + "outcome=\"success\"}"), "unpriced, control characters, too long");
        assertEquals("1", value(t, "code_proxy_requests_total{endpoint=\"p\",model=\"none\",status=\"200\","
                + "outcome=\"success\"}"));
        Set<String> models = new HashSet<>();
        Matcher m = Pattern.compile("code_proxy_requests_total\\{endpoint=\"q\",model=\"([^\"]*)\"").matcher(t);
        while (m.find()) {
            models.add(m.group(1));
        }
        assertEquals(Metrics.MAX_MODELS + 1, models.size(), "at most " + Metrics.MAX_MODELS + " models, then other");
        assertTrue(models.contains("other"));
        assertEquals("10", value(t, "code_proxy_requests_total{endpoint=\"q\",model=\"other\",status=\"200\","
                + "outcome=\"success\"}"));
    }

    @Test
    void theModelSentUpstreamIsTheLabelAndTheBilledOne() {
        completed(FinishedRequests.finished(1, "/v1/messages", "zai", "claude-opus-4-1", SONNET, 200,
                new Usage(1_000_000, 0, 0, 0, 0), false, 10, -1, null));
        String t = service.text();
        assertEquals("3", value(t, "code_proxy_cost_usd_total{endpoint=\"zai\",model=\"claude-sonnet-4-5\"}"),
                "billed as sonnet at $3 per million input tokens, not as opus");
    }

    @Test
    void tokensByKindAndCostInDollars() {
        completed(request("primary", SONNET, 200, new Usage(1_000_000, 200_000, 100_000, 0, 1_000_000), false, 10,
                -1, null));
        completed(request("primary", "my-own-llm", 200, new Usage(5, 5, 0, 0, 0), false, 10, -1, null));
        completed(request("primary", SONNET, 200, Usage.NONE, false, 10, -1, null));
        String t = service.text();
        String k = "code_proxy_tokens_total{endpoint=\"primary\",model=\"claude-sonnet-4-5\",kind=\"";
        assertEquals("1000000", value(t, k + "input\"}"));
        assertEquals("200000", value(t, k + "output\"}"));
        assertEquals("100000", value(t, k + "cache_write_5m\"}"));
        assertEquals("1000000", value(t, k + "cache_read\"}"));
        assertEquals(null, value(t, k + "cache_write_1h\"}"), "a kind with no tokens has no series");
        // 3 + 0.2 * 15 + 0.1 * 3.75 + 0.3 = 6.675
        assertEquals("6.675", value(t, "code_proxy_cost_usd_total{endpoint=\"primary\",model=\"claude-sonnet-4-5\"}"));
        assertEquals("1", value(t, "code_proxy_unpriced_requests_total"), "tokens of a model without a price");
        assertEquals(null, value(t, "code_proxy_cost_usd_total{endpoint=\"primary\",model=\"other\"}"));
    }

    @Test
    void durationHistogramsAreCumulativeInSecondsForServedRequestsOnly() {
        completed(request("primary", SONNET, 200, Usage.NONE, false, 40, 20, null));
        completed(request("primary", SONNET, 200, Usage.NONE, true, 2_500, -1, null));
        completed(request("primary", SONNET, 502, Usage.NONE, false, 99_000, -1, "every endpoint failed"));
        String t = service.text();
        String l = "{endpoint=\"primary\",model=\"claude-sonnet-4-5\"";
        String d = "code_proxy_request_duration_seconds";
        assertEquals("1", value(t, d + "_bucket" + l + ",le=\"0.05\"}"));
        assertEquals("1", value(t, d + "_bucket" + l + ",le=\"2\"}"));
        assertEquals("2", value(t, d + "_bucket" + l + ",le=\"3\"}"));
        assertEquals("2", value(t, d + "_bucket" + l + ",le=\"120\"}"));
        assertEquals("2", value(t, d + "_bucket" + l + ",le=\"+Inf\"}"), "the failed request is not a duration sample");
        assertEquals("2.54", value(t, d + "_sum" + l + "}"));
        assertEquals("2", value(t, d + "_count" + l + "}"));
        String f = "code_proxy_first_token_seconds";
        assertEquals("1", value(t, f + "_count" + l + "}"), "only requests that had a first token");
        assertEquals("0.02", value(t, f + "_sum" + l + "}"));
    }

    @Test
    void gaugesAreReadAtScrapeTime() {
        String t = service.text();
        assertEquals("1", value(t, "code_proxy_endpoint_state{endpoint=\"primary\",state=\"healthy\"}"));
        assertEquals("0", value(t, "code_proxy_endpoint_state{endpoint=\"primary\",state=\"open\"}"));
        assertEquals("1", value(t, "code_proxy_endpoint_state{endpoint=\"backup\",state=\"cooldown\"}"));
        assertEquals("3", value(t, "code_proxy_in_flight_requests"));
        assertEquals("4096", value(t, "code_proxy_in_flight_limit"));
        assertEquals("2", value(t, "code_proxy_live_clients"));
        assertEquals("7", value(t, "code_proxy_live_dropped_messages_total"));
        assertEquals("4", value(t, "code_proxy_log_queue_depth"));
        assertEquals("1", value(t, "code_proxy_log_dropped_total"));
        assertEquals("99", value(t, "code_proxy_log_written_total"));
        endpoints = List.of(new Shared.EndpointState(1, "primary", false, 1, "disabled", null));
        String after = service.text();
        assertEquals("1", value(after, "code_proxy_endpoint_state{endpoint=\"primary\",state=\"disabled\"}"));
        assertEquals(null, value(after, "code_proxy_endpoint_state{endpoint=\"backup\",state=\"cooldown\"}"));
    }

    @Test
    void theWholeTextIsValidExpositionFormat() {
        completed(request("a\"b", SONNET, 200, new Usage(10, 10, 0, 0, 0), false, 40, 20, null));
        metrics.onEvent(new ProxyEvent.AttemptFinished(1, 1, "a\\b", SONNET, "timeout", 0, -1, 60, "next"));
        metrics.buildInfo("1.2.3 \"beta\"");
        String t = service.text();
        assertTrue(t.endsWith("\n"));
        Map<String, String> types = new HashMap<>();
        Set<String> series = new HashSet<>();
        for (String line : t.split("\n")) {
            if (line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                assertEquals(4, p.length, line);
                assertTrue(Set.of("counter", "gauge", "histogram", "summary").contains(p[3]), line);
                assertEquals(null, types.put(p[2], p[3]), "one TYPE per family: " + line);
                assertTrue(t.contains("# HELP " + p[2] + " "), "every family has HELP: " + p[2]);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a sample line: " + line);
            String name = m.group(1);
            String family = name.replaceAll("_(bucket|sum|count)$", "");
            assertNotNull(types.containsKey(name) ? name : types.containsKey(family) ? family : null,
                    "sample before or without its TYPE: " + line);
            assertTrue(series.add(name + (m.group(2) == null ? "" : m.group(2))), "duplicate series: " + line);
        }
        assertEquals("1", value(t, "code_proxy_build_info{version=\"1.2.3 \\\"beta\\\"\",java_version=\""
                + System.getProperty("java.version") + "\"}"));
    }

    // ------------------------------------------------------------------ every response of the listener

    private long counted() {
        return metrics.responses().counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @ParameterizedTest
    @CsvSource(value = {"/v1,proxy", "/v1/messages,proxy", "/v1/,proxy", "/v1x,other", "/v10/messages,other",
            "/%76%31/messages,other", "/_/api/status,admin", "/_/login,login", "/_/logout,login", "/_/ws,live",
            "/observe/metrics,observe", "/observe/health,observe", "/observe,other", "/,ui", "/assets/index-abc.js,ui",
            "/favicon.ico,ui", "/index.html,ui", "/../../etc/passwd,other", "'',other", "NULL,other"},
            nullValues = "NULL")
    void everyPathFallsInOneOfAFixedSetOfRoutes(String path, String route) {
        assertEquals(route, ResponseCounter.route(path));
    }

    @Test
    void theListenerCountsEveryResponseByRouteAndStatusIncludingRefusals() throws Exception {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.addFilter(metrics.responses())
                        .register(service)
                        .get("/v1/messages", (req, res) -> res.status(201).send("made"))
                        .get("/_/api/status", (req, res) -> res.status(401).send("no")))
                .build().start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (String path : List.of("/v1/messages", "/v1/messages", "/_/api/status", "/nothing/here",
                    "/_/api/status?x=1")) {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            // each is counted as its response goes out, which the client may see first
            for (int i = 0; i < 2_000 && counted() < 5; i++) {
                Thread.sleep(5);
            }
            assertEquals(5, counted());
            HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + MetricsService.PATH)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    scrape.headers().firstValue("content-type").orElse(""));
            assertEquals("no-store", scrape.headers().firstValue("cache-control").orElse(""));
            String t = scrape.body();
            assertEquals("2", value(t, "code_proxy_http_responses_total{route=\"proxy\",status=\"201\"}"));
            assertEquals("2", value(t, "code_proxy_http_responses_total{route=\"admin\",status=\"401\"}"));
            assertEquals("1", value(t, "code_proxy_http_responses_total{route=\"other\",status=\"404\"}"));
            assertEquals(null, value(t, "code_proxy_http_responses_total{route=\"observe\",status=\"200\"}"),
                    "the scrape itself is counted once it has been answered");
            // the filter counts after the response went out: the client may read it first
            String observe = null;
            for (int i = 0; i < 2_000 && observe == null; i++) {
                observe = value(service.text(), "code_proxy_http_responses_total{route=\"observe\",status=\"200\"}");
                if (observe == null) {
                    Thread.sleep(5);
                }
            }
            assertEquals("1", observe);
        } finally {
            server.stop();
        }
    }
}
