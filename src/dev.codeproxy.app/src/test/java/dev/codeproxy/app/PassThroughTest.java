package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests and responses cross the proxy unchanged, apart from credentials and hop-by-hop headers. */
class PassThroughTest {
    private FakeUpstream upstream;
    private TestProxy proxy;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        proxy = TestProxy.start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void jsonRequestAndResponseAreByteExactWithQueryAndHeadersKept() {
        proxy.addEndpoint("main", upstream.baseUrl());
        String reply = SseFixtures.jsonMessage("claude-sonnet-4-5", "héllo 日本 \"quoted\"");
        upstream.enqueue(Reply.json(200, reply).header("request-id", "req_abc").header("x-unknown-response", "kept"));
        String body = ClaudeCodeBodies.request("claude-opus-4-8", false, 20_000);

        HttpResponse<byte[]> r = proxy.send(proxy.request("/v1/messages?beta=true")
                .header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", ClaudeCodeBodies.BETAS)
                .header("x-unknown-request", "value-1")
                .header("x-claude-code-session-id", "3f1c7e2a-0000-4000-8000-000000000001")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());

        assertEquals(200, r.statusCode());
        assertArrayEquals(reply.getBytes(StandardCharsets.UTF_8), r.body());
        assertEquals("req_abc", r.headers().firstValue("request-id").orElse(null));
        assertEquals("kept", r.headers().firstValue("x-unknown-response").orElse(null));
        assertEquals("main", r.headers().firstValue("x-code-proxy-endpoint").orElse(null));
        assertEquals("1", r.headers().firstValue("x-code-proxy-attempts").orElse(null));

        RecordedRequest got = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals("POST", got.method());
        assertEquals("/v1/messages?beta=true", got.target());
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), got.body());
        assertEquals(ClaudeCodeBodies.BETAS, got.header("anthropic-beta"));
        assertEquals("2023-06-01", got.header("anthropic-version"));
        assertEquals("value-1", got.header("x-unknown-request"));
        assertEquals("3f1c7e2a-0000-4000-8000-000000000001", got.header("x-claude-code-session-id"));
        // the endpoint's key replaces the client's token, which never leaves the proxy
        assertEquals(TestProxy.KEY, got.header("x-api-key"));
        assertNull(got.header("authorization"));
        assertFalse(got.headers().toString().contains(TestProxy.TOKEN));
        assertEquals("127.0.0.1:" + upstream.port(), got.header("host"));
    }

    @Test
    void bearerEndpointGetsAuthorizationHeaderAndClientBearerTokenIsAccepted() {
        proxy.addEndpoint("bearer", upstream.baseUrl(), AuthStyle.BEARER);
        HttpResponse<byte[]> r = proxy.send(proxy.request("/v1/messages").header("x-api-key", TestProxy.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal("claude-haiku-4-5", false))).build());
        assertEquals(200, r.statusCode());
        RecordedRequest got = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals("Bearer " + TestProxy.KEY, got.header("authorization"));
        assertNull(got.header("x-api-key"));

        // a client may send its token as a bearer token too
        HttpResponse<byte[]> r2 = proxy.send(HttpRequest.newBuilder(URI.create(
                        proxy.url("/v1/messages"))).header("authorization", "Bearer " + TestProxy.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(200, r2.statusCode());
        assertEquals("Bearer " + TestProxy.KEY, upstream.takeRequest(Duration.ofSeconds(5)).header("authorization"));
    }

    @Test
    void otherMethodsAndPathsAreForwarded() {
        proxy.addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.json(200, "{\"data\":[],\"has_more\":false}"));
        HttpResponse<byte[]> r = proxy.send(proxy.request("/v1/models?limit=5&after_id=a%20b").GET().build());
        assertEquals(200, r.statusCode());
        assertEquals("{\"data\":[],\"has_more\":false}", new String(r.body(), StandardCharsets.UTF_8));
        RecordedRequest got = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals("GET", got.method());
        assertEquals("/v1/models?limit=5&after_id=a%20b", got.target());

        upstream.enqueue(Reply.json(200, "{\"input_tokens\":12}"));
        HttpResponse<byte[]> ct = proxy.post("/v1/messages/count_tokens", "{\"model\":\"claude-sonnet-5\",\"messages\":[]}");
        assertEquals(200, ct.statusCode());
        assertEquals("/v1/messages/count_tokens", upstream.takeRequest(Duration.ofSeconds(5)).target());
    }

    @Test
    void upstreamErrorStatusAndBodyComeBackUnchanged() {
        proxy.addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.error(400, "invalid_request_error", "max_tokens: must be positive"));
        HttpResponse<byte[]> r = proxy.post("/v1/messages", "{}");
        assertEquals(400, r.statusCode());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: must be positive\"}}",
                new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void sseStreamIsByteExact() {
        proxy.addEndpoint("main", upstream.baseUrl());
        List<String> events = SseFixtures.message("claude-sonnet-5", 40);
        upstream.enqueue(Reply.sse(events).header("request-id", "req_stream"));
        HttpResponse<byte[]> r = proxy.post("/v1/messages?beta=true", ClaudeCodeBodies.minimal("claude-sonnet-5", true));
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertEquals("req_stream", r.headers().firstValue("request-id").orElse(null));
        assertArrayEquals(String.join("", events).getBytes(StandardCharsets.UTF_8), r.body());
    }

    @Test
    void upstreamsAreAskedForIdentityAndAnEncodedAnswerStillPassesThroughEncoded() throws IOException {
        proxy.addEndpoint("main", upstream.baseUrl());
        String reply = SseFixtures.jsonMessage("claude-sonnet-5", "compressed");
        upstream.enqueue(Reply.json(200, reply).gzip());
        HttpResponse<byte[]> r = proxy.send(proxy.request("/v1/messages").header("accept-encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(200, r.statusCode());
        assertEquals("gzip", r.headers().firstValue("content-encoding").orElse(null));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            assertEquals(reply, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        // the proxy reads usage from responses, so it asks upstreams not to compress them
        assertEquals("identity", upstream.takeRequest(Duration.ofSeconds(5)).header("accept-encoding"));

        List<String> events = SseFixtures.message("claude-sonnet-5", 5);
        upstream.enqueue(Reply.sse(events).gzip());
        HttpResponse<byte[]> s = proxy.send(proxy.request("/v1/messages").header("accept-encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(s.body()))) {
            assertEquals(String.join("", events), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void tenMegabyteBodyPasses() {
        proxy.addEndpoint("main", upstream.baseUrl());
        byte[] big = new byte[10 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        HttpResponse<byte[]> r = proxy.send(proxy.request("/v1/messages")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build());
        assertEquals(200, r.statusCode());
        assertArrayEquals(big, upstream.takeRequest(Duration.ofSeconds(10)).body());
    }

    @Test
    void headRootAnswers200AndRootServesTheDashboard() {
        HttpResponse<byte[]> head = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.statusCode());
        HttpResponse<byte[]> get = proxy.send(HttpRequest.newBuilder(URI.create(proxy.url("/")))
                .GET().build());
        assertEquals(200, get.statusCode());
        assertTrue(get.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertNotNull(get.body());
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
