package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.routing.Breaker;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** After the first content block the stream belongs to its endpoint; model mapping touches only the model. */
class StreamCommitTest {
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
    }

    @Test
    void aCutAfterContentEndsTheClientStreamWithAnErrorEventAndNeverSwitchesEndpoint() {
        proxy = TestProxy.start(Map.of("breakerThreshold", "1"));
        proxy.addEndpoint("first", first.baseUrl());
        proxy.addEndpoint("second", second.baseUrl());
        List<String> events = SseFixtures.message("claude-sonnet-5", 6);
        first.enqueue(Reply.sse(events).cutAfterEvents(4));
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal("claude-sonnet-5", true));
        assertEquals(200, r.statusCode());
        String body = new String(r.body(), StandardCharsets.UTF_8);
        String delivered = String.join("", events.subList(0, 4));
        assertEquals(delivered + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"upstream connection lost mid-stream; stream ended by Code Proxy\"}}\n\n", body,
                "each event exactly once, then one error event");
        assertEquals(0, second.requestCount());
        // and it counted as a failure
        Endpoint f = proxy.server.config().endpoints().getFirst();
        TestProxy.awaitState(proxy.server.proxy().breakers().of(f), Breaker.State.OPEN);
    }

    @Test
    void anErrorEventAfterContentIsPassedThroughAndCountsAsAFailure() {
        proxy = TestProxy.start(Map.of("breakerThreshold", "1"));
        proxy.addEndpoint("first", first.baseUrl());
        proxy.addEndpoint("second", second.baseUrl());
        List<String> events = SseFixtures.message("claude-sonnet-5", 6);
        List<String> withError = new ArrayList<>(events.subList(0, 4));
        withError.add(SseFixtures.errorEvent("overloaded_error", "Overloaded"));
        first.enqueue(Reply.sse(withError));
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal("claude-sonnet-5", true));
        assertEquals(String.join("", withError), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(0, second.requestCount());
        Endpoint f = proxy.server.config().endpoints().getFirst();
        TestProxy.awaitState(proxy.server.proxy().breakers().of(f), Breaker.State.OPEN);
    }

    @Test
    void failuresBeforeContentAreInvisibleToTheClient() {
        proxy = TestProxy.start();
        proxy.addEndpoint("first", first.baseUrl());
        proxy.addEndpoint("second", second.baseUrl());
        first.enqueue(Reply.sse(SseFixtures.errorBeforeContent("overloaded_error", "Overloaded")));
        List<String> events = SseFixtures.message("claude-sonnet-5", 4);
        second.enqueue(Reply.sse(events).header("request-id", "req_second"));
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal("claude-sonnet-5", true));
        assertEquals(200, r.statusCode());
        assertEquals(String.join("", events), new String(r.body(), StandardCharsets.UTF_8));
        // headers are those of the committed endpoint
        assertEquals("req_second", r.headers().firstValue("request-id").orElse(null));
        assertEquals("second", r.headers().firstValue("x-code-proxy-endpoint").orElse(null));
        assertEquals("2", r.headers().firstValue("x-code-proxy-attempts").orElse(null));
    }

    @Test
    void modelMappingRewritesOnlyTheTopLevelModelOfAClaudeCodeSizedBody() {
        proxy = TestProxy.start();
        Endpoint e = proxy.addEndpoint("glm", first.baseUrl());
        new EndpointRepository(proxy.server.database().client()).update(new Endpoint(e.id(),
                e.name(), "", true, 1, 1, e.baseUrl(), "", e.authStyle(), e.timeoutMs(),
                new ModelMap("glm-4.6", "glm-4.5-air", "", "glm-4.6", "glm-5"), false));
        proxy.server.config().reload();
        String body = ClaudeCodeBodies.request("claude-sonnet-5", true, 76_000);
        first.enqueue(Reply.sse(SseFixtures.message("glm-4.6", 2)));
        HttpResponse<byte[]> r = proxy.send(proxy.request("/v1/messages?beta=true")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(200, r.statusCode());
        RecordedRequest got = first.takeRequest(Duration.ofSeconds(5));
        byte[] expected = body.replaceFirst("\"model\":\"claude-sonnet-5\"", "\"model\":\"glm-4.6\"")
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(body.getBytes(StandardCharsets.UTF_8).length > 75_000);
        assertArrayEquals(expected, got.body(), "every byte but the model value is identical");
        assertEquals(1, Arrays.asList(new String(got.body(), StandardCharsets.UTF_8).split("glm-4\\.6", -1)).size() - 1);
    }

    @Test
    void anEndpointPointingAtTheProxyItselfIsNeverCalled() {
        proxy = TestProxy.start();
        proxy.addEndpoint("loop", "http://127.0.0.1:" + proxy.server.port());
        proxy.addEndpoint("real", first.baseUrl());
        HttpResponse<byte[]> r = proxy.post("/v1/messages", ClaudeCodeBodies.minimal("claude-sonnet-5", false));
        assertEquals(200, r.statusCode());
        assertEquals("real", r.headers().firstValue("x-code-proxy-endpoint").orElse(null));
        assertEquals("1", r.headers().firstValue("x-code-proxy-attempts").orElse(null));
    }

    @Test
    void sessionRoutingSticksToOneEndpointPerClaudeCodeSession() {
        proxy = TestProxy.start(Map.of("routing", "session"));
        proxy.addEndpoint("first", first.baseUrl());
        proxy.addEndpoint("second", second.baseUrl());
        String served = null;
        for (int i = 0; i < 20; i++) {
            HttpResponse<byte[]> r = proxy.send(proxy.request("/v1/messages")
                    .header("x-claude-code-session-id", "11111111-2222-3333-4444-555555555555")
                    .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal("claude-sonnet-5", false))).build());
            String ep = r.headers().firstValue("x-code-proxy-endpoint").orElseThrow();
            if (served == null) {
                served = ep;
            }
            assertEquals(served, ep, "request " + i);
        }
    }
}
