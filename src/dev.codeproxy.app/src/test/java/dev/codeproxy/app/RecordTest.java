package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the proxy hands the request log: usage, timings, attempts, redacted headers, capped bodies. */
class RecordTest {
    private final FakeUpstream bad = FakeUpstream.start();
    private final FakeUpstream good = FakeUpstream.start();
    private final LinkedBlockingQueue<ProxyEvent> events = new LinkedBlockingQueue<>();
    private ProxyServer server;
    private TestProxyClient client;

    private void start(Map<String, String> settings) throws Exception {
        Path dir = Files.createTempDirectory("code-proxy-record");
        try (Store s = new Store(dir)) {
            if (!settings.isEmpty()) {
                s.settings.putAll(settings);
            }
            s.endpoints.add(new Endpoint(0, "bad", "", true, 1, 1, bad.baseUrl(), TestProxy.KEY,
                    null, 600_000, null, false));
            s.endpoints.add(new Endpoint(0, "good", "", true, 2, 1, good.baseUrl(), TestProxy.KEY,
                    null, 600_000, null, false));
        }
        server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dir)
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .listener(events::add)
                .build());
        client = new TestProxyClient(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        bad.close();
        good.close();
    }

    private RequestRecord next() throws InterruptedException {
        while (true) {
            ProxyEvent e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "a RequestCompleted event");
            if (e instanceof ProxyEvent.RequestCompleted c) {
                return c.record();
            }
        }
    }

    @Test
    void streamUsageTimingsAndAttemptsAreRecorded() throws Exception {
        start(Map.of());
        bad.enqueue(Reply.error(529, "overloaded_error", "Overloaded"), Reply.error(529, "overloaded_error", "Overloaded"));
        List<String> sse = SseFixtures.message("claude-sonnet-5", 12);
        good.enqueue(Reply.sse(sse));
        String body = ClaudeCodeBodies.minimal("claude-sonnet-5", true);
        assertEquals(200, client.post("/v1/messages?beta=true", body).statusCode());
        RequestRecord r = next();
        assertEquals("POST", r.method());
        assertEquals("/v1/messages", r.path());
        assertEquals("beta=true", r.query());
        assertEquals("claude-sonnet-5", r.model());
        assertTrue(r.stream());
        assertEquals(200, r.status());
        assertEquals("good", r.endpoint());
        assertEquals(3, r.attempts());
        assertTrue(r.failedOver());
        assertEquals("failed_over", r.outcomeClass());
        // message_start usage, then message_delta's output tokens replace the start's
        assertEquals(new Usage(25, 12, 10, 0, 5), r.usage());
        assertTrue(r.headersMs() >= 0 && r.firstTokenMs() >= r.headersMs() && r.totalMs() >= r.firstTokenMs(),
                r.headersMs() + " " + r.firstTokenMs() + " " + r.totalMs());
        assertEquals(List.of("http_529", "http_529", "ok"), r.attemptList().stream().map(a -> a.outcome()).toList());
        assertEquals(List.of("bad", "bad", "good"), r.attemptList().stream().map(a -> a.endpoint()).toList());
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), r.requestBody());
        assertEquals(String.join("", sse), new String(r.responseBody(), StandardCharsets.UTF_8));
        // credentials never reach the log
        assertEquals(List.of("[redacted]"), r.requestHeaders().get("x-api-key"));
        assertEquals(List.of("[redacted]"), r.sentHeaders().get("x-api-key"));
        String all = r.toString() + r.requestHeaders() + r.sentHeaders() + r.responseHeaders();
        assertFalse(all.contains(TestProxy.TOKEN) || all.contains(TestProxy.KEY), all);
    }

    @Test
    void jsonUsageAndCaptureCapAndModes() throws Exception {
        start(Map.of("maxBodyBytes", "64", "captureMode", "errors"));
        good.setDefault(Reply.json(200, SseFixtures.jsonMessage("claude-haiku-4-5", "hi")));
        bad.enqueue(Reply.json(200, SseFixtures.jsonMessage("claude-haiku-4-5", "hello")));
        assertEquals(200, client.post("/v1/messages", ClaudeCodeBodies.minimal("claude-haiku-4-5", false)).statusCode());
        RequestRecord ok = next();
        assertEquals(new Usage(25, 7, 10, 0, 5), ok.usage());
        assertEquals("success", ok.outcomeClass());
        assertNull(ok.requestBody(), "capture mode errors keeps no bodies of successes");
        assertNull(ok.responseBody());

        bad.enqueue(Reply.error(400, "invalid_request_error", "x".repeat(200)));
        assertEquals(400, client.post("/v1/messages", "{\"model\":\"claude-haiku-4-5\"," + "\"pad\":\"" + "y".repeat(100)
                + "\"}").statusCode());
        RequestRecord err = next();
        assertEquals("client_error", err.outcomeClass());
        assertEquals(64, err.requestBody().length);
        assertTrue(err.requestBodyTruncated());
        assertEquals(64, err.responseBody().length);
        assertTrue(err.responseBodyTruncated());
    }
}
