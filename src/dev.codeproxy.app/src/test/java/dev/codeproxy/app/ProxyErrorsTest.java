package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy's own errors: Anthropic envelope, the right status, and a message that says what to do. */
class ProxyErrorsTest {
    private final FakeUpstream upstream = FakeUpstream.start();
    private TestProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void missingOrWrongClientTokenIs401AndNothingIsForwarded() {
        proxy = TestProxy.start();
        proxy.addEndpoint("main", upstream.baseUrl());
        HttpResponse<byte[]> none = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/v1/messages")))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(401, none.statusCode());
        assertTrue(body(none).startsWith("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"missing client token"),
                body(none));
        HttpResponse<byte[]> wrong = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/v1/messages")))
                .header("x-api-key", "cp-wrong").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(401, wrong.statusCode());
        assertTrue(body(wrong).contains("invalid client token"), body(wrong));
        assertTrue(!body(wrong).contains("cp-wrong") && !body(wrong).contains(TestProxy.TOKEN));
        assertEquals(0, upstream.requestCount());
    }

    @Test
    void bodyOverTheLimitIs413() {
        proxy = TestProxy.start();
        proxy.addEndpoint("main", upstream.baseUrl());
        byte[] big = new byte[33 * 1024 * 1024];
        HttpResponse<byte[]> r = proxy.send(proxy.request("/v1/messages")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build());
        assertEquals(413, r.statusCode());
        assertTrue(body(r).contains("\"type\":\"request_too_large\""), body(r));
        assertTrue(body(r).contains("33554432 bytes"), body(r));
        assertEquals(0, upstream.requestCount());
    }

    @Test
    void unknownPathIs404InTheEnvelope() {
        proxy = TestProxy.start();
        HttpResponse<byte[]> r = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/nope/x"))).GET().build());
        assertEquals(404, r.statusCode());
        assertTrue(body(r).startsWith("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\""), body(r));
    }

    @Test
    void noEnabledEndpointIs403PermissionErrorThatClientsDoNotRetry() {
        // not 503 overloaded_error: Claude Code retries every 5xx as a passing outage (see the README)
        proxy = TestProxy.start();
        HttpResponse<byte[]> r = proxy.post("/v1/messages", "{}");
        assertEquals(403, r.statusCode());
        assertTrue(body(r).contains("\"permission_error\"") && body(r).contains("no enabled endpoint"), body(r));
    }

    @Test
    void unreachableUpstreamIs502() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        proxy = TestProxy.start();
        proxy.addEndpoint("dead", "http://127.0.0.1:" + closedPort);
        HttpResponse<byte[]> r = proxy.post("/v1/messages", "{}");
        assertEquals(502, r.statusCode());
        assertTrue(body(r).contains("\"type\":\"api_error\"") && body(r).contains("upstream 'dead' is unreachable"),
                body(r));
        assertEquals("dead", r.headers().firstValue("x-code-proxy-endpoint").orElse(null));
    }

    @Test
    void noResponseHeadersWithinTheEndpointTimeoutIs504() {
        proxy = TestProxy.start();
        var e = proxy.addEndpoint("slow", upstream.baseUrl());
        new EndpointRepository(proxy.server.database().client()).update(
                new Endpoint(e.id(), e.name(), "", true, 1, 1, e.baseUrl(), "", e.authStyle(),
                        1_000, e.models(), false));
        proxy.server.config().reload();
        upstream.enqueue(Reply.hang());
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = proxy.post("/v1/messages", "{}");
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertEquals(504, r.statusCode());
        assertTrue(body(r).contains("did not respond in time"), body(r));
        assertTrue(ms >= 900 && ms < 10_000, "took " + ms + " ms");
    }

    @Test
    void connectionResetBeforeResponseIs502() {
        proxy = TestProxy.start();
        proxy.addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.reset());
        upstream.enqueue(Reply.reset());
        HttpResponse<byte[]> r = proxy.post("/v1/messages", "{}");
        assertEquals(502, r.statusCode());
        assertTrue(body(r).contains("\"type\":\"api_error\""), body(r));
    }

    @Test
    void settingsApplyFromTheDatabase() {
        proxy = TestProxy.start(Map.of("maxRequestBytes", "2048"));
        proxy.addEndpoint("main", upstream.baseUrl());
        HttpResponse<byte[]> r = proxy.post("/v1/messages", "x".repeat(4096));
        assertEquals(413, r.statusCode());
        assertTrue(body(r).contains("2048 bytes"), body(r));
    }
}
