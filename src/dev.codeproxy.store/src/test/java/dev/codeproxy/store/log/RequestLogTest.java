package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestLogTest {
    @TempDir
    Path dir;
    TestStore s;
    LogQueries q;

    @BeforeEach
    void open() {
        s = new TestStore(dir);
        q = new LogQueries(s.db);
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void writesEveryFieldOfARecord() {
        Rec r = Rec.of(42).at(TestStore.NOW.toEpochMilli()).usage(1000, 2000, 3000, 4000, 5000)
                .model("claude-opus-4-8", "claude-opus-4-1-20250805").times(150, 700, 9000);
        r.failedOver = true;
        r.attempts = List.of(new AttemptRecord(1, "backup", r.sentModel, "http_529", 529, 0, 30, 35),
                new AttemptRecord(2, "anthropic", r.sentModel, "ok", 200, 40, 110, 8960));
        s.write(r);
        assertEquals(1, s.log.written());
        LogDetail d = q.detail(42).orElseThrow();
        LogEntry e = d.entry();
        assertEquals(42, e.id());
        assertEquals(TestStore.NOW.toEpochMilli(), e.startedAtEpochMs());
        assertEquals("POST", e.method());
        assertEquals("/v1/messages", e.path());
        assertEquals("beta=true", e.query());
        assertEquals("claude-opus-4-8", e.model());
        assertEquals("claude-opus-4-1-20250805", e.sentModel());
        assertTrue(e.stream());
        assertEquals(200, e.status());
        assertEquals("anthropic", e.endpoint());
        assertEquals(2, e.attempts());
        assertTrue(e.failedOver());
        assertEquals("failed_over", e.outcome());
        assertEquals(150, e.headersMs());
        assertEquals(700, e.firstTokenMs());
        assertEquals(9000, e.totalMs());
        assertEquals(new Usage(1000, 2000, 3000, 4000, 5000), e.tokens());
        // priced by the model sent (Opus 4.1): 1000*15 + 2000*75 + 3000*18.75 + 4000*30 + 5000*1.5
        assertEquals(348_750, e.costMicros());
        assertTrue(e.priced());
        assertNull(e.error());
        assertTrue(e.detailsKept());
        assertEquals(r.attempts, d.attempts());
        assertEquals(Map.of("content-type", List.of("application/json")), d.requestHeaders());
        assertEquals(Map.of("request-id", List.of("req_1")), d.responseHeaders());
        assertArrayEquals(r.requestBody, d.requestBody());
        assertArrayEquals(r.responseBody, d.responseBody());
        assertFalse(d.requestBodyTruncated());
    }

    @Test
    void unknownModelIsStoredUnpricedNotFree() {
        s.write(Rec.of(1).model("claude-sonnet-4-5", "glm-4.6").usage(1000, 1000, 0, 0, 0));
        LogEntry e = q.detail(1).orElseThrow().entry();
        assertFalse(e.priced());
        assertEquals(0, e.costMicros());
        assertEquals(1, s.scalar("SELECT unpriced FROM stats_daily"));
    }

    @Test
    void onlyRequestCompletedEventsAreLogged() {
        s.log.onEvent(new ProxyEvent.RequestStarted(1, 0, "POST", "/v1/messages", "m", true));
        s.log.onEvent(new ProxyEvent.EndpointStateChanged(1, "a", "open", 0));
        s.log.onEvent(new ProxyEvent.RequestCompleted(Rec.of(7).build()));
        s.log.flush();
        assertEquals(1, s.scalar("SELECT count(*) FROM requests"));
        assertEquals(7, s.scalar("SELECT id FROM requests"));
    }

    @Test
    void bodiesAreStoredCompressedAndDecodeToTheOriginal() {
        // a JSON request body is stored by parts (here: the envelope and tools), each compressed
        String big = "{\"tools\":[" + "{\"name\":\"Bash\",\"description\":\"Runs a command\"},".repeat(2000) + "{}]}";
        // anything else whole, compressed
        String text = "not json: " + "Runs a command. ".repeat(2000);
        s.write(Rec.of(1).bodies(big, "ok"), Rec.of(2).bodies(text, "ok"));
        List<Object> row = s.rows("SELECT request_body, request_body_size, request_layout FROM request_bodies "
                + "WHERE request_id = 1").getFirst();
        assertNull(row.get(0), "stored by parts, not whole");
        assertEquals((long) big.length(), row.get(1));
        assertNotNull(row.get(2));
        List<Object> tools = s.rows("SELECT data, size FROM request_parts ORDER BY size DESC").getFirst();
        byte[] part = (byte[]) tools.get(0);
        assertEquals((long) big.length() - "{\"tools\":}".length(), tools.get(1));
        assertTrue(part.length < big.length() / 10, "compressed " + part.length + " of " + big.length());
        assertEquals(0x78, part[0] & 0xff, "a zlib stream");
        assertEquals(big, new String(q.detail(1).orElseThrow().requestBody(), StandardCharsets.UTF_8));

        byte[] stored = (byte[]) s.rows("SELECT request_body FROM request_bodies WHERE request_id = 2").getFirst().get(0);
        assertTrue(stored.length < text.length() / 10, "compressed " + stored.length + " of " + text.length());
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), BodyCodec.decompress(stored));
        assertEquals(text, new String(q.detail(2).orElseThrow().requestBody(), StandardCharsets.UTF_8));
    }

    @Test
    void captureModeAllKeepsEveryBody() {
        s.write(Rec.of(1), Rec.of(2).status(500, "boom"));
        assertNotNull(q.detail(1).orElseThrow().requestBody());
        assertNotNull(q.detail(2).orElseThrow().responseBody());
    }

    @Test
    void captureModeErrorsKeepsOnlyFailedRequestsBodies() {
        s.set(Map.of("captureMode", "errors"));
        Rec failover = Rec.of(3).endpoint("b").failedOverFrom("a", "http_529", 529);
        s.write(Rec.of(1), Rec.of(2).status(529, "overloaded"), failover, Rec.of(4).status(400, "bad"));
        LogDetail ok = q.detail(1).orElseThrow();
        assertNull(ok.requestBody());
        assertNull(ok.responseBody());
        assertEquals(Map.of("request-id", List.of("req_1")), ok.responseHeaders(), "headers are kept in every mode");
        assertNotNull(q.detail(2).orElseThrow().requestBody());
        assertNotNull(q.detail(2).orElseThrow().responseBody());
        assertNull(q.detail(3).orElseThrow().requestBody(), "a failover that succeeded is not an error");
        assertNotNull(q.detail(4).orElseThrow().requestBody());
    }

    @Test
    void captureModeNoneKeepsNoBody() {
        s.set(Map.of("captureMode", "none"));
        s.write(Rec.of(1), Rec.of(2).status(500, "boom"));
        assertEquals(0, s.scalar("SELECT count(*) FROM request_bodies WHERE request_body IS NOT NULL "
                + "OR response_body IS NOT NULL"));
        assertEquals(2, s.scalar("SELECT count(*) FROM request_bodies"));
    }

    @Test
    void captureModeChangesApplyToTheNextRecords() {
        s.write(Rec.of(1));
        s.set(Map.of("captureMode", "none"));
        s.write(Rec.of(2));
        assertNotNull(q.detail(1).orElseThrow().requestBody());
        assertNull(q.detail(2).orElseThrow().requestBody());
    }

    @Test
    void bodiesAreCappedAtMaxBodyBytesWithTheTruncatedFlag() {
        s.set(Map.of("maxBodyBytes", "10"));
        Rec already = Rec.of(2).bodies("short", "cut by the proxy");
        already.responseTruncated = true;
        s.write(Rec.of(1).bodies("0123456789abcdef", "tiny"), already);
        LogDetail d = q.detail(1).orElseThrow();
        assertEquals("0123456789", new String(d.requestBody(), StandardCharsets.UTF_8));
        assertTrue(d.requestBodyTruncated());
        assertEquals("tiny", new String(d.responseBody(), StandardCharsets.UTF_8));
        assertFalse(d.responseBodyTruncated());
        LogDetail d2 = q.detail(2).orElseThrow();
        assertFalse(d2.requestBodyTruncated());
        assertTrue(d2.responseBodyTruncated(), "the proxy's flag is kept");
        assertEquals("cut by the", new String(d2.responseBody(), StandardCharsets.UTF_8));
        assertEquals(10, s.scalar("SELECT request_body_size FROM request_bodies WHERE request_id = 1"));
    }

    @Test
    void missingBodiesStayNull() {
        s.write(Rec.of(1).bodies(null, null));
        LogDetail d = q.detail(1).orElseThrow();
        assertNull(d.requestBody());
        assertNull(d.responseBody());
    }

    @Test
    void aDuplicateIdKeepsBothRequests() {
        s.write(Rec.of(5).usage(1, 0, 0, 0, 0), Rec.of(5).usage(2, 0, 0, 0, 0));
        s.write(Rec.of(5).usage(4, 0, 0, 0, 0));
        assertEquals(3, s.scalar("SELECT count(*) FROM requests"));
        assertEquals(List.of(List.of(5L, 1L), List.of(6L, 2L), List.of(7L, 4L)),
                s.rows("SELECT id, input_tokens FROM requests ORDER BY id"));
        assertEquals(3, s.scalar("SELECT count(*) FROM request_attempts"));
        assertEquals(3, s.scalar("SELECT count(*) FROM request_bodies"));
        assertEquals(7, s.scalar("SELECT sum(input_tokens) FROM stats_hourly"));
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        s.close();
        try (TestStore tiny = new TestStore(dir.resolve("tiny"), ZoneOffset.UTC, 1)) {
            int n = 2000;
            int accepted = 0;
            for (int i = 1; i <= n; i++) {
                if (tiny.log.offer(Rec.of(i).build())) {
                    accepted++;
                }
            }
            tiny.log.flush();
            assertTrue(tiny.log.dropped() > 0, "a one-slot queue overflows");
            assertEquals(n, accepted + tiny.log.dropped());
            assertEquals(accepted, tiny.log.written());
            assertEquals(accepted, tiny.scalar("SELECT count(*) FROM requests"));
            assertEquals(0, tiny.log.queueDepth());
        }
        s = new TestStore(dir.resolve("other"));
    }

    @Test
    void aQueueFullOfBodiesShedsBodiesNotRequests() {
        s.set(Map.of("bodyRetention", "1000000"));
        try (RequestLog small = new RequestLog(s.db, s.settings::get, s.secrets::get, s.clock, 100_000, 10 * 1024)) {
            String kb = "b".repeat(1024);
            int n = 2000;
            for (int i = 1; i <= n; i++) {
                assertTrue(small.offer(Rec.of(i).bodies(kb, kb).session("session-1", "/work/p").build()));
            }
            small.flush();
            assertEquals(n, small.written(), "every request is logged");
            assertTrue(small.bodiesShed() > 0, "some bodies were shed past 10 KiB queued");
            assertEquals(0, small.dropped());
            long shed = s.scalar("SELECT count(*) FROM request_bodies WHERE request_body IS NULL AND request_body_truncated = 1");
            assertEquals(small.bodiesShed(), shed, "shed bodies are marked truncated");
            assertEquals(n, s.scalar("SELECT count(*) FROM requests WHERE session_id = 'session-1'"),
                    "a request whose bodies were shed keeps its session");
        }
    }

    @Test
    void closeWritesEverythingQueued() {
        for (int i = 1; i <= 3000; i++) {
            s.log.offer(Rec.of(i).build());
        }
        s.log.close();
        assertEquals(3000, s.log.written());
        assertFalse(s.log.offer(Rec.of(9999).build()), "a closed log takes nothing");
        assertEquals(1, s.log.dropped());
        s.log.flush(); // returns at once
        s.db.close();
        try (Database again = Database.open(dir); var c = again.connection(); var st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT count(*) FROM requests")) {
                rs.next();
                assertEquals(3000, rs.getLong(1));
            }
            try (var rs = st.executeQuery("SELECT sum(requests) FROM stats_daily")) {
                rs.next();
                assertEquals(3000, rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        s = new TestStore(dir.resolve("other"));
    }

    @Test
    void metricsCountWhatWasWritten() {
        assertEquals(0, s.log.written());
        assertEquals(0, s.log.dropped());
        s.write(Rec.of(1), Rec.of(2), Rec.of(3));
        assertEquals(3, s.log.written());
        assertEquals(0, s.log.queueDepth());
    }
}
