package dev.codeproxy.app;

import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions, the usage API, the status line and the statistics' month, rolling-24-hour and years
 * answers, over requests really proxied and logged. Sonnet 4.5 prices per million tokens:
 * 3 / 15 / 3.75 (cache write) / 0.30 (cache read), so micro-USD per token.
 */
class AdminUsageTest extends AdminServerTest {
    static final String SESSION = "0f2d5a8e-1111-4c4f-9c55-1f0d1b2e3a4b";
    FakeUpstream second;

    @AfterEach
    void closeSecond() {
        if (second != null) {
            second.close();
        }
    }

    static String body(String metadata) {
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"You are Claude Code.\\n<env>\\nPrimary working directory: "
                + "/home/u/proj\\nPlatform: linux\\n</env>\"}]," + (metadata == null ? "" : "\"metadata\":" + metadata + ",")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static Reply answer(long in, long out, long write, long read) {
        return Reply.json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\",\"usage\":{"
                + "\"input_tokens\":" + in + ",\"output_tokens\":" + out + ",\"cache_creation_input_tokens\":" + write
                + ",\"cache_read_input_tokens\":" + read + "}}");
    }

    Resp message(String sessionHeader, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("x-api-key", CLIENT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionHeader != null) {
            b.header("x-claude-code-session-id", sessionHeader);
        }
        return send(b.build());
    }

    Resp statusline(String query, String headerName, String headerValue) {
        HttpRequest.Builder b = request("GET", "/_/statusline" + query, null);
        if (headerName != null) {
            b.header(headerName, headerValue);
        }
        return send(b.build());
    }

    /**
     * Session A: a serves (1000 in, 100 out, 2000 written: 3,000 + 1,500 + 7,500 = 12,000); a
     * refuses the key (401) and b serves (100, 100, 3000 written, 500 read: 300 + 1,500 + 11,250 +
     * 150 = 13,200, of it 11,250 for the cache the switch threw away); b again (100, 100, 3500
     * read: 300 + 1,500 + 1,050 = 2,850). Session B (from metadata.user_id) on b: 10, 10: 30 + 150 = 180.
     */
    void traffic() {
        second = FakeUpstream.start();
        addEndpoint("a", upstream.baseUrl());
        addEndpoint("b", second.baseUrl());
        upstream.enqueue(answer(1000, 100, 2000, 0));
        assertEquals(200, message(SESSION, body(null)).status());
        upstream.enqueue(Reply.error(401, "authentication_error", "bad key"));
        second.enqueue(answer(100, 100, 3000, 500));
        Resp r = message(SESSION, body(null));
        assertEquals(200, r.status(), r.body());
        assertEquals("b", r.header("x-code-proxy-endpoint"));
        second.enqueue(answer(100, 100, 0, 3500));
        assertEquals(200, message(SESSION, body(null)).status());
        second.enqueue(answer(10, 10, 0, 0));
        assertEquals(200, message(null, body("{\"user_id\":\"{\\\"device_id\\\":\\\"d1\\\",\\\"account_uuid\\\":\\\"\\\","
                + "\\\"session_id\\\":\\\"sess-b\\\"}\"}")).status());
        logged(4);
    }

    @Test
    void sessionsWithFailoverCostAndTimeline() {
        traffic();
        Resp list = get("/_/api/usage/sessions");
        assertEquals(200, list.status(), list.body());
        JsonArray sessions = list.json().getJsonArray("sessions");
        assertEquals(2, sessions.size(), list.body());
        JsonObject a = sessions.stream().map(v -> v.asJsonObject())
                .filter(o -> o.getString("sessionId").equals(SESSION)).findFirst().orElseThrow();
        assertEquals("/home/u/proj", a.getString("project"));
        assertEquals(3, a.getInt("requests"));
        assertEquals(1, a.getInt("failedOver"));
        assertEquals(28_050, a.getJsonNumber("costMicros").longValue());
        JsonObject t = a.getJsonObject("tokens");
        assertEquals(1200, t.getInt("input"));
        assertEquals(300, t.getInt("output"));
        assertEquals(5000, t.getInt("cacheWrite5m"));
        assertEquals(4000, t.getInt("cacheRead"));
        assertEquals(4000.0 / 10200, a.getJsonNumber("cacheHitRatio").doubleValue(), 1e-9);
        assertEquals(List.of("a", "b"), a.getJsonArray("endpoints").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList());
        assertEquals(1, a.getInt("endpointSwitches"));
        assertEquals(3000, a.getInt("failoverCacheWriteTokens"));
        assertEquals(11_250, a.getJsonNumber("failoverCostMicros").longValue());
        assertTrue(a.getBoolean("active"));

        JsonObject b = sessions.stream().map(v -> v.asJsonObject())
                .filter(o -> o.getString("sessionId").equals("sess-b")).findFirst().orElseThrow();
        assertEquals(180, b.getJsonNumber("costMicros").longValue());

        Resp detail = get("/_/api/usage/sessions/" + SESSION);
        assertEquals(200, detail.status(), detail.body());
        JsonArray timeline = detail.json().getJsonArray("timeline");
        assertEquals(3, timeline.size());
        assertEquals(List.of(false, true, false), timeline.stream().map(v -> v.asJsonObject().getBoolean("switched"))
                .toList());
        assertEquals(List.of("a", "b", "b"), timeline.stream().map(v -> v.asJsonObject().getString("endpoint")).toList());
        assertEquals(13_200, timeline.getJsonObject(1).getJsonNumber("costMicros").longValue());

        assertEquals(404, get("/_/api/usage/sessions/no-such-session").status());
        Resp bad = get("/_/api/usage/sessions?limit=0");
        assertEquals(400, bad.status());
        assertTrue(bad.json().getJsonObject("fields").getString("limit").contains("1 to 5000"), bad.body());
        assertEquals(400, get("/_/api/usage/daily?since=yesterday").status());

        JsonArray days = get("/_/api/usage/daily").json().getJsonArray("periods");
        assertEquals(1, days.size());
        assertEquals(28_230, days.getJsonObject(0).getJsonNumber("costMicros").longValue());
        JsonArray blocks = get("/_/api/usage/blocks").json().getJsonArray("blocks");
        assertEquals(1, blocks.size());
        assertTrue(blocks.getJsonObject(0).getBoolean("active"));
        assertFalse(blocks.getJsonObject(0).isNull("projectedCostMicros"));
        // the session header is still redacted in the stored headers
        long id = get("/_/api/logs").json().getJsonArray("entries").getJsonObject(1).getJsonNumber("id").longValue();
        JsonObject h = get("/_/api/logs/" + id).json().getJsonObject("requestHeaders");
        assertEquals("[redacted]", h.getJsonArray("x-claude-code-session-id").getString(0), h.toString());
    }

