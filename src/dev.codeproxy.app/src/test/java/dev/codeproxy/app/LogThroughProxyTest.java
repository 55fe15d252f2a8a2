package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.store.stats.StatsQueries;
import dev.codeproxy.store.stats.StatsRange;
import dev.codeproxy.store.stats.Summary;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 20,000 mixed requests through the real proxy: exactly 20,000 rows, and aggregates equal the sums of the rows. */
class LogThroughProxyTest {
    @Test
    void twentyThousandRequestsTwentyThousandRowsAndAggregatesAddUp() throws Exception {
        int n = 20_000;
        try (FakeUpstream flaky = FakeUpstream.start(); FakeUpstream good = FakeUpstream.start()) {
            List<String> stream = SseFixtures.message("claude-sonnet-4-5", 3);
            // every 10th request fails over (529 twice on the first endpoint), every 25th is a client error
            for (int i = 0; i < n; i++) {
                if (i % 25 == 0) {
                    flaky.enqueue(Reply.error(400, "invalid_request_error", "bad"));
                } else if (i % 10 == 0) {
                    flaky.enqueue(Reply.error(529, "overloaded_error", "Overloaded"),
                            Reply.error(529, "overloaded_error", "Overloaded"));
                } else if (i % 2 == 0) {
                    flaky.enqueue(Reply.sse(stream));
                } else {
                    flaky.enqueue(Reply.json(200, SseFixtures.jsonMessage("claude-haiku-4-5", "ok")));
                }
            }
            good.setDefault(Reply.sse(stream));
            Path dir = Files.createTempDirectory("code-proxy-20k");
            try (Store s = new Store(dir)) {
                s.settings.putAll(Map.of("logRetention", "100000", "retryCapMs", "0", "breakerThreshold", "1000",
                        "captureMode", "none"));
                s.endpoints.add(new Endpoint(0, "flaky", "", true, 1, 1, flaky.baseUrl(), "k-1",
                        null, 600_000, null, false));
                s.endpoints.add(new Endpoint(0, "good", "", true, 2, 1, good.baseUrl(), "k-2",
                        null, 600_000, null, false));
            }
            ProxyServer server = ProxyServer.start(ProxyServer.Options.builder()
                    .dataDir(dir)
                    .host("127.0.0.1")
                    .port(0)
                    .clientToken(TestProxy.TOKEN)
                    .build());
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
                Semaphore window = new Semaphore(16);
                List<Future<Integer>> results = new ArrayList<>(n);
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < n; i++) {
                        window.acquire();
                        results.add(pool.submit(() -> {
                            try {
                                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                                + "/v1/messages")).timeout(Duration.ofSeconds(30))
                                        .header("x-api-key", TestProxy.TOKEN)
                                        .POST(HttpRequest.BodyPublishers.ofString(
                                                ClaudeCodeBodies.minimal("claude-sonnet-4-5", false))).build(),
                                        HttpResponse.BodyHandlers.discarding()).statusCode();
                            } finally {
                                window.release();
                            }
                        }));
                    }
                }
                int ok = 0;
                int clientErrors = 0;
                for (Future<Integer> f : results) {
                    int status = f.get(1, TimeUnit.MINUTES);
                    if (status == 200) {
                        ok++;
                    } else if (status == 400) {
                        clientErrors++;
                    }
                }
                assertEquals(n, ok + clientErrors);
                http.close();
                server.requestLog().flush();

                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("code-proxy.db"));
                     Statement st = c.createStatement()) {
                    assertEquals(n, one(st, "SELECT count(*) FROM requests"));
                    assertEquals(clientErrors, one(st, "SELECT count(*) FROM requests WHERE status = 400"));
                    assertEquals(one(st, "SELECT sum(attempts) FROM requests"), one(st, "SELECT count(*) FROM request_attempts"));
                    for (String col : List.of("input_tokens", "output_tokens", "cache_read_tokens", "cost_micros")) {
                        assertEquals(one(st, "SELECT coalesce(sum(" + col + "),0) FROM requests"),
                                one(st, "SELECT coalesce(sum(" + col + "),0) FROM stats_hourly"), col);
                    }
                }
                Summary all = new StatsQueries(server.database(), Clock.systemDefaultZone()).summary(StatsRange.ALL);
                assertEquals(n, all.requests());
                assertEquals(clientErrors, all.clientErrors());
                assertTrue(all.failedOver() > 0, "failovers were counted: " + all);
            } finally {
                server.close();
            }
        }
    }

    @Test
    void withTheRequestLogOffNothingIsStored() throws Exception {
        try (FakeUpstream up = FakeUpstream.start()) {
            TestProxy proxy = TestProxy.start(Map.of("requestLog", "false"));
            try {
                proxy.addEndpoint("main", up.baseUrl());
                for (int i = 0; i < 10; i++) {
                    assertEquals(200, proxy.post("/v1/messages", ClaudeCodeBodies.minimal("claude-sonnet-4-5", false))
                            .statusCode());
                }
                proxy.server.requestLog().flush();
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + proxy.dataDir.resolve("code-proxy.db"));
                     Statement st = c.createStatement()) {
                    assertEquals(0, one(st, "SELECT count(*) FROM requests"));
                    assertEquals(0, one(st, "SELECT count(*) FROM stats_hourly"));
                }
            } finally {
                proxy.close();
            }
        }
    }

    private static long one(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
