package dev.codeproxy.app;

import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /observe/metrics: Prometheus text counted from the proxy's events, with endpoint, model and
 * status labels of bounded cardinality, refusals counted, process/JVM/build families; open on
 * loopback only; every family documented in the README.
 */
class AdminMetricsTest extends AdminServerTest {

    private String metrics() {
        Resp r = send(request("GET", "/observe/metrics", null).build());
        assertEquals(200, r.status(), "open without a token on loopback");
        assertTrue(r.header("content-type").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    @Test
    void countsRequestsTokensCostLatencyAndStatesByEndpointModelAndStatus() {
        addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 2)));
        assertEquals(200, proxy(STREAM_MESSAGE).status());
        upstream.enqueue(Reply.error(400, "invalid_request_error", "bad"));
        proxy(MESSAGE);
        logged(2);
        String m = metrics();
        assertTrue(m.contains("code_proxy_requests_total{endpoint=\"main\",model=\"claude-sonnet-4-5\",status=\"200\","
                + "outcome=\"success\"} 1"), m);
        assertTrue(m.contains("code_proxy_requests_total{endpoint=\"main\",model=\"claude-sonnet-4-5\",status=\"400\","
                + "outcome=\"client_error\"} 1"), m);
        assertTrue(m.contains("code_proxy_attempts_total{endpoint=\"main\",outcome=\"ok\"} 1"), m);
        assertTrue(m.contains("code_proxy_tokens_total{endpoint=\"main\",model=\"claude-sonnet-4-5\",kind=\"input\"} 25"), m);
        assertTrue(m.contains("code_proxy_tokens_total{endpoint=\"main\",model=\"claude-sonnet-4-5\",kind=\"output\"} 2"), m);
        assertTrue(m.contains("code_proxy_cost_usd_total{endpoint=\"main\",model=\"claude-sonnet-4-5\"} 0."), m);
        assertTrue(m.contains("code_proxy_request_duration_seconds_bucket{endpoint=\"main\",model=\"claude-sonnet-4-5\","
                + "le=\"0.05\"}"), m);
        assertTrue(m.contains("code_proxy_request_duration_seconds_bucket{endpoint=\"main\",model=\"claude-sonnet-4-5\","
                + "le=\"+Inf\"} 1"), m);
        assertTrue(m.contains("code_proxy_request_duration_seconds_count{endpoint=\"main\",model=\"claude-sonnet-4-5\"} 1"), m);
        assertTrue(m.contains("code_proxy_first_token_seconds_count{endpoint=\"main\",model=\"claude-sonnet-4-5\"} 1"), m);
        assertTrue(m.contains("code_proxy_endpoint_state{endpoint=\"main\",state=\"healthy\"} 1"), m);
        assertTrue(m.contains("code_proxy_endpoint_state{endpoint=\"main\",state=\"open\"} 0"), m);
        assertTrue(m.contains("code_proxy_in_flight_requests 0"), m);
        // one request per 128 KiB of this JVM's heap limit, at least 256
        long limit = Math.max(256, Runtime.getRuntime().maxMemory() / (128 * 1024));
        assertTrue(m.contains("code_proxy_in_flight_limit " + limit + "\n"), m);
        assertTrue(m.contains("code_proxy_log_written_total 2"), m);
        assertTrue(m.contains("code_proxy_log_queue_depth 0"), m);
        assertTrue(m.contains("code_proxy_live_clients 0"), m);
        assertTrue(m.contains("code_proxy_failovers_total 0"), m);
        assertEquals(403, raw("GET", "/observe/metrics", Map.of("Host", "evil.example")).status());
    }

    @Test
    void unknownModelsFoldIntoOtherSoClientsCannotGrowTheSeries() {
        addEndpoint("main", upstream.baseUrl());
        for (int i = 0; i < 5; i++) {
            String model = "made-up-model-" + i;
            upstream.enqueue(Reply.sse(SseFixtures.message(model, 1)));
            assertEquals(200, proxy(ClaudeCodeBodies.minimal(model, true)).status());
        }
        logged(5);
        String m = metrics();
        assertTrue(m.contains("code_proxy_requests_total{endpoint=\"main\",model=\"other\",status=\"200\","
                + "outcome=\"success\"} 5"), m);
        assertFalse(m.contains("made-up-model"), "no unknown model id becomes a label value");
        assertTrue(m.contains("code_proxy_unpriced_requests_total 5"), m);
    }

    @Test
    void requestsTheProxyRefusesItselfAreCounted() {
        addEndpoint("main", upstream.baseUrl());
        Resp wrong = send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages")).timeout(Duration.ofSeconds(10))
                .header("x-api-key", "cp-wrong-token").POST(HttpRequest.BodyPublishers.ofString(MESSAGE)).build());
        assertEquals(401, wrong.status());
        assertEquals(401, send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(MESSAGE)).build()).status());
        assertEquals(403, raw("POST", "/v1/messages", Map.of("Host", "rebind.example", "x-api-key", CLIENT)).status());
        assertEquals(404, send(request("GET", "/nowhere", null).build()).status());
        String m = metrics();
        assertTrue(m.contains("code_proxy_http_responses_total{route=\"proxy\",status=\"401\"} 2"), m);
        assertTrue(m.contains("code_proxy_http_responses_total{route=\"proxy\",status=\"403\"} 1"), m);
        assertTrue(m.contains("code_proxy_http_responses_total{route=\"other\",status=\"404\"} 1"), m);
    }

    @Test
    void processJvmAndBuildInfo() {
        String m = metrics();
        assertTrue(m.contains("code_proxy_build_info{version=\"" + Version.get() + "\",java_version=\""
                + System.getProperty("java.version") + "\"} 1"), m);
        for (String family : new String[] {"process_cpu_seconds_total", "process_start_time_seconds",
                "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                "jvm_memory_bytes_used", "jvm_threads_current", "jvm_gc_collection_seconds", "jvm_classes_currently_loaded"}) {
            assertTrue(m.contains("# TYPE " + family + " "), family + " in " + m);
        }
        Matcher fds = Pattern.compile("(?m)^process_open_fds (\\d+)$").matcher(m);
        assertTrue(fds.find() && Long.parseLong(fds.group(1)) > 0, "open file descriptors counted");
        Matcher heap = Pattern.compile("(?m)^jvm_memory_bytes_used\\{area=\"heap\"} (\\d+)$").matcher(m);
        assertTrue(heap.find() && Long.parseLong(heap.group(1)) > 0, "heap in use");
    }

    @Test
    void everyFamilyIsDocumentedInTheReadme() throws Exception {
        addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 2)));
        assertEquals(200, proxy(STREAM_MESSAGE).status());
        logged(1);
        Set<String> families = new LinkedHashSet<>();
        Matcher t = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(metrics());
        while (t.find()) {
            families.add(t.group(1));
        }
        assertTrue(families.size() > 30, families.toString());
        String readme = Files.readString(readme());
        int section = readme.indexOf("\n## Metrics");
        assertTrue(section > 0, "the README has a Metrics section");
        String text = readme.substring(section);
        for (String f : families) {
            assertTrue(text.contains("`" + f + "`"), "README's Metrics section documents `" + f + "`");
        }
    }

    static Path readme() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.exists(p.resolve("README.md"))) {
                return p.resolve("README.md");
            }
        }
        throw new IllegalStateException("no README.md above " + System.getProperty("user.dir"));
    }
}
