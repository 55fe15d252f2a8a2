package dev.codeproxy.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FakeUpstreamTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String MODEL = "claude-sonnet-5";

    private static HttpClient client;
    private FakeUpstream up;

    @BeforeAll
    static void client() {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @BeforeEach
    void start() {
        up = FakeUpstream.start();
    }

    @AfterEach
    void stop() {
        up.close();
    }

    private HttpRequest.Builder post(String body) {
        return HttpRequest.newBuilder(URI.create(up.baseUrl() + "/v1/messages?beta=true"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void bindsToLoopbackEphemeralPort() {
        assertTrue(up.port() > 0);
        assertEquals("http://127.0.0.1:" + up.port(), up.baseUrl());
    }

    @Test
    void defaultReplyIsAValidMessagesJson() throws Exception {
        HttpResponse<String> r = client.send(post(ClaudeCodeBodies.minimal(MODEL, false)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        assertTrue(r.headers().firstValue("request-id").orElseThrow().startsWith("req_fake_"));
        assertEquals(SseFixtures.jsonMessage(FakeUpstream.DEFAULT_MODEL, "Hello from the fake upstream."), r.body());
        assertTrue(r.body().contains("\"usage\":{\"input_tokens\":25,"));
        assertEquals(StreamOutcome.COMPLETED, up.awaitOutcome(WAIT));
    }

    @Test
    void errorReplyWithRetryAfterAndExtraHeaders() throws Exception {
        up.enqueue(Reply.error(529, "overloaded_error", "Overloaded \"now\"").retryAfter(3)
                .header("anthropic-ratelimit-requests-remaining", "0"));
        HttpResponse<String> r = client.send(post("{}").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(529, r.statusCode());
        assertEquals("3", r.headers().firstValue("retry-after").orElseThrow());
        assertEquals("0", r.headers().firstValue("anthropic-ratelimit-requests-remaining").orElseThrow());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded \\\"now\\\"\"}}",
                r.body());
    }

    @Test
    void scriptIsFifoThenDefault() throws Exception {
        up.enqueue(Reply.json(201, "{\"a\":1}"), Reply.error(400, "invalid_request_error", "bad"));
        up.setDefault(Reply.json(202, "{}"));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(client.send(post("{}").build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        assertEquals(List.of(201, 400, 202), statuses);
        assertEquals(0, up.pendingReplies());
    }

    @Test
    void keepAliveServesTwoRequestsOnOneConnection() throws Exception {
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{\"n\":1}"));
            RawHttp.Response first = raw.readResponse();
            assertEquals(200, first.status());
            assertNull(first.header("connection"));
            // second request on the same socket, this time with a chunked body
            raw.send("POST /v1/messages?beta=true HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
                    + "4\r\n{\"n\"\r\n3;ext=1\r\n:2}\r\n0\r\n\r\n");
            assertEquals(200, raw.readResponse().status());
        }
        assertEquals(1, up.connectionsOpened());
        List<RecordedRequest> reqs = up.requests();
        assertEquals(2, reqs.size());
        assertEquals("{\"n\":1}", reqs.get(0).bodyString());
        assertEquals("{\"n\":2}", reqs.get(1).bodyString());
        assertTrue(reqs.get(1).chunked());
        assertEquals(1, reqs.get(1).connectionId());
        assertEquals(2, reqs.get(1).sequenceOnConnection());
    }

    @Test
    void httpClientReusesTheConnection() throws Exception {
        up.setDefault(Reply.sse(SseFixtures.message(MODEL, 2)));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(post("{}").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(String.join("", SseFixtures.message(MODEL, 2)), r.body());
        }
        assertEquals(1, up.connectionsOpened());
        assertEquals(3, up.requestCount());
    }

    @Test
    void closeConnectionAfterClosesTheSocket() throws Exception {
        up.enqueue(Reply.json(200, "{}").closeConnectionAfter());
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/x", "{}"));
            RawHttp.Response r = raw.readResponse();
            assertEquals("close", r.header("connection"));
            assertEquals(-1, raw.in.read());
        }
    }

    @Test
    void requestsAreRecordedWithHeadersAndExactBody() throws Exception {
        String body = ClaudeCodeBodies.request(MODEL, true, 76_000);
        HttpRequest.Builder b = post(body);
        ClaudeCodeBodies.headers("sk-test-token", "7c1e2a9d-3b4f-4e6a-9c8d-1f2e3d4c5b6a").forEach((k, v) -> {
            if (!k.equals("content-type")) {
                b.header(k, v);
            }
        });
        b.header("x-multi", "one").header("x-multi", "two");
        client.send(b.build(), HttpResponse.BodyHandlers.discarding());

        RecordedRequest r = up.takeRequest(WAIT);
        assertNotNull(r);
        assertEquals("POST", r.method());
        assertEquals("/v1/messages?beta=true", r.target());
        assertEquals("/v1/messages", r.path());
        assertEquals("beta=true", r.query());
        assertEquals("Bearer sk-test-token", r.header("Authorization"));
        assertEquals(ClaudeCodeBodies.BETAS, r.header("anthropic-beta"));
        assertEquals(List.of("one", "two"), r.headerValues("x-multi"));
        assertTrue(r.headers().keySet().stream().allMatch(k -> k.equals(k.toLowerCase())));
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), r.body());
        assertEquals(body, r.bodyString());
        assertNull(up.takeRequest(Duration.ofMillis(20)));
        assertEquals(1, up.requests().size());
    }

    @Test
    void sseEventsArriveIncrementallyWithDelays() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 3); // 9 events
        up.enqueue(Reply.sse(events).delayBetweenEvents(Duration.ofMillis(40)));
        long sent = System.nanoTime();
        HttpResponse<InputStream> r = client.send(post("{}").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream", r.headers().firstValue("content-type").orElseThrow());
        assertEquals("no-cache", r.headers().firstValue("cache-control").orElseThrow());
        List<Long> arrivals = new ArrayList<>();
        StringBuilder got = new StringBuilder();
        try (InputStream in = r.body()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) != -1) {
                arrivals.add(System.nanoTime());
                got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        }
        assertEquals(String.join("", events), got.toString());
        assertTrue(arrivals.size() >= 5, "expected incremental reads, got " + arrivals.size());
        // the 8 pauses between the 9 events are honoured: the last byte cannot come sooner than 320 ms
        // after the request (a lower bound only; a loaded machine may read the first events late, batched)
        long lastMs = (arrivals.getLast() - sent) / 1_000_000;
        assertTrue(lastMs >= 320, "the stream ended " + lastMs + " ms after the request; its pauses add up to 320 ms");
        assertEquals(StreamOutcome.COMPLETED, up.awaitOutcome(WAIT));
    }

    @Test
    void sseChunksAreOnePerEventAndTerminated() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 2);
        up.enqueue(Reply.sse(events));
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            RawHttp.Response r = raw.readResponse();
            assertEquals("chunked", r.header("transfer-encoding"));
            assertTrue(r.terminated());
            assertEquals(events.size(), r.chunks().size());
            for (int i = 0; i < events.size(); i++) {
                assertEquals(events.get(i), new String(r.chunks().get(i), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void pauseBeforeEventHoldsTheRestBack() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 2);
        CountDownLatch gate = new CountDownLatch(1);
        up.enqueue(Reply.sse(events).pauseBeforeEvent(3, gate));
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            raw.readHead();
            for (int i = 0; i < 3; i++) {
                assertEquals(events.get(i), new String(raw.readChunk(), StandardCharsets.UTF_8));
            }
            raw.socket.setSoTimeout(150);
            assertThrows(SocketTimeoutException.class, raw::readLine, "nothing may arrive before the gate opens");
            raw.socket.setSoTimeout(5000);
            gate.countDown();
            for (int i = 3; i < events.size(); i++) {
                assertEquals(events.get(i), new String(raw.readChunk(), StandardCharsets.UTF_8));
            }
            assertNull(raw.readChunk());
        }
        assertEquals(StreamOutcome.COMPLETED, up.awaitOutcome(WAIT));
    }

    @Test
    void cutAfterEventsEndsAbruptlyWithoutTerminatingChunk() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 5);
        up.enqueue(Reply.sse(events).cutAfterEvents(4));
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            raw.readHead();
            for (int i = 0; i < 4; i++) {
                assertEquals(events.get(i), new String(raw.readChunk(), StandardCharsets.UTF_8));
            }
            IOException e = assertThrows(IOException.class, raw::readChunk);
            assertTrue(e instanceof SocketException || e.getMessage().startsWith("EOF"), e.toString());
        }
        assertEquals(StreamOutcome.CUT, up.awaitOutcome(WAIT));

        // with HttpClient: the gate at index 2 lets the client see the head and two events before the cut
        CountDownLatch gate = new CountDownLatch(1);
        up.enqueue(Reply.sse(events).pauseBeforeEvent(2, gate).cutAfterEvents(2));
        HttpResponse<InputStream> r = client.send(post("{}").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (InputStream in = r.body()) {
            byte[] two = in.readNBytes((events.get(0) + events.get(1)).getBytes(StandardCharsets.UTF_8).length);
            assertEquals(events.get(0) + events.get(1), new String(two, StandardCharsets.UTF_8));
            gate.countDown();
            assertThrows(IOException.class, in::readAllBytes);
        }
        assertEquals(StreamOutcome.CUT, up.awaitOutcome(WAIT));
    }

    @Test
    void cutAfterBytesCutsMidEvent() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 1);
        int cut = events.get(0).length() + 10;
        up.enqueue(Reply.sse(events).cutAfterBytes(cut));
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            raw.readHead();
            assertEquals(events.get(0), new String(raw.readChunk(), StandardCharsets.UTF_8));
            assertEquals(events.get(1).substring(0, 10), new String(raw.readChunk(), StandardCharsets.UTF_8));
            assertThrows(IOException.class, raw::readChunk);
        }
        assertEquals(StreamOutcome.CUT, up.awaitOutcome(WAIT));

        up.enqueue(Reply.json(200, "{\"long\":\"body\"}").cutAfterBytes(5));
        assertThrows(IOException.class, () -> client.send(post("{}").build(), HttpResponse.BodyHandlers.ofString()));
        assertEquals(StreamOutcome.CUT, up.awaitOutcome(WAIT));
    }

    @Test
    void gzipJsonDecodes() throws Exception {
        String json = SseFixtures.jsonMessage(MODEL, "héllo 日本 🚀");
        up.enqueue(Reply.json(200, json).gzip());
        HttpResponse<byte[]> r = client.send(post("{}").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", r.headers().firstValue("content-encoding").orElseThrow());
        assertEquals(r.body().length, Integer.parseInt(r.headers().firstValue("content-length").orElseThrow()));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            assertEquals(json, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void gzipSseIsFlushedPerEvent() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 2);
        CountDownLatch gate = new CountDownLatch(1);
        up.enqueue(Reply.sse(events).gzip().pauseBeforeEvent(1, gate));
        HttpResponse<InputStream> r = client.send(post("{}").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("gzip", r.headers().firstValue("content-encoding").orElseThrow());
        try (InputStream in = new GZIPInputStream(r.body(), 64)) {
            // the first event is decodable while the server still waits at the gate
            byte[] first = in.readNBytes(events.get(0).getBytes(StandardCharsets.UTF_8).length);
            assertEquals(events.get(0), new String(first, StandardCharsets.UTF_8));
            gate.countDown();
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(String.join("", events.subList(1, events.size())), rest);
        }
        assertEquals(StreamOutcome.COMPLETED, up.awaitOutcome(WAIT));
    }

    @Test
    void firstByteDelayDelaysTheStatusLine() throws Exception {
        up.enqueue(Reply.json(200, "{}").firstByteDelay(Duration.ofMillis(200)));
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.send(post("{}").build(), HttpResponse.BodyHandlers.ofString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.statusCode());
        assertTrue(ms >= 190, "took " + ms + " ms");
    }

    @Test
    void hangNeverAnswersAndNoticesThePeerLeaving() throws Exception {
        up.enqueue(Reply.hang());
        HttpRequest req = post("{}").timeout(Duration.ofMillis(200)).build();
        assertThrows(HttpTimeoutException.class, () -> client.send(req, HttpResponse.BodyHandlers.ofString()));
        assertNotNull(up.takeRequest(WAIT), "the hung request is still recorded");

        up.enqueue(Reply.hang());
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            raw.socket.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, raw::readLine);
        }
        // the raw client closed its socket: the fake notices (the HttpClient one may linger in the pool)
        assertEquals(StreamOutcome.PEER_CLOSED, up.streamOutcomes().poll(5, TimeUnit.SECONDS));
    }

    @Test
    void resetAbortsWithoutResponse() throws Exception {
        up.enqueue(Reply.reset());
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            IOException e = assertThrows(IOException.class, raw::readHead);
            assertTrue(e instanceof SocketException || e.getMessage().startsWith("EOF"), e.toString());
        }
        assertEquals(StreamOutcome.CUT, up.awaitOutcome(WAIT));
        up.enqueue(Reply.reset());
        assertThrows(IOException.class, () -> client.send(post("{}").build(), HttpResponse.BodyHandlers.ofString()));
        assertEquals(2, up.requestCount());
    }

    @Test
    void peerLeavingMidStreamIsReported() throws Exception {
        up.enqueue(Reply.sse(SseFixtures.message(MODEL, 50)).delayBetweenEvents(Duration.ofMillis(500)));
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            raw.readHead();
            raw.readChunk();
        }
        long t0 = System.nanoTime();
        assertEquals(StreamOutcome.PEER_CLOSED, up.awaitOutcome(WAIT));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 450, "noticed during the delay, not at the next write");
    }

    @Test
    void empty200StreamHasHeadersAndNoEvents() throws Exception {
        up.enqueue(Reply.empty200Stream());
        HttpResponse<String> r = client.send(post("{}").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("content-type").orElseThrow());
        assertEquals("", r.body());
        assertEquals(StreamOutcome.COMPLETED, up.awaitOutcome(WAIT));
    }

    @Test
    void rawWritesBytesAsIs() throws Exception {
        byte[] bytes = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"truncated\"".getBytes(StandardCharsets.ISO_8859_1);
        up.enqueue(Reply.raw(bytes));
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            assertArrayEquals(bytes, raw.in.readAllBytes());
        }
    }

    @Test
    void closeDelimitedBodyEndsWithTheConnection() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 1);
        up.enqueue(Reply.sse(events).closeDelimited());
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            RawHttp.Response r = raw.readResponse();
            assertNull(r.header("transfer-encoding"));
            assertEquals("close", r.header("connection"));
            assertEquals(String.join("", events), r.bodyString());
        }
    }

    @Test
    void headerOverridesAndRemovals() throws Exception {
        up.enqueue(Reply.json(200, "{}").header("content-type", "application/json; charset=utf-8")
                .withoutHeader("request-id").status(418));
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/x", "{}"));
            RawHttp.Response r = raw.readResponse();
            assertEquals(418, r.status());
            assertEquals("application/json; charset=utf-8", r.header("content-type"));
            assertFalse(r.headers().containsKey("request-id"));
        }
    }

    @Test
    void expectContinueAndHead() throws Exception {
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send("POST /v1/messages HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\r\n");
            assertEquals(100, raw.readHead().status());
            raw.send("{}");
            assertEquals(200, raw.readResponse().status());
            raw.send("HEAD / HTTP/1.1\r\nhost: x\r\n\r\n");
            RawHttp.Response head = raw.readHead();
            assertEquals(200, head.status());
            raw.send("GET /v1/models HTTP/1.1\r\nhost: x\r\n\r\n");
            assertEquals(200, raw.readResponse().status(), "HEAD had no body, so the next response follows directly");
        }
        List<RecordedRequest> reqs = up.requests();
        assertEquals(List.of("POST", "HEAD", "GET"), reqs.stream().map(RecordedRequest::method).toList());
        assertNull(reqs.get(2).query());
    }

    @Test
    void closeEndsOpenConnections() throws Exception {
        up.enqueue(Reply.hang());
        try (RawHttp raw = new RawHttp(up.port())) {
            raw.send(RawHttp.post("/v1/messages", "{}"));
            assertNotNull(up.takeRequest(WAIT));
            assertEquals(1, up.openConnections());
            up.close();
            assertEquals(-1, raw.in.read());
        }
        assertEquals(StreamOutcome.PEER_CLOSED, up.awaitOutcome(WAIT));
    }

    @Test
    void replyIsImmutable() {
        Reply base = Reply.sse(SseFixtures.message(MODEL, 1));
        Reply gz = base.gzip().cutAfterEvents(1);
        assertFalse(base.gzip);
        assertEquals(-1, base.cutAfterEvents);
        assertTrue(gz.gzip);
        assertEquals(Map.of(), base.gates);
    }
}
