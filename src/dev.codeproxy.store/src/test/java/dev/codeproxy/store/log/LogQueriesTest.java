package dev.codeproxy.store.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogQueriesTest {
    static final Instant NOW = TestStore.NOW;
    static final String SONNET = "claude-sonnet-4-5-20250929";
    static final String OPUS = "claude-opus-4-1-20250805";
    static final String HAIKU = "claude-haiku-4-5-20251001";

    @TempDir
    Path dir;
    TestStore s;
    LogQueries q;

    static long ago(int minutes) {
        return NOW.minus(Duration.ofMinutes(minutes)).toEpochMilli();
    }

    @BeforeEach
    void seed() {
        s = new TestStore(dir);
        q = new LogQueries(s.db);
        Rec r2 = Rec.of(2).at(ago(50)).endpoint("b").model(OPUS, OPUS).stream(false);
        r2.path = "/v1/messages/count_tokens";
        Rec r8 = Rec.of(8).at(ago(0)).model(OPUS, OPUS).endpoint("a");
        r8.method = "GET";
        r8.path = "/v1/models";
        s.write(Rec.of(1).at(ago(60)).endpoint("a"),
                r2,
                Rec.of(3).at(ago(40)).endpoint("a").model(HAIKU, HAIKU).status(400, "invalid_request_error: max_tokens too large"),
                Rec.of(4).at(ago(30)).endpoint("a").model(SONNET, "glm-4.6").status(529, "Overloaded upstream"),
                Rec.of(5).at(ago(20)).endpoint("b").failedOverFrom("a", "http_529", 529),
                Rec.of(6).at(ago(10)).endpoint("a").stream(false).status(429, "rate_limit_error"),
                Rec.of(7).at(ago(5)).endpoint("b").model(HAIKU, HAIKU).status(499, "client went away"),
                r8);
    }

    @AfterEach
    void close() {
        s.close();
    }

    List<Long> ids(LogFilter f) {
        return q.list(f, null, 200).entries().stream().map(LogEntry::id).toList();
    }

    @Test
    void listsNewestFirst() {
        LogPage p = q.list(LogFilter.ALL, null, 50);
        assertEquals(List.of(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L), p.entries().stream().map(LogEntry::id).toList());
        assertNull(p.nextBefore());
        LogEntry e = p.entries().get(3);
        assertEquals("failed_over", e.outcome());
        assertEquals("b", e.endpoint());
        assertEquals(2, e.attempts());
        assertTrue(e.detailsKept());
    }

    @Test
    void filtersByStatusClass() {
        assertEquals(List.of(8L, 5L, 2L, 1L), ids(LogFilter.ALL.withStatusClass("2xx")));
        assertEquals(List.of(7L, 6L, 3L), ids(LogFilter.ALL.withStatusClass("4xx")));
        assertEquals(List.of(4L), ids(LogFilter.ALL.withStatusClass("5XX")));
        assertEquals(List.of(), ids(LogFilter.ALL.withStatusClass("3xx")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFilter.ALL.withStatusClass("6xx"));
        assertTrue(e.getMessage().contains("2xx"), e.getMessage());
    }

    @Test
    void filtersByOutcomeEndpointModelStream() {
        assertEquals(List.of(5L), ids(LogFilter.ALL.withOutcome("failed_over")));
        assertEquals(List.of(7L, 5L, 2L), ids(LogFilter.ALL.withEndpoint("b")));
        assertEquals(List.of(4L), ids(LogFilter.ALL.withModel("glm-4.6")), "the sent model matches");
        assertEquals(List.of(6L, 5L, 4L, 1L), ids(LogFilter.ALL.withModel(SONNET)), "the requested model matches");
        assertEquals(List.of(6L, 2L), ids(LogFilter.ALL.withStream(false)));
        assertEquals(List.of(8L, 7L, 5L, 4L, 3L, 1L), ids(LogFilter.ALL.withStream(true)));
        assertEquals(List.of(6L, 3L), ids(LogFilter.ALL.withEndpoint("a").withStatusClass("4xx")));
        assertThrows(IllegalArgumentException.class, () -> LogFilter.ALL.withOutcome("ok"));
    }

    @Test
    void filtersByTimeRange() {
        assertEquals(List.of(5L, 4L, 3L), ids(LogFilter.ALL.withRange(Instant.ofEpochMilli(ago(45)),
                Instant.ofEpochMilli(ago(10)))));
        assertEquals(List.of(8L, 7L), ids(LogFilter.ALL.withRange(Instant.ofEpochMilli(ago(5)), null)));
        assertEquals(List.of(2L, 1L), ids(LogFilter.ALL.withRange(null, Instant.ofEpochMilli(ago(40)))));
    }

    @Test
    void filtersByTextInPathOrError() {
        assertEquals(List.of(4L), ids(LogFilter.ALL.withText("overloaded")), "case-insensitive, in the error");
        assertEquals(List.of(2L), ids(LogFilter.ALL.withText("count_tokens")), "in the path");
        assertEquals(List.of(8L), ids(LogFilter.ALL.withText("/V1/MODELS")));
        assertEquals(List.of(), ids(LogFilter.ALL.withText("%")), "no wildcards");
        assertEquals(List.of(6L), ids(LogFilter.ALL.withText("_limit")), "an underscore is itself");
        assertEquals(8, ids(LogFilter.ALL.withText("  ")).size(), "blank text does not filter");
    }

    @Test
    void pagesWithABeforeCursor() {
        LogPage p1 = q.list(LogFilter.ALL, null, 3);
        assertEquals(List.of(8L, 7L, 6L), p1.entries().stream().map(LogEntry::id).toList());
        assertEquals(6L, p1.nextBefore());
        LogPage p2 = q.list(LogFilter.ALL, p1.nextBefore(), 3);
        assertEquals(List.of(5L, 4L, 3L), p2.entries().stream().map(LogEntry::id).toList());
        LogPage p3 = q.list(LogFilter.ALL, p2.nextBefore(), 3);
        assertEquals(List.of(2L, 1L), p3.entries().stream().map(LogEntry::id).toList());
        assertNull(p3.nextBefore());
        // with a filter
        LogFilter a = LogFilter.ALL.withEndpoint("a");
        LogPage f1 = q.list(a, null, 2);
        assertEquals(List.of(8L, 6L), f1.entries().stream().map(LogEntry::id).toList());
        LogPage f2 = q.list(a, f1.nextBefore(), 2);
        assertEquals(List.of(4L, 3L), f2.entries().stream().map(LogEntry::id).toList());
        LogPage f3 = q.list(a, f2.nextBefore(), 2);
        assertEquals(List.of(1L), f3.entries().stream().map(LogEntry::id).toList());
        assertNull(f3.nextBefore());
        // an exact fit has no next page
        assertNull(q.list(LogFilter.ALL.withEndpoint("b"), null, 3).nextBefore());
    }

    @Test
    void limitIsClamped() {
        assertEquals(1, q.list(LogFilter.ALL, null, 0).entries().size());
        for (int i = 100; i < 400; i++) {
            s.log.offer(Rec.of(i).at(ago(1)).build());
        }
        s.log.flush();
        assertEquals(LogQueries.MAX_LIMIT, q.list(LogFilter.ALL, null, 10_000).entries().size());
    }

    @Test
    void detailHasAttemptsHeadersAndBodies() {
        LogDetail d = q.detail(5).orElseThrow();
        assertEquals(2, d.attempts().size());
        assertEquals("a", d.attempts().get(0).endpoint());
        assertEquals("http_529", d.attempts().get(0).outcome());
        assertEquals(529, d.attempts().get(0).status());
        assertEquals("b", d.attempts().get(1).endpoint());
        assertEquals("ok", d.attempts().get(1).outcome());
        assertEquals(Map.of("request-id", List.of("req_1")), d.responseHeaders());
        assertEquals("{\"model\":\"claude-sonnet-4-5-20250929\",\"stream\":true}", new String(d.requestBody()));
        assertTrue(q.detail(12345).isEmpty());
    }

    @Test
    void detailAfterDetailsArePrunedKeepsTheRow() {
        s.set(Map.of("bodyRetention", "2"));
        s.log.flush();
        LogDetail d = q.detail(1).orElseThrow();
        assertFalse(d.entry().detailsKept());
        assertEquals(Map.of(), d.requestHeaders());
        assertNull(d.requestBody());
        assertNull(d.responseBody());
        assertEquals(1, d.attempts().size(), "attempts live as long as the row");
        assertTrue(q.detail(8).orElseThrow().entry().detailsKept());
    }
}
