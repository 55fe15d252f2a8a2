package dev.codeproxy.app;

import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /_/api/logs and /_/api/stats over requests really proxied and logged. */
class AdminLogsStatsTest extends AdminServerTest {

    /** One JSON request, one stream (with thinking), one upstream 500 that fails. */
    private void traffic() {
        addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-4-5", "plain answer")));
        assertEquals(200, proxy(MESSAGE).status());
        List<String> events = new ArrayList<>();
        events.add(SseFixtures.messageStart("claude-sonnet-4-5"));
        events.add(SseFixtures.event("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}"));
        events.add(SseFixtures.event("content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"let me think\"}}"));
        events.add(SseFixtures.contentBlockStop(0));
        events.add(SseFixtures.contentBlockStart(1));
        events.add(SseFixtures.textDelta(1, "Hello, "));
        events.add(SseFixtures.textDelta(1, "world"));
        events.add(SseFixtures.contentBlockStop(1));
        events.add(SseFixtures.messageDelta("end_turn", 2));
        events.add(SseFixtures.messageStop());
        upstream.enqueue(Reply.sse(events));
        assertEquals(200, proxy(STREAM_MESSAGE).status());
        upstream.enqueue(Reply.error(400, "invalid_request_error", "max_tokens too large"));
        assertEquals(400, proxy(MESSAGE).status());
        logged(3);
    }

    @Test
    void listFiltersAndPages() {
        traffic();
        Resp all = get("/_/api/logs");
        assertEquals(200, all.status(), all.body());
        JsonArray entries = all.json().getJsonArray("entries");
        assertEquals(3, entries.size());
        JsonObject newest = entries.getJsonObject(0);
        assertEquals(400, newest.getInt("status"));
        assertEquals("client_error", newest.getString("outcome"));
        assertTrue(all.json().isNull("nextBefore"));

        assertEquals(2, get("/_/api/logs?status=2xx").json().getJsonArray("entries").size());
        assertEquals(1, get("/_/api/logs?status=4xx").json().getJsonArray("entries").size());
        assertEquals(1, get("/_/api/logs?stream=true").json().getJsonArray("entries").size());
        assertEquals(3, get("/_/api/logs?endpoint=main").json().getJsonArray("entries").size());
        assertEquals(0, get("/_/api/logs?endpoint=other").json().getJsonArray("entries").size());
        assertEquals(3, get("/_/api/logs?model=claude-sonnet-4-5").json().getJsonArray("entries").size());
        assertEquals(3, get("/_/api/logs?q=MESSAGES").json().getJsonArray("entries").size());
        assertEquals(0, get("/_/api/logs?q=nothing-like-this").json().getJsonArray("entries").size());
        assertEquals(1, get("/_/api/logs?outcome=client_error").json().getJsonArray("entries").size());
        String today = LocalDate.now().toString();
        assertEquals(3, get("/_/api/logs?from=" + today).json().getJsonArray("entries").size());
        assertEquals(0, get("/_/api/logs?to=2000-01-01T00:00:00Z").json().getJsonArray("entries").size());
        assertEquals(3, get("/_/api/logs?from=0").json().getJsonArray("entries").size());

        Resp page1 = get("/_/api/logs?limit=2");
        assertEquals(2, page1.json().getJsonArray("entries").size());
        long cursor = page1.json().getJsonNumber("nextBefore").longValue();
        Resp page2 = get("/_/api/logs?limit=2&before=" + cursor);
        assertEquals(1, page2.json().getJsonArray("entries").size());
        assertTrue(page2.json().isNull("nextBefore"));
    }

    @Test
    void badFiltersAreNamed() {
        Resp r = get("/_/api/logs?status=6xx&stream=maybe&from=yesterday&limit=0&before=x&outcome=great");
        assertEquals(400, r.status());
        JsonObject f = r.json().getJsonObject("fields");
        assertTrue(f.getString("status").contains("2xx"), r.body());
        assertTrue(f.getString("stream").contains("true or false"), r.body());
        assertTrue(f.getString("from").contains("ISO-8601"), r.body());
        assertTrue(f.getString("limit").contains("1 to 200"), r.body());
        assertTrue(f.containsKey("before"));
        assertTrue(f.getString("outcome").contains("failed_over"), r.body());
        assertEquals(404, get("/_/api/logs/123").status());
        assertEquals(404, get("/_/api/logs/x").status());
    }

