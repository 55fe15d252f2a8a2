package dev.codeproxy.app;

import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /observe/metrics: Prometheus text counted from the proxy's events; open on loopback only. */
class AdminMetricsTest extends AdminServerTest {

    @Test
    void countsRequestsTokensCostLatencyAndStates() {
        addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 2)));
        assertEquals(200, proxy(STREAM_MESSAGE).status());
        upstream.enqueue(Reply.error(400, "invalid_request_error", "bad"));
        proxy(MESSAGE);
        logged(2);
        Resp r = send(request("GET", "/observe/metrics", null).build());
        assertEquals(200, r.status(), "open without a token on loopback");
        assertTrue(r.header("content-type").startsWith("text/plain; version=0.0.4"));
        String m = r.body();
        assertTrue(m.contains("codeproxy_requests_total{outcome=\"success\"} 1"), m);
        assertTrue(m.contains("codeproxy_requests_total{outcome=\"client_error\"} 1"), m);
        assertTrue(m.contains("codeproxy_attempts_total{endpoint=\"main\",outcome=\"ok\"} 1"), m);
        assertTrue(m.contains("codeproxy_tokens_total{kind=\"input\"} 25"), m);
        assertTrue(m.contains("codeproxy_tokens_total{kind=\"output\"} 2"), m);
        assertTrue(m.contains("# TYPE codeproxy_cost_usd_total counter"), m);
        assertTrue(m.contains("codeproxy_request_duration_seconds_bucket{le=\"0.05\"}"), m);
        assertTrue(m.contains("codeproxy_request_duration_seconds_bucket{le=\"+Inf\"} 1"), m);
        assertTrue(m.contains("codeproxy_request_duration_seconds_count 1"), m);
        assertTrue(m.contains("codeproxy_first_token_seconds_count 1"), m);
        assertTrue(m.contains("codeproxy_endpoint_state{endpoint=\"main\",state=\"healthy\"} 1"), m);
        assertTrue(m.contains("codeproxy_endpoint_state{endpoint=\"main\",state=\"open\"} 0"), m);
        assertTrue(m.contains("codeproxy_in_flight_requests 0"), m);
        assertTrue(m.contains("codeproxy_log_written_total 2"), m);
        assertTrue(m.contains("codeproxy_log_queue_depth 0"), m);
        assertTrue(m.contains("codeproxy_live_clients 0"), m);
        assertTrue(m.contains("codeproxy_failovers_total 0"), m);
        assertEquals(403, raw("GET", "/observe/metrics", Map.of("Host", "evil.example")).status());
    }
}
