package dev.codeproxy.app;

import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A graceful stop lets streams in flight finish, refuses new requests meanwhile, and respects the grace period. */
class GracefulStopTest {
    @Test
    void streamsInFlightFinishAndNewRequestsAreRefused() throws Exception {
        try (FakeUpstream up = FakeUpstream.start()) {
            TestProxy proxy = TestProxy.start();
            try {
                proxy.addEndpoint("main", up.baseUrl());
                CountDownLatch gate = new CountDownLatch(1);
                List<String> events = SseFixtures.message("claude-sonnet-5", 3);
                up.enqueue(Reply.sse(events).pauseBeforeEvent(3, gate));
                HttpResponse<InputStream> stream = proxy.http.send(proxy.request("/v1/messages")
                        .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal("claude-sonnet-5", true)))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, stream.statusCode());
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(
                        () -> proxy.server.shutdown(Duration.ofSeconds(20)));
                Thread.sleep(200);
                assertFalse(stopping.isDone(), "waits for the stream in flight");
                HttpResponse<byte[]> refused = proxy.post("/v1/messages", "{}");
                assertEquals(503, refused.statusCode());
                assertEquals("1", refused.headers().firstValue("retry-after").orElse(null));
                gate.countDown();
                assertEquals(String.join("", events), new String(stream.body().readAllBytes(), StandardCharsets.UTF_8));
                stopping.get(10, TimeUnit.SECONDS);
            } finally {
                proxy.close();
            }
        }
    }

    @Test
    void theGracePeriodBoundsTheWait() throws Exception {
        try (FakeUpstream up = FakeUpstream.start()) {
            TestProxy proxy = TestProxy.start();
            CountDownLatch never = new CountDownLatch(1);
            try {
                proxy.addEndpoint("main", up.baseUrl());
                up.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-5", 3)).pauseBeforeEvent(3, never));
                HttpResponse<InputStream> stream = proxy.http.send(proxy.request("/v1/messages")
                        .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal("claude-sonnet-5", true)))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                long t0 = System.nanoTime();
                proxy.server.shutdown(Duration.ofMillis(500));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(ms >= 450 && ms < 10_000, "stopped after " + ms + " ms");
                // the stream still open when the grace ran out was ended with an error event, not left hanging
                String body = new String(stream.body().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(body.endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                        + "\"overloaded_error\",\"message\":\"Code Proxy is shutting down; stream ended\"}}\n\n"), body);
            } finally {
                never.countDown();
                proxy.close();
            }
        }
    }
}
