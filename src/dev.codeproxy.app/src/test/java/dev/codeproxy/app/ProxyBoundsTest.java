package dev.codeproxy.app;

import dev.codeproxy.core.config.ConfigException;
import dev.codeproxy.core.config.ConfigParser;
import dev.codeproxy.core.config.ConfigWriter;
import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.store.log.LogEntry;
import dev.codeproxy.store.log.LogFilter;
import dev.codeproxy.store.log.LogQueries;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import dev.codeproxy.testkit.StreamOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy's bounds (issue 10, point 7), through the real server and the fake upstream: a
 * wait for response headers, the request deadline before the commit point, the bytes held
 * before commit, the size of one SSE event and the request bodies held in memory at once.
 */
class ProxyBoundsTest {
    private static final String MODEL = "claude-sonnet-4-5";
    private final FakeUpstream first = FakeUpstream.start();
    private final FakeUpstream second = FakeUpstream.start();
    private TestProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        first.close();
        second.close();
        System.clearProperty("codeproxy.maxBufferedBodyBytes");
        System.clearProperty("codeproxy.maxInFlight");
    }

    private void add(String name, String url, long headersTimeoutMs) {
        new EndpointRepository(proxy.server.database().client()).add(new Endpoint(0, name, "", true,
                Integer.MAX_VALUE, 1, url, TestProxy.KEY, AuthStyle.X_API_KEY, 600_000, ModelMap.EMPTY, false,
                headersTimeoutMs));
        proxy.server.config().reload();
    }

    private List<LogEntry> rows() {
        proxy.server.requestLog().flush();
        return new LogQueries(proxy.server.database()).list(LogFilter.ALL, null, 10).entries();
    }

    @Test
    void noResponseHeadersWithinHeadersTimeoutFailsOver() {
        proxy = TestProxy.start();
        add("blackhole", first.baseUrl(), 300);
        add("good", second.baseUrl(), 60_000);
        first.enqueue(Reply.hang());
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal(MODEL, false));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("good", r.headers().firstValue("x-code-proxy-endpoint").orElse(""));
        LogEntry row = rows().getFirst();
        assertEquals(2, row.attempts());
        assertEquals(StreamOutcome.PEER_CLOSED, first.awaitOutcome(Duration.ofSeconds(5)));
    }

    /** The headers timeout bounds the wait for headers only, not the silences inside a stream after them. */
    @Test
    void aStreamQuietForLongerThanTheHeadersTimeoutIsNotCut() {
        proxy = TestProxy.start();
        add("slow-stream", first.baseUrl(), 300);
        List<String> events = SseFixtures.message(MODEL, 3);
        first.enqueue(Reply.sse(events).delayBetweenEvents(Duration.ofMillis(500)));
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal(MODEL, true));
        assertEquals(200, r.statusCode());
        assertEquals(String.join("", events), new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void headersTimeoutIsValidatedAndImportedAndDefaultsToSixtySeconds() throws Exception {
        proxy = TestProxy.start();
        String file = "{\"format\":\"code-proxy/1\",\"endpoints\":[{\"name\":\"a\",\"baseUrl\":\"" + first.baseUrl()
                + "\"},{\"name\":\"b\",\"baseUrl\":\"" + second.baseUrl() + "\",\"headersTimeoutMs\":2500}]}";
        var parsed = ConfigParser.parse(file);
        assertEquals(60_000, parsed.endpoints().get(0).headersTimeoutMs());
        assertEquals(2_500, parsed.endpoints().get(1).headersTimeoutMs());
        var bad = Assertions.assertThrows(ConfigException.class,
                () -> ConfigParser.parse(file.replace("2500", "5")));
        assertTrue(bad.getMessage().contains("headersTimeoutMs: is 5; expected an integer from 100 to 3600000"),
                bad.getMessage());
        String exported = ConfigWriter.write(Settings.fromMap(
                parsed.settings()), parsed.endpoints(), false, Instant.now());
        assertTrue(exported.contains("\"headersTimeoutMs\": 2500"), exported);
    }

    @Test
    void theRequestDeadlineBoundsTheWaitForTheCommitPoint() {
        proxy = TestProxy.start(Map.of("requestTimeoutMs", "1500"));
        add("pings", first.baseUrl(), 60_000);
        // message_start, then a ping every 100 ms for 30 s: never idle, never committing
        List<String> events = new ArrayList<>();
        events.add(SseFixtures.messageStart(MODEL));
        for (int i = 0; i < 300; i++) {
            events.add(SseFixtures.ping());
        }
        first.enqueue(Reply.sse(events).delayBetweenEvents(Duration.ofMillis(100)));
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal(MODEL, true));
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(504, r.statusCode(), body);
        assertTrue(body.startsWith("{\"type\":\"error\",\"error\":{\"type\":") && body.contains("requestTimeoutMs"), body);
        assertEquals(StreamOutcome.PEER_CLOSED, first.awaitOutcome(Duration.ofSeconds(5)));
    }

    @Test
    void tooManyBytesBeforeTheCommitPointFailOver() {
        proxy = TestProxy.start();
        add("chatty", first.baseUrl(), 60_000);
        add("good", second.baseUrl(), 60_000);
        // over 1 MiB of pings before any content, then the stream stays open (it would hold for ever)
        List<String> events = new ArrayList<>();
        events.add(SseFixtures.messageStart(MODEL));
        String pad = "x".repeat(1000);
        for (int i = 0; i < 1200; i++) {
            events.add("event: ping\ndata: {\"type\":\"ping\",\"pad\":\"" + pad + "\"}\n\n");
        }
        events.add(SseFixtures.contentBlockStart(0));
        CountDownLatch never = new CountDownLatch(1);
        first.enqueue(Reply.sse(events).pauseBeforeEvent(events.size() - 1, never));
        second.enqueue(Reply.sse(SseFixtures.message(MODEL, 2)));
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal(MODEL, true));
        never.countDown();
        assertEquals(200, r.statusCode());
        assertEquals("good", r.headers().firstValue("x-code-proxy-endpoint").orElse(""));
        assertEquals(String.join("", SseFixtures.message(MODEL, 2)), new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void anOversizedEventEndsTheStreamWithAnErrorEvent() {
        proxy = TestProxy.start(Map.of("captureMode", "none"));
        add("huge", first.baseUrl(), 60_000);
        List<String> events = new ArrayList<>(SseFixtures.message(MODEL, 1).subList(0, 3));
        events.add(SseFixtures.textDelta(0, "y".repeat(9 * 1024 * 1024)));
        events.addAll(SseFixtures.message(MODEL, 1).subList(4, SseFixtures.message(MODEL, 1).size()));
        first.enqueue(Reply.sse(events));
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal(MODEL, true));
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(200, r.statusCode());
        assertTrue(body.startsWith(String.join("", events.subList(0, 3))), "the events before it were relayed");
        assertTrue(body.endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"upstream sent an event larger than 8388608 bytes; stream ended by Code Proxy\"}}\n\n"),
                body.substring(Math.max(0, body.length() - 300)));
        assertTrue(body.length() < 1024 * 1024, "the oversized event itself was not relayed");
    }

    @Test
    void requestBodiesInFlightAreCappedWith503AndRetryAfter() throws Exception {
        System.setProperty("codeproxy.maxBufferedBodyBytes", Long.toString(1024 * 1024));
        proxy = TestProxy.start();
        add("slow", first.baseUrl(), 60_000);
        first.enqueue(Reply.json(200, SseFixtures.jsonMessage(MODEL, "ok")).firstByteDelay(Duration.ofSeconds(3)));
        String big = ClaudeCodeBodies.request(MODEL, false, 700_000);
        CompletableFuture<HttpResponse<byte[]>> held = proxy.http.sendAsync(proxy.request("/v1/messages")
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(big)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        first.takeRequest(Duration.ofSeconds(10));
        HttpResponse<byte[]> refused = proxy.post("/v1/messages", big);
        String body = new String(refused.body(), StandardCharsets.UTF_8);
        assertEquals(503, refused.statusCode(), body);
        assertEquals("1", refused.headers().firstValue("retry-after").orElse(""));
        assertTrue(body.startsWith("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\""), body);
        assertEquals(200, held.get().statusCode());
        // the budget is free again once the held request's handler has finished: that is just after
        // its client has the whole answer, so a client as quick as this one may still get the 503 with
        // retry-after for a moment, and retries, as Claude Code and the SDKs do
        first.enqueue(Reply.json(200, SseFixtures.jsonMessage(MODEL, "ok")));
        HttpResponse<byte[]> again = proxy.post("/v1/messages", big);
        for (int i = 0; i < 50 && again.statusCode() == 503; i++) {
            Thread.sleep(20);
            again = proxy.post("/v1/messages", big);
        }
        assertEquals(200, again.statusCode(), new String(again.body(), StandardCharsets.UTF_8));
    }

    @Test
    void requestsPastTheInFlightLimitGet503WithRetryAfterWhileOpenStreamsGoOn() throws Exception {
        System.setProperty("codeproxy.maxInFlight", "2");
        proxy = TestProxy.start();
        add("first", first.baseUrl(), 60_000);
        CountDownLatch gate = new CountDownLatch(1);
        List<String> events = SseFixtures.message(MODEL, 3);
        String request = ClaudeCodeBodies.minimal(MODEL, true);
        List<CompletableFuture<HttpResponse<InputStream>>> open = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            first.enqueue(Reply.sse(events).pauseBeforeEvent(2, gate));
            open.add(proxy.http.sendAsync(proxy.request("/v1/messages").header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofInputStream()));
        }
        for (CompletableFuture<HttpResponse<InputStream>> f : open) {
            assertEquals(200, f.get(10, TimeUnit.SECONDS).statusCode(), "both streams are open, held at the gate");
        }
        HttpResponse<byte[]> refused = proxy.post("/v1/messages", request);
        String body = new String(refused.body(), StandardCharsets.UTF_8);
        assertEquals(503, refused.statusCode(), body);
        assertEquals("1", refused.headers().firstValue("retry-after").orElse(""));
        assertTrue(body.startsWith("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\""), body);
        assertTrue(body.contains("serves 2 requests at once already"), body);
        gate.countDown();
        for (CompletableFuture<HttpResponse<InputStream>> f : open) {
            try (InputStream in = f.get().body()) {
                String stream = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(stream.endsWith(events.getLast()), "the open streams went on to their end: " + stream);
            }
        }
        // the streams' handlers finish just after their clients have the end: retry as clients do
        first.enqueue(Reply.json(200, SseFixtures.jsonMessage(MODEL, "ok")));
        HttpResponse<byte[]> again = proxy.post("/v1/messages", ClaudeCodeBodies.minimal(MODEL, false));
        for (int i = 0; i < 50 && again.statusCode() == 503; i++) {
            Thread.sleep(20);
            again = proxy.post("/v1/messages", ClaudeCodeBodies.minimal(MODEL, false));
        }
        assertEquals(200, again.statusCode(), new String(again.body(), StandardCharsets.UTF_8));
        assertTrue(rows().stream().anyMatch(r -> r.status() == 503), "the refused request has its row in the log");
        assertEquals(3, first.requestCount(), "the refused request never reached the upstream");
    }
}
