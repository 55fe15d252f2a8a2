package dev.codeproxy.app;

import dev.codeproxy.testkit.Conversation;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claude Code turns through the real proxy: the log gives each body back byte for byte (the
 * detail's raw text, the download), and says which messages each turn added.
 */
class AdminLogPartsTest extends AdminServerTest {
    static final String SESSION = "3d0c8f7a-6b1e-4f2a-9c5d-8e7f6a5b4c3d";

    @Test
    void eachTurnComesBackByteForByteWithItsNewMessages() throws Exception {
        addEndpoint("main", upstream.baseUrl());
        Conversation c = new Conversation(21, "claude-sonnet-4-5", SESSION);
        int turns = 4;
        for (int n = 1; n <= turns; n++) {
            upstream.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 2)));
            Resp r = send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages?beta=true"))
                    .timeout(Duration.ofSeconds(30)).header("x-api-key", CLIENT).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(c.turnBytes(n))).build());
            assertEquals(200, r.status(), r.body());
        }
        logged(turns);
        List<JsonObject> entries = get("/_/api/logs").json().getJsonArray("entries").getValuesAs(JsonObject.class);
        assertEquals(turns, entries.size());
        for (int i = 0; i < turns; i++) {
            int n = turns - i; // newest first
            long id = entries.get(i).getJsonNumber("id").longValue();
            JsonObject d = get("/_/api/logs/" + id).json();
            JsonObject body = d.getJsonObject("requestBody");
            assertEquals("json", body.getString("kind"));
            assertEquals(c.turn(n), body.getString("raw"), "the detail's raw text, turn " + n);
            assertTrue(body.getString("text").contains("\n"), "and the pretty view");
            HttpResponse<byte[]> raw = http.send(request("GET", "/_/api/logs/" + id + "/request-body", null)
                    .header("authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, raw.statusCode());
            assertArrayEquals(c.turnBytes(n), raw.body(), "the download, turn " + n);
            assertEquals("application/octet-stream", raw.headers().firstValue("content-type").orElse(""));

            JsonObject m = d.getJsonObject("messages");
            assertEquals(2 * n - 1, m.getInt("total"));
            if (n == 1) {
                assertEquals(1, m.getInt("fresh"));
                assertTrue(m.isNull("previousId"));
            } else {
                assertEquals(2, m.getInt("fresh"), "an answer and the user's next message, turn " + n);
                assertEquals(List.of(2 * n - 3, 2 * n - 2), m.getJsonArray("newIndexes").getValuesAs(
                        JsonNumber.class).stream().map(JsonNumber::intValue).toList());
                assertEquals(entries.get(i + 1).getJsonNumber("id").longValue(), m.getJsonNumber("previousId").longValue());
            }
        }
        assertEquals(404, get("/_/api/logs/999999/request-body").status());
        String unauthorized = new String(http.send(request("GET", "/_/api/logs/" + entries.getFirst().getJsonNumber("id")
                + "/request-body", null).build(), HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8);
        assertTrue(!unauthorized.contains("messages"), "no body without the admin token");
    }
}
