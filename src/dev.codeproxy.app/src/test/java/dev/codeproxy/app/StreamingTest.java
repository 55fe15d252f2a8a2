package dev.codeproxy.app;

import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import dev.codeproxy.testkit.StreamOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streams are relayed event by event, and every way a stream can end ends the client's stream too. */
class StreamingTest {
    private final FakeUpstream upstream = FakeUpstream.start();
    private TestProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private HttpResponse<InputStream> openStream() throws Exception {
        return proxy.http.send(proxy.request("/v1/messages?beta=true")
                .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal("claude-sonnet-5", true))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Reads SSE events (blank-line terminated) from a stream, one at a time. */
    private static String nextEvent(BufferedReader r) throws Exception {
        StringBuilder sb = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null) {
            sb.append(line).append('\n');
            if (line.isEmpty()) {
                return sb.toString();
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    @Test
    void eachEventReachesTheClientBeforeTheUpstreamSendsTheNext() throws Exception {
        proxy = TestProxy.start();
        proxy.addEndpoint("main", upstream.baseUrl());
        CountDownLatch gate = new CountDownLatch(1);
        List<String> events = SseFixtures.message("claude-sonnet-5", 3);
        upstream.enqueue(Reply.sse(events).pauseBeforeEvent(2, gate));

        HttpResponse<InputStream> r = openStream();
        assertEquals(200, r.statusCode());
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        // events 0 and 1 arrive while the upstream is still holding event 2 back
        assertEquals(events.get(0), nextEvent(in));
        assertEquals(events.get(1), nextEvent(in));
        assertEquals(1, gate.getCount(), "the upstream has not been released yet");
        gate.countDown();
        List<String> rest = new ArrayList<>();
        String e;
        while ((e = nextEvent(in)) != null) {
            rest.add(e);
        }
        assertEquals(events.subList(2, events.size()), rest);
    }

    @Test
    void clientDisconnectClosesTheUpstreamRequest() throws Exception {
        proxy = TestProxy.start();
        proxy.addEndpoint("main", upstream.baseUrl());
        List<String> events = SseFixtures.message("claude-sonnet-5", 200);
        upstream.enqueue(Reply.sse(events).delayBetweenEvents(Duration.ofMillis(20)));

        HttpResponse<InputStream> r = openStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertEquals(events.get(0), nextEvent(in));
        r.body().close();
        proxy.http.shutdownNow();
        // the upstream sees its peer (the proxy) go away long before its 200 events x 20 ms are done
        assertEquals(StreamOutcome.PEER_CLOSED, upstream.awaitOutcome(Duration.ofSeconds(3)));
    }

    @Test
    void upstreamCutMidStreamEndsTheClientStreamWithAnErrorEvent() throws Exception {
        proxy = TestProxy.start();
        proxy.addEndpoint("main", upstream.baseUrl());
        List<String> events = SseFixtures.message("claude-sonnet-5", 10);
        upstream.enqueue(Reply.sse(events).cutAfterEvents(4));

        HttpResponse<InputStream> r = openStream();
        long t0 = System.nanoTime();
        String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 5_000, "client stream ended promptly, took " + ms + " ms");
        assertTrue(body.startsWith(String.join("", events.subList(0, 4))), body);
        assertTrue(body.endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"upstream connection lost mid-stream; stream ended by Code Proxy\"}}\n\n"), body);
    }

    @Test
    void upstreamCutInTheMiddleOfAnEventDropsTheHalfEvent() throws Exception {
        proxy = TestProxy.start();
        proxy.addEndpoint("main", upstream.baseUrl());
        List<String> events = SseFixtures.message("claude-sonnet-5", 10);
        int firstTwo = String.join("", events.subList(0, 2)).getBytes(StandardCharsets.UTF_8).length;
        upstream.enqueue(Reply.sse(events).cutAfterBytes(firstTwo + 10));
        String body = new String(openStream().body().readAllBytes(), StandardCharsets.UTF_8);
        String expectedPrefix = String.join("", events.subList(0, 2));
        assertTrue(body.startsWith(expectedPrefix), body);
        String tail = body.substring(expectedPrefix.length());
        assertTrue(tail.startsWith("event: error\n") || tail.startsWith("\n\nevent: error\n"), tail);
    }

    @Test
    void idleUpstreamStreamIsEndedAfterTheIdleLimit() throws Exception {
        proxy = TestProxy.start(Map.of("streamIdleTimeoutMs", "300"));
        proxy.addEndpoint("main", upstream.baseUrl());
        CountDownLatch never = new CountDownLatch(1);
        List<String> events = SseFixtures.message("claude-sonnet-5", 3);
        upstream.enqueue(Reply.sse(events).pauseBeforeEvent(2, never));
        try {
            HttpResponse<InputStream> r = openStream();
            long t0 = System.nanoTime();
            String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 5_000, "ended after " + ms + " ms");
            assertTrue(body.startsWith(events.get(0) + events.get(1)), body);
            assertTrue(body.contains("upstream stream idle for 300 ms"), body);
        } finally {
            never.countDown();
        }
    }

    @Test
    void emptyStreamFromTheOnlyEndpointIsA502NotAnEmptySuccess() throws Exception {
        proxy = TestProxy.start();
        proxy.addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.empty200Stream());
        HttpResponse<InputStream> r = openStream();
        assertEquals(502, r.statusCode());
        String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(body.contains("stream failed before any content (empty stream)"), body);
    }

    @Test
    void streamWithoutContentBlocksThatEndsNormallyIsDelivered() throws Exception {
        proxy = TestProxy.start();
        proxy.addEndpoint("main", upstream.baseUrl());
        List<String> events = List.of(SseFixtures.messageStart("claude-sonnet-5"),
                SseFixtures.messageDelta("end_turn", 0), SseFixtures.messageStop());
        upstream.enqueue(Reply.sse(events));
        HttpResponse<InputStream> r = openStream();
        assertEquals(200, r.statusCode());
        assertEquals(String.join("", events), new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
    }
}
