package dev.codeproxy.app;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.Json;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.log.RequestLog;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code code-proxy usage} on a data directory seeded through the request log's writer, against
 * totals worked out by hand (TZ=UTC). Prices per million tokens: Sonnet 4.5 3 / 15 / 3.75 / 6 /
 * 0.30, Haiku 4.5 1 / 5 / 1.25 / 2 / 0.10, Opus 4.1 15 / 75 / 18.75 / 30 / 1.50.
 */
class UsageCommandTest {
    static final String SONNET = "claude-sonnet-4-5-20250929";
    static final String OPUS = "claude-opus-4-1-20250805";
    static final String HAIKU = "claude-haiku-4-5-20251001";
    static final Map<String, String> ENV = Map.of("TZ", "UTC");

    @TempDir
    Path dir;
    String data;

    static RequestRecord rec(long id, String at, String endpoint, String model, Usage u, int status, long totalMs,
                             boolean failedOver, String session, String project) {
        List<AttemptRecord> attempts = new ArrayList<>();
        if (failedOver) {
            attempts.add(new AttemptRecord(1, "a", model, "http_529", 529, 0, -1, 50));
        }
        attempts.add(new AttemptRecord(attempts.size() + 1, endpoint, model, status == 200 ? "ok" : "http_" + status,
                status, 0, 100, totalMs));
        return new RequestRecord(id, Instant.parse(at).toEpochMilli(), "POST", "/v1/messages", null, model, model, true,
                status, endpoint, attempts.size(), failedOver, 100, 300, totalMs, u, status == 200 ? null : "overloaded",
                attempts, Map.of(), Map.of(), Map.of(), null, false, null, false, null, session, project, null);
    }

    @BeforeEach
    void seed() {
        Path d = dir.resolve("data");
        data = d.toString();
        try (Database db = Database.open(d);
             RequestLog log = new RequestLog(db, () -> Settings.DEFAULTS, List::of,
                     Clock.fixed(Instant.parse("2026-11-26T12:30:00Z"), ZoneOffset.UTC))) {
            // s1: 10,500 + 10,800 + 16,800 (the switch to b: 4000 cache writes * 3.75 = 15,000 of it)
            log.offer(rec(1, "2026-11-26T10:05:00Z", "a", SONNET, new Usage(1000, 500, 0, 0, 0), 200, 800, false,
                    "s1", "/home/u/app"));
            log.offer(rec(2, "2026-11-26T10:40:00Z", "a", SONNET, new Usage(100, 100, 2000, 0, 5000), 200, 2000, false,
                    "s1", null));
            log.offer(rec(3, "2026-11-26T11:10:00Z", "b", SONNET, new Usage(100, 100, 4000, 0, 0), 200, 2500, true,
                    "s1", "/home/u/app"));
            // s2: 15,000 + 1,000
            log.offer(rec(4, "2026-11-25T09:00:00Z", "a", HAIKU, new Usage(10000, 1000, 0, 0, 0), 200, 2000, false,
                    "s2", "/srv/other"));
            log.offer(rec(5, "2026-11-25T13:30:00Z", "a", HAIKU, new Usage(0, 0, 0, 0, 10000), 200, 2000, false,
                    "s2", "/srv/other"));
            // no session: 9,000 in October; an error without usage today
            log.offer(rec(6, "2026-10-31T23:30:00Z", "a", OPUS, new Usage(100, 100, 0, 0, 0), 200, 2000, false,
                    null, null));
            log.offer(rec(7, "2026-11-26T12:10:00Z", "a", SONNET, Usage.NONE, 529, 100, false, null, null));
            log.flush();
        }
    }

    static CliErrorsTest.Run usage(String... args) {
        List<String> all = new ArrayList<>(List.of("usage"));
        all.addAll(List.of(args));
        return CliErrorsTest.run(ENV, all.toArray(String[]::new));
    }

    static JsonObject json(CliErrorsTest.Run r) {
        assertEquals(0, r.code(), r.err());
        try (var reader = Json.provider().createReader(new StringReader(r.out()))) {
            return reader.readObject();
        }
    }

