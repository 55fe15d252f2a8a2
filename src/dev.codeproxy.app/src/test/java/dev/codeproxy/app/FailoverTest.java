package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.routing.Breaker;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failure table, row by row, against two real fake upstreams: "bad" (priority 1, scripted to
 * fail) and "good" (priority 2), for JSON and for streams.
 */
class FailoverTest {
    private final FakeUpstream bad = FakeUpstream.start();
    private final FakeUpstream good = FakeUpstream.start();
    private TestProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        bad.close();
        good.close();
    }

    private void start(Map<String, String> settings, long badTimeoutMs) {
        proxy = TestProxy.start(settings);
        Endpoint b = proxy.addEndpoint("bad", bad.baseUrl());
        if (badTimeoutMs > 0) {
            new EndpointRepository(proxy.server.database().client()).update(new Endpoint(b.id(),
                    b.name(), "", true, 1, 1, b.baseUrl(), "", b.authStyle(), badTimeoutMs, b.models(), false));
        }
        proxy.addEndpoint("good", good.baseUrl());
        proxy.server.config().reload();
    }

    private HttpResponse<byte[]> call(boolean stream) {
        good.setDefault(stream ? Reply.sse(SseFixtures.message("claude-sonnet-5", 3))
                : Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-5", "from good")));
        return proxy.post("/v1/messages?beta=true", ClaudeCodeBodies.minimal("claude-sonnet-5", stream));
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private void assertServedByGood(HttpResponse<byte[]> r, boolean stream, int attempts) {
        assertEquals(200, r.statusCode(), body(r));
        assertEquals("good", r.headers().firstValue("x-code-proxy-endpoint").orElse(null));
        assertEquals(String.valueOf(attempts), r.headers().firstValue("x-code-proxy-attempts").orElse(null));
        String expected = stream ? String.join("", SseFixtures.message("claude-sonnet-5", 3))
                : SseFixtures.jsonMessage("claude-sonnet-5", "from good");
        assertEquals(expected, body(r), "the client sees only the good endpoint's response");
        assertEquals(1, good.requestCount());
    }

    static Stream<Arguments> failoverRows() {
        List<Arguments> rows = new ArrayList<>();
        for (boolean stream : new boolean[] {false, true}) {
            // row: connection reset before a response -> once more on a fresh connection, then next
            rows.add(Arguments.of("reset", stream, List.of(Reply.reset(), Reply.reset()), 2, 3));
            // 429 with retry-after beyond the cap -> straight to the next endpoint
            rows.add(Arguments.of("429 over cap", stream,
                    List.of(Reply.error(429, "rate_limit_error", "slow down").retryAfter(30)), 1, 2));
            // 429 with retry-after within the cap -> same endpoint after the wait, then next
            rows.add(Arguments.of("429 within cap", stream,
                    List.of(Reply.error(429, "rate_limit_error", "slow down").retryAfter(1),
                            Reply.error(429, "rate_limit_error", "slow down").retryAfter(1)), 2, 3));
            for (int status : new int[] {500, 502, 503, 504, 529}) {
                rows.add(Arguments.of(status + " twice", stream,
                        List.of(Reply.error(status, status == 529 ? "overloaded_error" : "api_error", "boom"),
                                Reply.error(status, "api_error", "boom")), 2, 3));
            }
            for (int status : new int[] {401, 403}) {
                rows.add(Arguments.of(status + "", stream,
                        List.of(Reply.error(status, status == 401 ? "authentication_error" : "permission_error", "no")),
                        1, 2));
            }
        }
        // streams that fail before their first content block fail over invisibly
        rows.add(Arguments.of("error event before content", true,
                List.of(Reply.sse(SseFixtures.errorBeforeContent("overloaded_error", "Overloaded"))), 1, 2));
        rows.add(Arguments.of("empty 200 stream", true, List.of(Reply.empty200Stream()), 1, 2));
        rows.add(Arguments.of("cut before content", true,
                List.of(Reply.sse(SseFixtures.message("claude-sonnet-5", 5)).cutAfterEvents(1)), 1, 2));
        // 2xx JSON that is empty or not JSON
        rows.add(Arguments.of("empty 200 json", false, List.of(Reply.json(200, "")), 1, 2));
        rows.add(Arguments.of("html 200", false,
                List.of(Reply.json(200, "<html>gateway</html>").header("content-type", "text/html")), 1, 2));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} (stream={1})")
    @MethodSource("failoverRows")
    void failsOverToTheNextEndpoint(String name, boolean stream, List<Reply> badReplies, int badRequests,
                                    int attempts) {
        start(Map.of(), 0);
        badReplies.forEach(bad::enqueue);
        HttpResponse<byte[]> r = call(stream);
        assertServedByGood(r, stream, attempts);
        assertEquals(badRequests, bad.requestCount(), name);
    }

    @Test
    void authFailureMarksTheEndpoint() {
        start(Map.of(), 0);
        bad.enqueue(Reply.error(401, "authentication_error", "invalid x-api-key"));
        assertServedByGood(call(false), false, 2);
        Endpoint b = proxy.server.config().endpoints().getFirst();
        TestProxy.awaitState(proxy.server.proxy().breakers().of(b), Breaker.State.AUTH_FAILED);
        // and it is skipped from now on
        assertServedByGood2(call(false));
        assertEquals(1, bad.requestCount());
    }

    private void assertServedByGood2(HttpResponse<byte[]> r) {
        assertEquals(200, r.statusCode());
        assertEquals("good", r.headers().firstValue("x-code-proxy-endpoint").orElse(null));
        assertEquals("1", r.headers().firstValue("x-code-proxy-attempts").orElse(null));
    }

    @Test
    void noResponseHeadersWithinTheTimeoutMovesOnWithoutRetry() {
        start(Map.of(), 1_000);
        bad.enqueue(Reply.hang());
        assertServedByGood(call(true), true, 2);
        assertEquals(1, bad.requestCount());
    }

    @Test
    void connectionRefusedIsRetriedOnceThenFailsOver() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        proxy = TestProxy.start();
        proxy.addEndpoint("dead", "http://127.0.0.1:" + closed);
        proxy.addEndpoint("good", good.baseUrl());
        assertServedByGood(call(false), false, 3);
    }

    /**
     * A Claude Code-sized body is written to the upstream straight from the proxy's array (not
     * copied behind the headers first): an upstream that drops the connection in the middle of
     * it is a connection failure like any other, and the next endpoint gets the body whole.
     */
    @Test
    void anUpstreamThatHangsUpInTheMiddleOfALargeBodyFailsOverWithTheWholeBody() throws Exception {
        byte[] body = ClaudeCodeBodies.request("claude-sonnet-5", false, 300_000).getBytes(StandardCharsets.UTF_8);
        try (ServerSocket cut = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                // every connection: read the headers and 8 KiB of the body, then hang up
                while (!cut.isClosed()) {
                    try (java.net.Socket c = cut.accept()) {
                        c.getInputStream().readNBytes(8 * 1024);
                        c.setSoLinger(true, 0); // a reset, not a polite close
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            proxy = TestProxy.start();
            proxy.addEndpoint("cut", "http://127.0.0.1:" + cut.getLocalPort());
            proxy.addEndpoint("good", good.baseUrl());
            good.setDefault(Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-5", "from good")));
            HttpResponse<byte[]> r = proxy.post("/v1/messages?beta=true", new String(body, StandardCharsets.UTF_8));
            assertEquals(200, r.statusCode(), body(r));
            assertEquals("good", r.headers().firstValue("x-code-proxy-endpoint").orElse(null));
            var got = good.takeRequest(Duration.ofSeconds(5));
            org.junit.jupiter.api.Assertions.assertArrayEquals(body, got.body());
            assertEquals(String.valueOf(body.length), got.header("content-length"));
        }
    }

    @ParameterizedTest(name = "{0} is returned as is")
    @ValueSource(ints = {400, 404, 413, 422})
    void clientErrorsAreReturnedUnchangedWithoutFailover(int status) {
        start(Map.of(), 0);
        bad.enqueue(Reply.error(status, "invalid_request_error", "bad request " + status).header("request-id", "req_x"));
        HttpResponse<byte[]> r = call(true);
        assertEquals(status, r.statusCode());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad request " + status
                + "\"}}", body(r));
        assertEquals("req_x", r.headers().firstValue("request-id").orElse(null));
        assertEquals("bad", r.headers().firstValue("x-code-proxy-endpoint").orElse(null));
        assertEquals(0, good.requestCount());
        Endpoint b = proxy.server.config().endpoints().getFirst();
        TestProxy.awaitState(proxy.server.proxy().breakers().of(b), Breaker.State.CLOSED);
    }

    @Test
    void whenEveryEndpointFailsTheClientGetsTheLastUpstreamErrorUnchanged() {
        start(Map.of("maxRetries", "0"), 0);
        bad.enqueue(Reply.error(503, "api_error", "first"));
        good.enqueue(Reply.error(529, "overloaded_error", "Overloaded").header("request-id", "req_last"));
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal("claude-sonnet-5", false));
        assertEquals(529, r.statusCode());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", body(r));
        assertEquals("req_last", r.headers().firstValue("request-id").orElse(null));
        assertEquals("2", r.headers().firstValue("x-code-proxy-attempts").orElse(null));
    }

    @Test
    void withNoResponseAtAllTheClientGets502InTheEnvelope() {
        start(Map.of(), 0);
        bad.enqueue(Reply.reset(), Reply.reset());
        good.enqueue(Reply.reset(), Reply.reset());
        HttpResponse<byte[]> r = call(false);
        assertEquals(502, r.statusCode());
        assertTrue(body(r).startsWith("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"all 2 endpoints failed"),
                body(r));
        assertEquals("4", r.headers().firstValue("x-code-proxy-attempts").orElse(null));
    }

    @Test
    void breakerOpensSkipsTheEndpointAndTrafficReturnsAfterASuccessfulProbe() throws Exception {
        start(Map.of("breakerThreshold", "1", "breakerCooldownMs", "400", "maxRetries", "0"), 0);
        bad.enqueue(Reply.error(500, "api_error", "down"));
        assertServedByGood(call(false), false, 2);
        Endpoint b = proxy.server.config().endpoints().getFirst();
        TestProxy.awaitState(proxy.server.proxy().breakers().of(b), Breaker.State.OPEN);
        // open: skipped while a healthy endpoint exists
        HttpResponse<byte[]> r2 = call(false);
        assertEquals("good", r2.headers().firstValue("x-code-proxy-endpoint").orElse(null));
        assertEquals(1, bad.requestCount());
        Thread.sleep(450);
        // cooldown over: the next request probes the higher-priority endpoint, succeeds, and traffic returns
        HttpResponse<byte[]> r3 = call(false);
        assertEquals("bad", r3.headers().firstValue("x-code-proxy-endpoint").orElse(null));
        TestProxy.awaitState(proxy.server.proxy().breakers().of(b), Breaker.State.CLOSED);
        assertEquals("bad", call(false).headers().firstValue("x-code-proxy-endpoint").orElse(null));
    }

    @Test
    void whenNothingIsHealthyTheEndpointWhoseCooldownEndsFirstIsTried() {
        start(Map.of("breakerThreshold", "1", "breakerCooldownMs", "60000", "maxRetries", "0"), 0);
        bad.enqueue(Reply.error(500, "api_error", "down"));
        good.enqueue(Reply.error(500, "api_error", "down too"));
        assertEquals(500, call(false).statusCode());
        // both open now; rather than refusing, the proxy tries the one that reopens first ("bad")
        HttpResponse<byte[]> r = call(false);
        assertEquals(200, r.statusCode());
        assertEquals("bad", r.headers().firstValue("x-code-proxy-endpoint").orElse(null));
    }

    @Test
    void deadlineBoundsTheWholeRequest() {
        start(Map.of("requestTimeoutMs", "1500"), 0);
        bad.enqueue(Reply.hang());
        good.enqueue(Reply.hang());
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = call(false);
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertEquals(504, r.statusCode(), body(r));
        assertTrue(ms < 5_000, "took " + ms);
    }
}