    @Test
    void theProjectIsFoundAlsoWhenTheLogKeepsNoBody() {
        addEndpoint("a", upstream.baseUrl());
        Resp set = api("PUT", "/_/api/settings", "{\"captureMode\":\"none\"}");
        assertEquals(200, set.status(), set.body());
        upstream.enqueue(answer(10, 10, 0, 0));
        assertEquals(200, message("no-body-session", body(null)).status());
        logged(1);
        JsonObject s = get("/_/api/usage/sessions/no-body-session").json().getJsonObject("session");
        assertEquals("/home/u/proj", s.getString("project"));
    }

    @Test
    void statusLineWithAClientToken() {
        traffic();
        Resp r = statusline("?session=" + SESSION, "x-api-key", CLIENT);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.header("content-type").startsWith("text/plain"), r.header("content-type"));
        assertTrue(r.body().matches("⇄ b · session \\$0\\.03 · today \\$0\\.03 · block \\$0\\.03, [0-4]h[0-5]\\dm left\n"),
                r.body());
        Resp unknown = statusline("?session=someone-else", "authorization", "Bearer " + CLIENT);
        assertEquals(200, unknown.status());
        assertTrue(unknown.body().startsWith("⇄ b · session $0.00 · today $0.03"), unknown.body());
        assertEquals(401, statusline("?session=" + SESSION, null, null).status());
        assertEquals(401, statusline("?session=" + SESSION, "x-api-key", "cp-wrong").status());
        assertEquals(401, statusline("", "authorization", "Bearer " + ADMIN).status(), "the admin token is no client token");
        assertEquals(400, statusline("?session=" + "x".repeat(200), "x-api-key", CLIENT).status());
        assertEquals(400, statusline("?session=a%20b", "x-api-key", CLIENT).status());
        // only the exact path opens with a client token
        assertEquals(400, raw("GET", "/_/%73tatusline", Map.of("Host", "127.0.0.1", "x-api-key", CLIENT)).status());
        assertEquals(401, raw("GET", "/_/statusline/x", Map.of("Host", "127.0.0.1", "x-api-key", CLIENT)).status());
        assertEquals(401, raw("GET", "/_/api/settings", Map.of("Host", "127.0.0.1", "x-api-key", CLIENT)).status());
        assertEquals(403, raw("GET", "/_/statusline", Map.of("Host", "evil.example", "x-api-key", CLIENT)).status());
    }

    @Test
    void statsMonthRolling24HoursAndYears() {
        traffic();
        JsonObject month = get("/_/api/stats/summary?range=month").json();
        assertEquals(28_230, month.getJsonNumber("costMicros").longValue());
        assertEquals(LocalDate.now().withDayOfMonth(1).toString(), month.getString("firstDay"));
        JsonObject day = get("/_/api/stats/summary?range=24h").json();
        assertEquals(4, day.getInt("requests"));
        JsonObject series = get("/_/api/stats/series?range=24h").json();
        assertEquals("hour", series.getString("by"));
        JsonArray points = series.getJsonArray("points");
        assertEquals(24, points.size());
        assertEquals(4, points.getJsonObject(23).getInt("requests"), "the current hour is last");
        long step = points.getJsonObject(1).getJsonNumber("start").longValue()
                - points.getJsonObject(0).getJsonNumber("start").longValue();
        assertEquals(3_600_000L, step);
        JsonArray years = get("/_/api/stats/years").json().getJsonArray("years");
        assertEquals(List.of(LocalDate.now().getYear()), years.getValuesAs(JsonNumber.class).stream()
                .map(JsonNumber::intValue).toList());
        Resp bad = get("/_/api/stats/summary?range=week");
        assertEquals(400, bad.status());
        assertTrue(bad.body().contains("today, 24h, 7d, 30d, month or all"), bad.body());
    }
}