    @Test
    void detailShowsAttemptsHeadersAndReadableBodies() {
        traffic();
        JsonArray entries = get("/_/api/logs").json().getJsonArray("entries");
        long jsonId = entries.getJsonObject(2).getJsonNumber("id").longValue();
        long sseId = entries.getJsonObject(1).getJsonNumber("id").longValue();

        JsonObject json = get("/_/api/logs/" + jsonId).json();
        assertEquals(1, json.getJsonArray("attempts").size());
        assertEquals("main", json.getJsonArray("attempts").getJsonObject(0).getString("endpoint"));
        assertEquals("[redacted]", json.getJsonObject("requestHeaders").getJsonArray("x-api-key").getString(0));
        JsonObject req = json.getJsonObject("requestBody");
        assertEquals("json", req.getString("kind"));
        assertTrue(req.getString("text").contains("\n"), "pretty-printed: " + req.getString("text"));
        assertTrue(req.getString("text").contains("\"claude-sonnet-4-5\""));
        JsonObject res = json.getJsonObject("responseBody");
        assertEquals("json", res.getString("kind"));
        assertTrue(res.getString("text").contains("plain answer"));
        assertEquals(25, json.getJsonObject("entry").getJsonObject("tokens").getInt("input"));

        JsonObject sse = get("/_/api/logs/" + sseId).json();
        JsonObject body = sse.getJsonObject("responseBody");
        assertEquals("sse", body.getString("kind"));
        assertEquals("Hello, world", body.getJsonObject("sse").getString("text"));
        assertEquals("let me think", body.getJsonObject("sse").getString("thinking"));
        JsonArray events = body.getJsonObject("sse").getJsonArray("events");
        assertEquals(10, events.size());
        assertEquals("message_start", events.getJsonObject(0).getString("event"));
        assertTrue(events.getJsonObject(0).getString("data").startsWith("{"));
        assertTrue(sse.getJsonObject("entry").getBoolean("stream"));
        assertTrue(sse.getJsonObject("entry").getJsonNumber("firstTokenMs").longValue() >= 0);
        assertFalse(sse.getJsonObject("responseHeaders").isEmpty());
    }

    @Test
    void statistics() {
        traffic();
        JsonObject sum = get("/_/api/stats/summary?range=today").json();
        assertEquals("today", sum.getString("range"));
        assertEquals(3, sum.getInt("requests"));
        assertEquals(2, sum.getInt("success"));
        assertEquals(1, sum.getInt("clientErrors"));
        assertTrue(sum.getJsonNumber("costMicros").longValue() > 0);
        assertEquals(50, sum.getJsonObject("tokens").getInt("input"), "25 per served request");
        for (String range : List.of("7d", "30d", "all")) {
            assertEquals(3, get("/_/api/stats/summary?range=" + range).json().getInt("requests"), range);
        }
        assertEquals(3, get("/_/api/stats/summary").json().getInt("requests"), "today by default");

        JsonObject hourly = get("/_/api/stats/series?range=today").json();
        assertEquals("hour", hourly.getString("by"));
        long hourTotal = 0;
        for (var p : hourly.getJsonArray("points")) {
            hourTotal += p.asJsonObject().getInt("requests");
        }
        assertEquals(3, hourTotal);
        JsonObject daily = get("/_/api/stats/series?range=7d&by=day").json();
        assertEquals(7, daily.getJsonArray("points").size());
        assertEquals(3, daily.getJsonArray("points").getJsonObject(6).getInt("requests"));
        assertFalse(get("/_/api/stats/series?range=all").json().getJsonArray("points").isEmpty());

        JsonArray models = get("/_/api/stats/models?range=today").json().getJsonArray("models");
        assertEquals("claude-sonnet-4-5", models.getJsonObject(0).getString("model"));
        assertEquals(3, models.getJsonObject(0).getInt("requests"));

        JsonArray eps = get("/_/api/stats/endpoints?range=today").json().getJsonArray("endpoints");
        JsonObject main = eps.getJsonObject(0);
        assertEquals("main", main.getString("endpoint"));
        assertEquals(3, main.getInt("requests"));
        assertEquals("healthy", main.getString("state"));
        assertTrue(main.getJsonObject("total").getJsonNumber("p50").longValue() >= 0);

        JsonObject heat = get("/_/api/stats/heatmap").json();
        assertEquals(365, heat.getJsonArray("days").size());
        assertEquals(LocalDate.now().toString(), heat.getString("to"));
        assertTrue(heat.getJsonArray("days").getJsonObject(364).getJsonNumber("tokens").longValue() > 0);
        JsonObject year = get("/_/api/stats/heatmap?year=" + LocalDate.now().getYear()).json();
        assertEquals(LocalDate.now().lengthOfYear(), year.getJsonArray("days").size());
        assertNotNull(year.getString("from"));
    }

    @Test
    void badStatisticsParametersAreNamed() {
        Resp range = get("/_/api/stats/summary?range=week");
        assertEquals(400, range.status());
        assertTrue(range.json().getJsonObject("fields").getString("range").contains("today, 24h, 7d, 30d, month or all"));
        assertEquals(400, get("/_/api/stats/series?by=minute").status());
        assertEquals(400, get("/_/api/stats/models?range=1y").status());
        assertEquals(400, get("/_/api/stats/endpoints?range=x").status());
        Resp year = get("/_/api/stats/heatmap?year=twenty");
        assertEquals(400, year.status());
        assertTrue(year.json().getJsonObject("fields").containsKey("year"));
        assertEquals(400, get("/_/api/stats/heatmap?year=1999").status());
    }
}
