package dev.codeproxy.app;

import dev.codeproxy.store.TokenLimits;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client tokens with limits through the real path (real server, fake upstream, real SQLite
 * file): every refusal with its envelope and headers, a budget under concurrent spend, the rate
 * window rolling over, a slow database, and what the admin API accepts.
 */
class TokenLimitsTest extends AdminServerTest {
    static final String HAIKU = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** Creates a token with the given fields (JSON members after the name); returns [id, token]. */
    private String[] create(String name, String fields) {
        Resp r = send(request("POST", "/_/api/tokens", "{\"name\":\"" + name + "\"" + (fields.isEmpty() ? "" : ","
                + fields) + "}").header("authorization", "Bearer " + ADMIN).build(), true);
        assertEquals(201, r.status(), r.body());
        String token = r.json().getString("token");
        secrets.add(token);
        return new String[] {String.valueOf(r.json().getJsonNumber("id").longValue()), token};
    }

    private Resp proxyWith(String token, String body) {
        return send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("x-api-key", token).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonObject error(Resp r, int status, String type) {
        assertEquals(status, r.status(), r.body());
        JsonObject o = r.json();
        assertEquals("error", o.getString("type"));
        assertEquals(type, o.getJsonObject("error").getString("type"), r.body());
        return o.getJsonObject("error");
    }

    private JsonObject view(String id) {
        for (var v : get("/_/api/tokens").json().getJsonArray("tokens")) {
            JsonObject o = v.asJsonObject();
            if (String.valueOf(o.getJsonNumber("id").longValue()).equals(id)) {
                return o;
            }
        }
        throw new AssertionError("no token " + id);
    }

    private Connection db() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("code-proxy.db"));
    }

    private long sql(String query) {
        try (Connection c = db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aModelNotAllowedIsRefusedNamingTheAllowedOnes() {
        addEndpoint("main", upstream.baseUrl());
        String[] t = create("haiku-only", "\"models\":[\"haiku\"]");
        JsonObject e = error(proxyWith(t[1], MESSAGE), 403, "permission_error");
        String m = e.getString("message");
        assertTrue(m.contains("'haiku-only'") && m.contains("only the models haiku") && m.contains("claude-sonnet-4-5"),
                m);
        assertEquals(200, proxyWith(t[1], HAIKU).status());
        assertEquals(1, upstream.requestCount(), "the refused request never reached the upstream");
        assertEquals(200, proxyWith(CLIENT, MESSAGE).status(), "the fixed token has no limits");
    }

    @Test
    void anExpiredTokenIsRefusedNamingTheDay() throws SQLException {
        addEndpoint("main", upstream.baseUrl());
        String[] t = create("temp", "\"expires\":\"" + LocalDate.now(ZoneOffset.UTC).plusDays(1) + "\"");
        assertEquals(200, proxyWith(t[1], MESSAGE).status(), "valid until its day");
        // another process (or instance) moves the expiry into the past: in force within the watcher's second
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        try (Connection c = db(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE client_tokens SET expires_at = "
                    + yesterday.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + " WHERE id = " + t[0]);
        }
        await("the expiry to be in force", () -> proxyWith(t[1], MESSAGE).status() == 403);
        JsonObject e = error(proxyWith(t[1], MESSAGE), 403, "permission_error");
        assertTrue(e.getString("message").contains("'temp' expired on " + yesterday + " (00:00 UTC)"),
                e.getString("message"));
    }

    @Test
    void aSpentBudgetIsRefusedNamingBudgetSpendAndWhenItResets() {
        addEndpoint("main", upstream.baseUrl());
        // the smallest budget: the first request spends more than it
        String[] t = create("tiny", "\"budgetUsd\":0.000001,\"period\":\"day\"");
        assertEquals(200, proxyWith(t[1], MESSAGE).status(), "a budget not yet spent admits");
        // charged when the request ends, just after the client has its response
        await("the request charged", () -> view(t[0]).getJsonObject("usage").getJsonNumber("spentMicros")
                .longValue() > 0);
        Resp refused = proxyWith(t[1], MESSAGE);
        JsonObject e = error(refused, 403, "permission_error");
        String reset = TokenLimits.Period.DAY.next(TokenLimits.Period.DAY.start(Instant.now())).toString();
        String m = e.getString("message");
        assertTrue(m.contains("'tiny' has spent $") && m.contains("daily budget of $0.000001")
                && m.contains("refused until " + reset), m);
        assertNull(refused.header("retry-after"), "a budget is not a rate: no retry-after");
        logged(2);
        JsonObject usage = view(t[0]).getJsonObject("usage");
        assertEquals(sql("SELECT cost_micros FROM requests WHERE status = 200"), usage.getJsonNumber("spentMicros")
                .longValue(), "the spend is the logged cost of the admitted request");
        assertEquals(1, usage.getJsonNumber("budgetMicros").longValue());
        assertEquals(403, sql("SELECT status FROM requests ORDER BY id DESC LIMIT 1"), "the refusal is logged");
    }

    @Test
    void tokensPerMinuteOverAreRefusedWithRetryAfter() {
        addEndpoint("main", upstream.baseUrl());
        String[] t = create("tpm", "\"tpm\":1");
        assertEquals(200, proxyWith(t[1], MESSAGE).status(), "nothing used yet this minute");
        await("the tokens charged", () -> view(t[0]).getJsonObject("usage").getJsonNumber("tokensThisMinute")
                .longValue() > 0 || System.currentTimeMillis() % 60_000 < 2_000);
        Resp r = proxyWith(t[1], MESSAGE);
        if (r.status() == 200) {
            // the minute rolled over between the two: the second used the new minute's window
            r = proxyWith(t[1], MESSAGE);
        }
        JsonObject e = error(r, 429, "rate_limit_error");
        assertTrue(e.getString("message").contains("over its limit of 1 per minute"), e.getString("message"));
        long retry = Long.parseLong(r.header("retry-after"));
        assertTrue(retry >= 1 && retry <= 60, "seconds to the next minute: " + retry);
        JsonObject usage = view(t[0]).getJsonObject("usage");
        assertTrue(usage.getJsonNumber("tokensThisMinute").longValue() > 0, usage.toString());
    }

    @Test
    void theRequestWindowRollsOverAtTheNextMinute() throws InterruptedException {
        addEndpoint("main", upstream.baseUrl());
        String[] t = create("rpm", "\"rpm\":2");
        // not across a minute's end: start early in a minute
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 50_000) {
            Thread.sleep(60_000 - intoMinute + 50);
        }
        assertEquals(200, proxyWith(t[1], MESSAGE).status());
        assertEquals(200, proxyWith(t[1], MESSAGE).status());
        Resp over = proxyWith(t[1], MESSAGE);
        JsonObject e = error(over, 429, "rate_limit_error");
        assertTrue(e.getString("message").contains("'rpm' is over its limit of 2 requests per minute; retry after "),
                e.getString("message"));
        long retry = Long.parseLong(over.header("retry-after"));
        assertTrue(retry >= 1 && retry <= 60, "seconds to the next minute: " + retry);
        assertEquals(2, view(t[0]).getJsonObject("usage").getJsonNumber("requestsThisMinute").longValue(),
                "a refused request is not counted");
        assertEquals(2, upstream.requestCount());
        Thread.sleep(retry * 1000 + 100);
        assertEquals(200, proxyWith(t[1], MESSAGE).status(), "a new minute, a new window");
        assertEquals(200, proxyWith(t[1], MESSAGE).status());
        error(proxyWith(t[1], MESSAGE), 429, "rate_limit_error");
    }

    /**
     * Eight clients spend against a budget worth ten requests, each until it is refused: at most
     * the ten plus the requests in flight when it ran out succeed (each client has at most two in
     * the server then: one being charged, one new), and the spend in the database is exactly the
     * sum of the logged rows' cost.
     */
    @Test
    void aBudgetHoldsUnderConcurrentSpend() throws Exception {
        addEndpoint("main", upstream.baseUrl());
        // what one request costs, measured through a token that counts spend
        String[] probe = create("probe", "\"rpm\":1000");
        assertEquals(200, proxyWith(probe[1], MESSAGE).status());
        // charged when the request ends, just after the client has its response
        await("the probe charged", () -> view(probe[0]).getJsonObject("usage").getJsonNumber("spentMicros")
                .longValue() > 0);
        long each = view(probe[0]).getJsonObject("usage").getJsonNumber("spentMicros").longValue();
        String[] t = create("team", "\"budgetUsd\":" + java.math.BigDecimal.valueOf(10 * each, 6).toPlainString());
        int clients = 8;
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        Resp r = proxyWith(t[1], MESSAGE);
                        if (r.status() == 200) {
                            ok.incrementAndGet();
                        } else {
                            error(r, 403, "permission_error");
                            refused.incrementAndGet();
                            return null;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(clients, refused.get(), "every client was refused in the end");
        assertTrue(ok.get() >= 10, "the budget admits what it is worth: " + ok.get());
        assertTrue(ok.get() <= 10 + 2 * clients, "overrun at most by the requests in flight: " + ok.get());
        logged(1 + ok.get() + refused.get());
        // a request is charged when it ends, after its response and its log row: the last ones may still be on the way
        long expected = ok.get() * each;
        await("every admitted request charged", () -> view(t[0]).getJsonObject("usage").getJsonNumber("spentMicros")
                .longValue() >= expected);
        assertEquals(expected, view(t[0]).getJsonObject("usage").getJsonNumber("spentMicros").longValue(),
                "charged once each");
        assertEquals(sql("SELECT sum(cost_micros) FROM requests"), sql("SELECT sum(spent_micros) FROM client_token_spend"),
                "every logged cost is charged, once");
        System.out.println("budget worth 10 requests, 8 clients: " + ok.get() + " succeeded");
    }

    /**
     * The database stalls (another connection holds SQLite's write lock): a limited token's
     * request is refused with 503 after the admission timeout (fail closed), the fixed token and
     * tokens without limits go through as before, and the count that lands late is taken back.
     */
    @Test
    void aSlowDatabaseRefusesLimitedTokensOnly() throws Exception {
        addEndpoint("main", upstream.baseUrl());
        String[] limited = create("limited", "\"rpm\":100");
        String[] plain = create("plain", "");
        try (Connection c = db(); Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = 1000");
            st.execute("BEGIN IMMEDIATE");
            try {
                Resp r = proxyWith(limited[1], MESSAGE);
                JsonObject e = error(r, 503, "overloaded_error");
                assertTrue(e.getString("message").contains("could not check the limits of client token 'limited': "
                        + "the database did not answer within 2000 ms"), e.getString("message"));
                assertEquals("1", r.header("retry-after"));
                assertEquals(200, proxyWith(plain[1], MESSAGE).status(), "a token without limits is not held up");
                assertEquals(200, proxyWith(CLIENT, MESSAGE).status());
            } finally {
                st.execute("ROLLBACK");
            }
        }
        assertEquals(200, proxyWith(limited[1], MESSAGE).status(), "checked again once the database answers");
        await("the late count to be taken back", () -> view(limited[0]).getJsonObject("usage")
                .getJsonNumber("requestsThisMinute").longValue() <= 1);
    }

    /** Esc in Claude Code: the client goes away mid-stream; what the upstream reported so far is charged. */
    @Test
    void aClientGoneMidStreamIsChargedForTheTokensSoFar() throws Exception {
        addEndpoint("main", upstream.baseUrl());
        String[] t = create("esc", "\"budgetUsd\":100");
        CountDownLatch gate = new CountDownLatch(1);
        upstream.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 40)).pauseBeforeEvent(6, gate)
                .delayBetweenEvents(Duration.ofMillis(20)));
        byte[] body = STREAM_MESSAGE.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            o.write(("POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: " + t[1]
                    + "\r\ncontent-type: application/json\r\ncontent-length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            o.write(body);
            o.flush();
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!seen.toString().contains("content_block_delta")) {
                int n = in.read(buf);
                assertTrue(n > 0, "the stream started: " + seen);
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        }
        gate.countDown();
        await("the gone client's row", () -> {
            server.requestLog().flush();
            return sql("SELECT count(*) FROM requests WHERE status = 499") == 1;
        });
        long cost = sql("SELECT cost_micros FROM requests WHERE status = 499");
        assertTrue(cost > 0, "the tokens so far are priced");
        await("the charge", () -> view(t[0]).getJsonObject("usage").getJsonNumber("spentMicros").longValue() == cost);
    }

    @Test
    void theListShowsLimitsAndSpendAgainstBudget() {
        addEndpoint("main", upstream.baseUrl());
        String expires = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
        String[] t = create("alice", "\"owner\":\"Alice\",\"budgetUsd\":25,\"period\":\"month\",\"rpm\":60,"
                + "\"tpm\":100000,\"models\":[\"sonnet\",\"haiku\"],\"expires\":\"" + expires + "\"");
        assertEquals(200, proxyWith(t[1], MESSAGE).status());
        await("the request charged", () -> view(t[0]).getJsonObject("usage").getJsonNumber("spentMicros")
                .longValue() > 0);
        JsonObject v = view(t[0]);
        assertEquals("Alice", v.getString("owner"));
        JsonObject l = v.getJsonObject("limits");
        assertEquals(25, l.getJsonNumber("budgetUsd").intValue());
        assertEquals("month", l.getString("period"));
        assertEquals(60, l.getInt("rpm"));
        assertEquals(100000, l.getInt("tpm"));
        assertEquals("[\"sonnet\",\"haiku\"]", l.getJsonArray("models").toString());
        assertEquals(expires, l.getString("expires"));
        JsonObject u = v.getJsonObject("usage");
        assertEquals(25_000_000, u.getJsonNumber("budgetMicros").longValue());
        assertTrue(u.getJsonNumber("spentMicros").longValue() > 0);
        assertEquals(TokenLimits.Period.MONTH.start(Instant.now()).toEpochMilli(), u.getJsonNumber("periodStart")
                .longValue());
        assertTrue(u.getJsonNumber("requestsThisMinute").longValue() >= 1);
        // PUT replaces the limits: what is left out is no longer limited
        assertEquals(204, api("PUT", "/_/api/tokens/" + t[0], "{\"owner\":\"Alice\",\"rpm\":5}").status());
        JsonObject after = view(t[0]);
        assertTrue(after.getJsonObject("limits").isNull("budgetUsd"));
        assertEquals(5, after.getJsonObject("limits").getInt("rpm"));
        assertTrue(after.getJsonObject("limits").getJsonArray("models").isEmpty());
        assertEquals(200, proxyWith(t[1], "{\"model\":\"claude-opus-4-1\",\"max_tokens\":1,\"messages\":[]}").status(),
                "the models limit is gone at once");
        // a token without limits shows none and no usage
        String[] plain = create("plain", "");
        JsonObject p = view(plain[0]);
        assertTrue(p.isNull("usage"));
        assertTrue(p.getJsonObject("limits").isNull("rpm"));
    }

    @Test
    void hostileLimitFieldsAreRefusedFieldByField() {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        Resp r = api("POST", "/_/api/tokens", "{\"name\":\"x\",\"budgetUsd\":-5,\"period\":\"week\",\"rpm\":0,"
                + "\"tpm\":1e3,\"models\":\"a,b\",\"expires\":\"" + today + "\",\"owner\":\"a\\nb\",\"colour\":1}");
        assertEquals(400, r.status(), r.body());
        JsonObject f = r.json().getJsonObject("fields");
        assertTrue(f.getString("budgetUsd").contains("expected an amount of dollars"), f.toString());
        assertTrue(f.getString("period").contains("expected day or month"), f.toString());
        assertTrue(f.getString("rpm").contains("from 1 to 1000000"), f.toString());
        assertTrue(f.getString("tpm").contains("expected an integer"), f.toString());
        assertTrue(f.getString("models").contains("expected an array of model names"), f.toString());
        assertTrue(f.getString("expires").contains("expected a day after today"), f.toString());
        assertTrue(f.getString("owner").contains("control characters"), f.toString());
        assertTrue(f.getString("colour").contains("is not a field of a token"), f.toString());
        assertTrue(get("/_/api/tokens").json().getJsonArray("tokens").isEmpty(), "nothing created");

        for (String[] bad : new String[][] {
                {"\"budgetUsd\":\"NaN\"", "budgetUsd", "expected a number of dollars"},
                {"\"budgetUsd\":1e400", "budgetUsd", "expected an amount of dollars"},
                {"\"budgetUsd\":0.0000001", "budgetUsd", "finer than a micro-dollar"},
                {"\"budgetUsd\":1000001", "budgetUsd", "at most 1000000"},
                {"\"rpm\":99999999999999999999999", "rpm", "expected an integer"},
                {"\"rpm\":-1", "rpm", "from 1 to"},
                {"\"tpm\":1000000001", "tpm", "from 1 to 1000000000"},
                {"\"models\":[\"a,b\"]", "models", "expected model names"},
                {"\"models\":[\"\"]", "models", "empty model name"},
                {"\"models\":[1]", "models", "expected an array of model names"},
                {"\"models\":[\"a b\"]", "models", "expected model names"},
                {"\"expires\":\"2026-02-30\"", "expires", "expected a date as YYYY-MM-DD"},
                {"\"expires\":\"tomorrow\"", "expires", "expected a date as YYYY-MM-DD"},
                {"\"expires\":20270101", "expires", "expected a string"},
                {"\"period\":\"DAY\"", "period", "expected day or month"}}) {
            Resp b = api("POST", "/_/api/tokens", "{\"name\":\"y\"," + bad[0] + "}");
            assertEquals(400, b.status(), bad[0] + " -> " + b.body());
            String msg = b.json().getJsonObject("fields").getString(bad[1], "");
            assertTrue(msg.contains(bad[2]), bad[0] + " -> " + b.body());
        }
        // a number no Java number holds: the whole body is refused, not a 500
        Resp huge = api("POST", "/_/api/tokens", "{\"name\":\"y\",\"budgetUsd\":1e99999999999}");
        assertEquals(400, huge.status(), huge.body());
        assertTrue(huge.body().contains("number too large"), huge.body());
        String[] t = create("z", "");
        Resp put = api("PUT", "/_/api/tokens/" + t[0], "{\"rpm\":\"ten\",\"name\":\"renamed\"}");
        assertEquals(400, put.status());
        assertTrue(put.json().getJsonObject("fields").getString("rpm").contains("expected an integer"));
        assertTrue(put.json().getJsonObject("fields").getString("name").contains("not a field"));
        assertEquals(404, api("PUT", "/_/api/tokens/999", "{\"rpm\":1}").status());
        assertEquals(404, api("PUT", "/_/api/tokens/nope", "{\"rpm\":1}").status());
        assertEquals(400, api("PUT", "/_/api/tokens/" + t[0], "[]").status());
        assertNotNull(view(t[0]));
    }
}
