package dev.codeproxy.app;

import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.RecordedRequest;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-endpoint compatibility against a fake upstream that refuses a named beta flag (or field)
 * the way compatible services do: the proxy retries once without it on the same endpoint, records
 * that retry as an attempt, and leaves it out of the endpoint's next requests.
 */
class CompatTest extends AdminServerTest {
    private static final String REFUSED = "context-management-2025-06-27";
    private static final String BETAS = "claude-code-20250219,interleaved-thinking-2025-05-14," + REFUSED
            + ",effort-2025-11-24";

    private Resp claude(String body) {
        return send(HttpRequest.newBuilder(URI.create(base() + ClaudeCodeBodies.MESSAGES_TARGET))
                .timeout(Duration.ofSeconds(30)).header("x-api-key", CLIENT).header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01").header("anthropic-beta", BETAS)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void aRefusedBetaIsDroppedRetriedOnceAndRemembered() {
        addEndpoint("compatible", upstream.baseUrl());
        upstream.rejectBeta(REFUSED).setDefault(Reply.sse(SseFixtures.message("glm-4.6", 2)));
        String body = ClaudeCodeBodies.request("claude-sonnet-4-5", true, 20_000);

        Resp first = claude(body);
        assertEquals(200, first.status(), first.body());
        assertEquals("2", first.header("x-code-proxy-attempts"));
        assertEquals("compatible", first.header("x-code-proxy-endpoint"));
        RecordedRequest refused = upstream.takeRequest(Duration.ofSeconds(5));
        RecordedRequest retried = upstream.takeRequest(Duration.ofSeconds(5));
        assertTrue(refused.header("anthropic-beta").contains(REFUSED));
        assertEquals("claude-code-20250219,interleaved-thinking-2025-05-14,effort-2025-11-24",
                retried.header("anthropic-beta"), "only the refused flag is left out");
        assertEquals(body, retried.bodyString(), "the body is untouched");

        // the next request leaves it out from the start: one attempt
        Resp second = claude(body);
        assertEquals(200, second.status());
        assertEquals("1", second.header("x-code-proxy-attempts"));
        assertFalse(upstream.takeRequest(Duration.ofSeconds(5)).header("anthropic-beta").contains(REFUSED));

        // the log shows the retry as an attempt on the same endpoint, and the endpoint what it learned
        logged(2);
        JsonObject entry = get("/_/api/logs?limit=2").json().getJsonArray("entries").getJsonObject(1);
        JsonArray attempts = get("/_/api/logs/" + entry.getJsonNumber("id").longValue()).json().getJsonArray("attempts");
        assertEquals(2, attempts.size());
        assertEquals(400, attempts.getJsonObject(0).getInt("status"));
        assertEquals("compatible", attempts.getJsonObject(1).getString("endpoint"));
        assertEquals(200, attempts.getJsonObject(1).getInt("status"));
        JsonObject ep = get("/_/api/endpoints").json().getJsonArray("endpoints").getJsonObject(0);
        assertEquals(REFUSED, ep.getJsonObject("learned").getJsonArray("betas").getString(0));
    }

    @Test
    void aRefusedFieldIsDroppedFromTheBody() {
        addEndpoint("strict", upstream.baseUrl());
        upstream.rejectField("context_management").setDefault(Reply.sse(SseFixtures.message("glm-4.6", 2)));
        String body = ClaudeCodeBodies.request("claude-sonnet-4-5", true, 20_000);
        Resp r = claude(body);
        assertEquals(200, r.status(), r.body());
        assertEquals("2", r.header("x-code-proxy-attempts"));
        upstream.takeRequest(Duration.ofSeconds(5));
        String sent = upstream.takeRequest(Duration.ofSeconds(5)).bodyString();
        assertFalse(sent.contains("\"context_management\""), sent);
        // everything else is byte for byte the client's
        String without = body.replaceFirst(",\"context_management\":\\{\"edits\":\\[\\{\"type\":\"clear_thinking_20251015\","
                + "\"keep\":\"all\"}]}", "");
        assertEquals(without, sent);
        Json.createReader(new StringReader(sent)).readObject();
    }

    @Test
    void onlyOneCompatRetryAndOtherBadRequestsPassThrough() {
        addEndpoint("compatible", upstream.baseUrl());
        // a 400 that names nothing the request sent: returned as is, one attempt
        upstream.enqueue(Reply.error(400, "invalid_request_error", "max_tokens: must be at most 8192"));
        Resp plain = claude(ClaudeCodeBodies.request("claude-sonnet-4-5", true, 20_000));
        assertEquals(400, plain.status());
        assertEquals("1", plain.header("x-code-proxy-attempts"));
        // two flags refused in turn: one retry only, then the second 400 goes to the client
        upstream.rejectBeta(REFUSED).rejectBeta("effort-2025-11-24");
        Resp twice = claude(ClaudeCodeBodies.request("claude-sonnet-4-5", true, 20_000));
        assertEquals(400, twice.status(), twice.body());
        assertEquals("2", twice.header("x-code-proxy-attempts"));
        assertTrue(twice.body().contains("effort-2025-11-24"), twice.body());
    }

    @Test
    void configuredDropAndAllowLists() {
        Resp created = api("POST", "/_/api/endpoints", "{\"name\":\"gw\",\"baseUrl\":\"" + upstream.baseUrl()
                + "\",\"apiKey\":\"" + KEY + "\",\"compat\":{\"allowBetas\":[\"claude-code-20250219\","
                + "\"effort-2025-11-24\"],\"dropFields\":[\"output_config\"]}}");
        assertEquals(201, created.status(), created.body());
        assertEquals("effort-2025-11-24", created.json().getJsonObject("compat").getJsonArray("allowBetas").getString(1));
        upstream.setDefault(Reply.sse(SseFixtures.message("glm-4.6", 2)));
        assertEquals(200, claude(ClaudeCodeBodies.request("claude-sonnet-4-5", true, 20_000)).status());
        RecordedRequest r = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals("claude-code-20250219,effort-2025-11-24", r.header("anthropic-beta"));
        assertFalse(r.bodyString().contains("output_config"));
        assertTrue(r.bodyString().contains("\"thinking\""));

        Resp bad = api("POST", "/_/api/endpoints", "{\"name\":\"gw2\",\"baseUrl\":\"" + upstream.baseUrl()
                + "\",\"compat\":{\"dropFields\":[\"messages\"]}}");
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.json().getJsonObject("fields").getString("compat.dropFields").contains("cannot be dropped"));
        Resp unknown = api("POST", "/_/api/endpoints", "{\"name\":\"gw2\",\"baseUrl\":\"" + upstream.baseUrl()
                + "\",\"compat\":{\"blockBetas\":[]}}");
        assertEquals(400, unknown.status(), unknown.body());
        assertTrue(unknown.json().getJsonObject("fields").containsKey("compat.blockBetas"), unknown.body());

        // export and import keep it
        JsonObject exported = get("/_/api/export").json().getJsonArray("endpoints").getJsonObject(0);
        assertEquals("output_config", exported.getJsonObject("compat").getJsonArray("dropFields").getString(0));
    }
}
