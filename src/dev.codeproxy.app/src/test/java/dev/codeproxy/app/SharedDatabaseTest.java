package dev.codeproxy.app;

import dev.codeproxy.store.DatabaseUrl;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.PostgresServer;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two real servers (different data directories) on one PostgreSQL database: traffic through both
 * lands in one log whose aggregates equal its rows, each dashboard shows the whole team's
 * numbers, and a configuration change made on either is in force on the other without a restart.
 */
class SharedDatabaseTest {
    static final String ADMIN = "cpa-shared-admin-token-0123456789";
    static final int REQUESTS = 400;
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    static ProxyServer start(Path dataDir, DatabaseUrl url) {
        return ProxyServer.start(ProxyServer.Options.builder().dataDir(dataDir).host("127.0.0.1").port(0)
                .clientToken(TestProxy.TOKEN).adminToken(ADMIN).database(url).build());
    }

    @Test
    void twoInstancesShareOneLogOneDashboardAndOneConfiguration() throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(pg.newDatabase());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        try (FakeUpstream up = FakeUpstream.start();
             ProxyServer a = start(dir.resolve("a"), url);
             ProxyServer b = start(dir.resolve("b"), url)) {
            up.setDefault(Reply.sse(SseFixtures.message("claude-sonnet-5", 4)));
            assertFalse(a.database().describe().contains(pg.password()), a.database().describe());

            // an endpoint added through A's API is in force on B (B was never told directly)
            HttpResponse<String> added = api(http, a, "POST", "/_/api/endpoints", "{\"name\":\"up\",\"baseUrl\":\""
                    + up.baseUrl() + "\",\"apiKey\":\"sk-ant-shared-key-000\"}");
            long t0 = System.nanoTime();
            assertEquals(201, added.statusCode(), added.body());
            await("B sees the endpoint added on A", () -> b.config().endpoints().stream()
                    .anyMatch(e -> e.name().equals("up")));
            System.out.printf("SharedDatabaseTest: endpoint added on A in force on B after %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertFalse(api(http, b, "GET", "/_/api/endpoints", null).body().contains("sk-ant-shared-key-000"),
                    "keys stay masked on every instance");

            // a setting changed on B is in force on A
            long t1 = System.nanoTime();
            b.config().settingsRepository().putAll(Map.of("retryCapMs", "4321"));
            await("A sees the setting changed on B", () -> a.config().settings().retryCapMs() == 4321);
            System.out.printf("SharedDatabaseTest: setting changed on B in force on A after %d ms%n",
                    (System.nanoTime() - t1) / 1_000_000);

            // concurrent traffic through both
            List<Future<Integer>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < REQUESTS; i++) {
                    ProxyServer to = i % 2 == 0 ? a : b;
                    results.add(pool.submit(() -> http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + to.port() + "/v1/messages"))
                            .timeout(Duration.ofSeconds(30)).header("x-api-key", TestProxy.TOKEN)
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal("claude-sonnet-5", true)))
                            .build(), HttpResponse.BodyHandlers.ofString()).statusCode()));
                }
                for (Future<Integer> f : results) {
                    assertEquals(200, f.get(60, TimeUnit.SECONDS));
                }
            }
            a.requestLog().flush();
            b.requestLog().flush();
            assertEquals(REQUESTS / 2, a.requestLog().written());
            assertEquals(REQUESTS / 2, b.requestLog().written());

            // rows equal requests, aggregates equal row sums
            assertEquals(REQUESTS, scalar(a, "SELECT count(*) FROM requests"));
            assertEquals(REQUESTS, scalar(a, "SELECT count(DISTINCT id) FROM requests"));
            assertEquals(scalar(a, "SELECT count(*) FROM requests"), scalar(a, "SELECT sum(requests) FROM stats_hourly"));
            assertEquals(scalar(a, "SELECT count(*) FROM requests"), scalar(a, "SELECT sum(requests) FROM stats_daily"));
            for (String col : List.of("input_tokens", "output_tokens", "cost_micros")) {
                long rows = scalar(a, "SELECT sum(" + col + ") FROM requests");
                assertEquals(rows, scalar(a, "SELECT sum(" + col + ") FROM stats_hourly"), col);
                assertEquals(rows, scalar(a, "SELECT sum(" + col + ") FROM usage_hourly"), col);
            }
            assertTrue(scalar(a, "SELECT sum(output_tokens) FROM requests") > 0, "usage was recorded");

            // each row says which instance served it: half each
            for (ProxyServer s : List.of(a, b)) {
                String name = ProxyServer.machineName() + ":" + s.port();
                assertEquals(REQUESTS / 2, scalar(a, "SELECT count(*) FROM requests WHERE instance = '" + name + "'"), name);
            }
            // and the log API says so (each instance numbers its own requests: two pages hold both)
            String pages = api(http, b, "GET", "/_/api/logs?limit=200", null).body()
                    + api(http, b, "GET", "/_/api/logs?limit=200&before="
                    + json(api(http, b, "GET", "/_/api/logs?limit=200", null).body()).getJsonNumber("nextBefore"), null)
                    .body();
            for (ProxyServer s : List.of(a, b)) {
                String name = ProxyServer.machineName() + ":" + s.port();
                assertTrue(pages.contains("\"instance\":\"" + name + "\""), name);
            }

            // each dashboard shows the team's traffic, not only its own
            for (ProxyServer s : List.of(a, b)) {
                JsonObject sum = json(api(http, s, "GET", "/_/api/stats/summary?range=today", null).body());
                assertEquals(REQUESTS, sum.getInt("requests"));
                String logs = api(http, s, "GET", "/_/api/logs?limit=5", null).body();
                assertTrue(logs.contains("claude-sonnet-5"), logs);
            }
        } finally {
            http.close();
        }
    }

    /**
     * One client token with a budget, spent through both instances at once: the budget is one
     * budget (enforced atomically in the shared database), so together they admit what it is
     * worth, overrun by at most the requests in flight, and the spend equals the logged costs.
     */
    @Test
    void aTokenBudgetHoldsAcrossBothInstances() throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(pg.newDatabase());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        try (FakeUpstream up = FakeUpstream.start();
             ProxyServer a = start(dir.resolve("a"), url);
             ProxyServer b = start(dir.resolve("b"), url)) {
            assertEquals(201, api(http, a, "POST", "/_/api/endpoints", "{\"name\":\"up\",\"baseUrl\":\""
                    + up.baseUrl() + "\",\"apiKey\":\"sk-ant-shared-key-000\"}").statusCode());
            await("B sees the endpoint", () -> b.config().endpoints().stream().anyMatch(e -> e.name().equals("up")));
            // what one request costs, through a token that counts spend (made on A, used on B)
            JsonObject probe = json(api(http, a, "POST", "/_/api/tokens", "{\"name\":\"probe\",\"rpm\":1000}").body());
            String probeToken = probe.getString("token");
            await("B knows the probe token", () -> send(http, b, probeToken) == 200);
            long probeId = probe.getJsonNumber("id").longValue();
            await("the probe charged", () -> spent(http, a, probeId) > 0);
            long each = spent(http, a, probeId);
            JsonObject team = json(api(http, b, "POST", "/_/api/tokens", "{\"name\":\"team\",\"budgetUsd\":"
                    + BigDecimal.valueOf(10 * each, 6).toPlainString() + "}").body());
            String token = team.getString("token");
            long teamId = team.getJsonNumber("id").longValue();
            // A learns of the token by its notification: its admin API reads the shared table at once,
            // but the proxy path accepts the token only once A has reread its tokens (a 401 before that)
            await("A accepts the team token", () -> a.validClientToken(token));
            await("B accepts the team token", () -> b.validClientToken(token));
            int clients = 8;
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> fs = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    ProxyServer to = c % 2 == 0 ? a : b;
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            int status = send(http, to, token);
                            if (status == 200) {
                                ok.incrementAndGet();
                            } else {
                                assertEquals(403, status);
                                refused.incrementAndGet();
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get(120, TimeUnit.SECONDS);
                }
            }
            assertEquals(clients, refused.get(), "every client was refused in the end, on both instances");
            assertTrue(ok.get() >= 10, "the budget admits what it is worth: " + ok.get());
            assertTrue(ok.get() <= 10 + 2 * clients, "overrun at most by the requests in flight: " + ok.get());
            long expected = ok.get() * each;
            await("every admitted request charged", () -> spent(http, a, teamId) >= expected);
            assertEquals(expected, spent(http, b, teamId), "charged once each, seen alike from both instances");
            a.requestLog().flush();
            b.requestLog().flush();
            assertEquals(scalar(a, "SELECT sum(cost_micros) FROM requests"),
                    scalar(a, "SELECT sum(spent_micros) FROM client_token_spend"), "every logged cost is charged, once");
            System.out.println("SharedDatabaseTest: budget worth 10 requests, 8 clients on 2 instances: " + ok.get()
                    + " succeeded");
        } finally {
            http.close();
        }
    }

    private static int send(HttpClient http, ProxyServer to, String token) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + "/v1/messages"))
                    .timeout(Duration.ofSeconds(30)).header("x-api-key", token).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(ClaudeCodeBodies.minimal("claude-sonnet-4-5", false)))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long spent(HttpClient http, ProxyServer s, long id) {
        try {
            for (var v : json(api(http, s, "GET", "/_/api/tokens", null).body()).getJsonArray("tokens")) {
                JsonObject o = v.asJsonObject();
                if (o.getJsonNumber("id").longValue() == id) {
                    return o.getJsonObject("usage").getJsonNumber("spentMicros").longValue();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("no token " + id);
    }

    static HttpResponse<String> api(HttpClient http, ProxyServer s, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .timeout(Duration.ofSeconds(20)).header("authorization", "Bearer " + ADMIN);
        if (body != null) {
            r.header("content-type", "application/json");
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(String body) {
        try (var r = Json.createReader(new StringReader(body))) {
            return r.readObject();
        }
    }

    static long scalar(ProxyServer s, String sql) throws Exception {
        try (Connection c = s.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            Object o = rs.getObject(1);
            return o == null ? 0 : o instanceof BigDecimal d ? d.longValueExact() : ((Number) o).longValue();
        }
    }

    /** Waits (up to 10 s, a bound for a loaded machine, not a measure) until {@code done}. */
    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                fail("timed out waiting: " + what);
            }
            Thread.sleep(5);
        }
    }
}
