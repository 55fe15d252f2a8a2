package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** 200 concurrent streams while one of two endpoints flaps: nobody hangs, every stream is whole or a clean error. */
class ConcurrencyTest {
    @Test
    void twoHundredConcurrentStreamsWithAFlappingEndpoint() throws Exception {
        try (FakeUpstream flappy = FakeUpstream.start(); FakeUpstream steady = FakeUpstream.start()) {
            List<String> events = SseFixtures.message("claude-sonnet-5", 8);
            String whole = String.join("", events);
            SplittableRandom rnd = new SplittableRandom(2026);
            for (int i = 0; i < 400; i++) {
                flappy.enqueue(switch (rnd.nextInt(6)) {
                    case 0 -> Reply.reset();
                    case 1 -> Reply.error(529, "overloaded_error", "Overloaded");
                    case 2 -> Reply.sse(SseFixtures.errorBeforeContent("overloaded_error", "Overloaded"));
                    case 3 -> Reply.sse(events).cutAfterEvents(5);
                    default -> Reply.sse(events).delayBetweenEvents(Duration.ofMillis(5));
                });
            }
            flappy.setDefault(Reply.sse(events));
            steady.setDefault(Reply.sse(events).delayBetweenEvents(Duration.ofMillis(2)));

            ConcurrentLinkedQueue<ProxyEvent> seen = new ConcurrentLinkedQueue<>();
            Path dir = Files.createTempDirectory("code-proxy-conc");
            try (Store s = new Store(dir)) {
                s.settings.putAll(Map.of("retryCapMs", "200"));
            }
            ProxyServer server = ProxyServer.start(ProxyServer.Options.builder()
                    .dataDir(dir)
                    .host("127.0.0.1")
                    .port(0)
                    .clientToken(TestProxy.TOKEN)
                    .listener(seen::add)
                    .build());
            try {
                var repo = new EndpointRepository(server.database().client());
                repo.add(new Endpoint(0, "flappy", "", true, 1, 1, flappy.baseUrl(), "k1",
                        null, 600_000, null, false));
                repo.add(new Endpoint(0, "steady", "", true, 2, 1, steady.baseUrl(), "k2",
                        null, 600_000, null, false));
                server.config().reload();

                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
                AtomicInteger complete = new AtomicInteger();
                AtomicInteger cleanErrors = new AtomicInteger();
                AtomicInteger attemptsSum = new AtomicInteger();
                List<Future<?>> futures = new ArrayList<>();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < 200; i++) {
                        futures.add(pool.submit(() -> {
                            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + server.port() + "/v1/messages"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("x-api-key", TestProxy.TOKEN)
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            ClaudeCodeBodies.minimal("claude-sonnet-5", true))).build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            String body = new String(r.body(), StandardCharsets.UTF_8);
                            attemptsSum.addAndGet(Integer.parseInt(r.headers().firstValue("x-code-proxy-attempts")
                                    .orElse("0")));
                            if (r.statusCode() == 200 && body.equals(whole)) {
                                complete.incrementAndGet();
                            } else if (r.statusCode() == 200 && body.startsWith(String.join("", events.subList(0, 5)))
                                    && body.endsWith("}}\n\n") && body.contains("event: error\ndata: {\"type\":\"error\"")) {
                                cleanErrors.incrementAndGet();
                            } else if (r.statusCode() >= 500 && body.startsWith("{\"type\":\"error\"")) {
                                cleanErrors.incrementAndGet();
                            } else {
                                fail("malformed response " + r.statusCode() + ": " + body);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get(60, TimeUnit.SECONDS); // none hangs
                    }
                }
                assertEquals(200, complete.get() + cleanErrors.get());
                assertTrue(complete.get() >= 150, "most streams complete: " + complete.get());
                // the attempt counts add up: every attempt reached one of the two upstreams
                assertEquals(attemptsSum.get(), flappy.requestCount() + steady.requestCount());
                long attemptEvents = seen.stream().filter(e -> e instanceof ProxyEvent.AttemptFinished).count();
                long completions = seen.stream().filter(e -> e instanceof ProxyEvent.RequestCompleted).count();
                assertEquals(attemptsSum.get(), attemptEvents);
                assertEquals(200, completions);
                http.close();
            } finally {
                server.close();
            }
        }
    }
}