    static BigDecimal dec(String s) {
        return new BigDecimal(s);
    }

    @Test
    void dailyTable() {
        CliErrorsTest.Run r = usage("daily", "--data-dir", data);
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                Date        Models       Input  Output  Cache write  Cache read  Total tokens     Cost
                --------------------------------------------------------------------------------------
                2026-10-31  opus-4-1       100     100            0           0           200  $0.0090
                2026-11-25  haiku-4-5   10,000   1,000            0      10,000        21,000  $0.0160
                2026-11-26  sonnet-4-5   1,200     700        6,000       5,000        12,900  $0.0381
                --------------------------------------------------------------------------------------
                Total                   11,300   1,800        6,000      15,000        34,100  $0.0631
                """, r.out());
    }

    @Test
    void dailyJsonWithCcusageNames() {
        JsonObject o = json(usage("daily", "--json", "--data-dir", data));
        JsonArray daily = o.getJsonArray("daily");
        assertEquals(3, daily.size());
        JsonObject d = daily.getJsonObject(2);
        assertEquals("2026-11-26", d.getString("date"));
        assertEquals(1200, d.getInt("inputTokens"));
        assertEquals(700, d.getInt("outputTokens"));
        assertEquals(6000, d.getInt("cacheCreationTokens"));
        assertEquals(5000, d.getInt("cacheReadTokens"));
        assertEquals(12900, d.getInt("totalTokens"));
        assertEquals(dec("0.0381"), d.getJsonNumber("totalCost").bigDecimalValue());
        assertEquals(List.of(SONNET), d.getJsonArray("modelsUsed").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList());
        JsonObject b = d.getJsonArray("modelBreakdowns").getJsonObject(0);
        assertEquals(SONNET, b.getString("modelName"));
        assertEquals(1200, b.getInt("inputTokens"));
        assertEquals(700, b.getInt("outputTokens"));
        assertEquals(6000, b.getInt("cacheCreationTokens"));
        assertEquals(5000, b.getInt("cacheReadTokens"));
        assertEquals(dec("0.0381"), b.getJsonNumber("cost").bigDecimalValue());
        JsonObject t = o.getJsonObject("totals");
        assertEquals(11300, t.getInt("inputTokens"));
        assertEquals(1800, t.getInt("outputTokens"));
        assertEquals(6000, t.getInt("cacheCreationTokens"));
        assertEquals(15000, t.getInt("cacheReadTokens"));
        assertEquals(34100, t.getInt("totalTokens"));
        assertEquals(dec("0.0631"), t.getJsonNumber("totalCost").bigDecimalValue());
    }

    @Test
    void sinceAndUntil() {
        JsonObject o = json(usage("daily", "--json", "--since", "2026-11-25", "--until", "20261125", "--data-dir", data));
        assertEquals(1, o.getJsonArray("daily").size());
        assertEquals("2026-11-25", o.getJsonArray("daily").getJsonObject(0).getString("date"));
        assertEquals(dec("0.016"), o.getJsonObject("totals").getJsonNumber("totalCost").bigDecimalValue());
        CliErrorsTest.Run empty = usage("daily", "--since", "2027-01-01", "--data-dir", data);
        assertEquals("No usage in this range.\n", empty.out());
    }

    @Test
    void monthlyTableAndJson() {
        CliErrorsTest.Run r = usage("monthly", "--data-dir", data);
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                Month    Models                  Input  Output  Cache write  Cache read  Total tokens     Cost
                ----------------------------------------------------------------------------------------------
                2026-10  opus-4-1                  100     100            0           0           200  $0.0090
                2026-11  sonnet-4-5, haiku-4-5  11,200   1,700        6,000      15,000        33,900  $0.0541
                ----------------------------------------------------------------------------------------------
                Total                           11,300   1,800        6,000      15,000        34,100  $0.0631
                """, r.out());
        JsonObject o = json(usage("monthly", "--json", "--data-dir", data));
        JsonObject nov = o.getJsonArray("monthly").getJsonObject(1);
        assertEquals("2026-11", nov.getString("month"));
        assertEquals(dec("0.0541"), nov.getJsonNumber("totalCost").bigDecimalValue());
        assertEquals(2, nov.getJsonArray("modelBreakdowns").size());
        assertEquals(dec("0.0381"), nov.getJsonArray("modelBreakdowns").getJsonObject(0).getJsonNumber("cost")
                .bigDecimalValue());
        assertEquals(dec("0.016"), nov.getJsonArray("modelBreakdowns").getJsonObject(1).getJsonNumber("cost")
                .bigDecimalValue());
    }

    @Test
    void sessionTableAndJson() {
        CliErrorsTest.Run r = usage("session", "--data-dir", data);
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                Session  Project      Last activity  Requests   Input  Output  Cache write  Cache read  Total tokens     Cost  Failover cost
                ----------------------------------------------------------------------------------------------------------------------------
                s1       /home/u/app  2026-11-26            3   1,200     700        6,000       5,000        12,900  $0.0381        $0.0150
                s2       /srv/other   2026-11-25            2  10,000   1,000            0      10,000        21,000  $0.0160        $0.0000
                ----------------------------------------------------------------------------------------------------------------------------
                Total                                       5  11,200   1,700        6,000      15,000        33,900  $0.0541        $0.0150
                """, r.out());
        JsonObject o = json(usage("session", "--json", "--data-dir", data));
        JsonObject s1 = o.getJsonArray("sessions").getJsonObject(0);
        assertEquals("s1", s1.getString("sessionId"));
        assertEquals("/home/u/app", s1.getString("projectPath"));
        assertEquals("2026-11-26", s1.getString("lastActivity"));
        assertEquals(12900, s1.getInt("totalTokens"));
        assertEquals(dec("0.0381"), s1.getJsonNumber("totalCost").bigDecimalValue());
        assertEquals(dec("0.015"), s1.getJsonNumber("failoverCost").bigDecimalValue());
        assertEquals(4000, s1.getInt("failoverCacheWriteTokens"));
        assertEquals(dec("0.0541"), o.getJsonObject("totals").getJsonNumber("totalCost").bigDecimalValue());
    }

    @Test
    void blocksTableAndJson() {
        CliErrorsTest.Run r = usage("blocks", "--data-dir", data);
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                Block start       End    Status  Requests  Models      Total tokens     Cost
                ----------------------------------------------------------------------------
                2026-10-31 23:00  04:00                 1  opus-4-1             200  $0.0090
                2026-11-25 09:00  14:00                 2  haiku-4-5         21,000  $0.0160
                2026-11-26 10:00  15:00                 4  sonnet-4-5        12,900  $0.0381
                """, r.out());
        JsonObject o = json(usage("blocks", "--json", "--data-dir", data));
        JsonArray blocks = o.getJsonArray("blocks");
        assertEquals(3, blocks.size());
        JsonObject b = blocks.getJsonObject(1);
        assertEquals("2026-11-25T09:00:00Z", b.getString("startTime"));
        assertEquals("2026-11-25T14:00:00Z", b.getString("endTime"));
        assertEquals(false, b.getBoolean("isActive"));
        assertEquals(dec("0.016"), b.getJsonNumber("costUSD").bigDecimalValue());
        assertEquals(21000, b.getInt("totalTokens"));
        assertTrue(b.isNull("burnRate"));
        assertTrue(b.isNull("projection"));
    }

    @Test
    void badInput() {
        CliErrorsTest.Run r = usage("daily", "--since", "yesterday", "--data-dir", data);
        assertEquals(2, r.code());
        assertEquals("code-proxy: usage daily: --since: 'yesterday' is not accepted; expected a date YYYY-MM-DD "
                + "(or YYYYMMDD)\n", r.err());
        r = usage("blocks", "--since", "2026-11-26", "--until", "2026-11-01", "--data-dir", data);
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("code-proxy: usage blocks: --until 2026-11-01 is before --since 2026-11-26"),
                r.err());
        r = usage("weekly", "--data-dir", data);
        assertEquals(2, r.code());
        r = usage("daily", "--data-dir", dir.resolve("nothing-here").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no Code Proxy data there"), r.err());
    }
}
