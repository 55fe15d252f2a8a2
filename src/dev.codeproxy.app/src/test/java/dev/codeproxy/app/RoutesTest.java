package dev.codeproxy.app;

import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routes by request kind through the real server: each kind lands on its group (failover inside
 * it), the route is in every response's x-code-proxy-route, in the log (with its filter) and in
 * the per-route sums; the admin API refuses bad rules field by field and tests pasted bodies.
 */
class RoutesTest extends AdminServerTest {
    private FakeUpstream cheap;
    private FakeUpstream best;

    @BeforeEach
    void moreUpstreams() {
        cheap = FakeUpstream.start();
        best = FakeUpstream.start();
        for (FakeUpstream u : List.of(upstream, cheap, best)) {
            u.setDefault(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 2)));
        }
    }

    @AfterEach
    void closeUpstreams() {
        cheap.close();
        best.close();
    }

    private static final String ROUTES = "{\"routes\":[{\"match\":\"background\",\"endpoints\":[\"cheap\"],"
            + "\"model\":\"glm-4.5-air\"},{\"match\":\"thinking\",\"endpoints\":[\"best\",\"main\"]}]}";

    private void setUp() {
        addEndpoint("main", upstream.baseUrl());
        addEndpoint("cheap", cheap.baseUrl());
        addEndpoint("best", best.baseUrl());
        Resp r = api("PUT", "/_/api/routes", ROUTES);
        assertEquals(200, r.status(), r.body());
    }

    private Resp claude(String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + ClaudeCodeBodies.MESSAGES_TARGET))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        Map<String, String> h = new HashMap<>(ClaudeCodeBodies.headers(CLIENT, "7c1e2a9d-3b4f-4e6a-9c8d-1f2e3d4c5b6a"));
        h.putAll(headers);
        h.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("host")
                    && !k.equalsIgnoreCase("connection") && !k.equalsIgnoreCase("accept-encoding")) {
                b.header(k, v);
            }
        });
        return send(b.build());
    }

    private Resp claude(String body) {
        return claude(body, Map.of());
    }

    @Test
    void eachKindLandsOnItsGroupAndSaysSo() {
        setUp();
        // the title request: background -> cheap, with the rule's model
        Resp title = claude(ClaudeCodeBodies.titleRequest("claude-haiku-4-5-20251001"));
        assertEquals(200, title.status(), title.body());
        assertEquals("background", title.header("x-code-proxy-route"));
        assertEquals("cheap", title.header("x-code-proxy-endpoint"));
        RecordedRequest sent = cheap.takeRequest(Duration.ofSeconds(5));
        assertTrue(sent.bodyString().startsWith("{\"model\":\"glm-4.5-air\","), sent.bodyString());

        // the main request (adaptive thinking, tools): thinking -> best, model as the client sent it
        String main = ClaudeCodeBodies.request("claude-opus-4-5", true, 50_000);
        Resp m = claude(main);
        assertEquals(200, m.status(), m.body());
        assertEquals("thinking", m.header("x-code-proxy-route"));
        assertEquals("best", m.header("x-code-proxy-endpoint"));
        assertEquals(main, best.takeRequest(Duration.ofSeconds(5)).bodyString(), "forwarded byte for byte");

        // no rule matches (tools, no thinking): the default, every endpoint by priority
        String plain = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"tools\":[{\"name\":\"Bash\","
                + "\"input_schema\":{}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Resp d = claude(plain);
        assertEquals("default", d.header("x-code-proxy-route"));
        assertEquals("main", d.header("x-code-proxy-endpoint"));
        assertEquals(1, upstream.requestCount());
    }

    @Test
    void failoverStaysInsideTheGroupInItsOrder() {
        setUp();
        best.enqueue(Reply.error(529, "overloaded_error", "Overloaded"), Reply.error(529, "overloaded_error", "Overloaded"));
        Resp m = claude(ClaudeCodeBodies.request("claude-opus-4-5", true, 20_000));
        assertEquals(200, m.status(), m.body());
        assertEquals("thinking", m.header("x-code-proxy-route"));
        // best (first in the group) failed, main (second) served; cheap was never asked
        assertEquals("main", m.header("x-code-proxy-endpoint"));
        assertEquals(0, cheap.requestCount());
    }

    @Test
    void errorsCarryTheRouteToo() {
        setUp();
        best.enqueue(Reply.error(400, "invalid_request_error", "max_tokens: too large"));
        Resp bad = claude(ClaudeCodeBodies.request("claude-opus-4-5", true, 20_000));
        assertEquals(400, bad.status());
        assertEquals("thinking", bad.header("x-code-proxy-route"));
        assertEquals(List.of("thinking"), bad.headers().get("x-code-proxy-route"), "one value: the route replaces the default");
        // refused before the body was read: no rule applied
        Resp noToken = send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(MESSAGE)).build());
        assertEquals(401, noToken.status());
        assertEquals("default", noToken.header("x-code-proxy-route"));
        // a group whose endpoints are all disabled: 503 naming the route, not another group
        long id = endpointId("cheap");
        assertEquals(200, api("PATCH", "/_/api/endpoints/" + id, "{\"enabled\":false}").status());
        Resp off = claude(ClaudeCodeBodies.titleRequest("claude-haiku-4-5"));
        assertEquals(503, off.status(), off.body());
        assertEquals("background", off.header("x-code-proxy-route"));
        assertTrue(off.body().contains("route 'background' has no enabled endpoint"), off.body());
        assertEquals(0, upstream.requestCount());
    }

    @Test
    void subagentsByTheirHeader() {
        addEndpoint("main", upstream.baseUrl());
        addEndpoint("cheap", cheap.baseUrl());
        assertEquals(200, api("PUT", "/_/api/routes", "{\"routes\":[{\"match\":\"subagent\",\"endpoints\":[\"cheap\"]}]}")
                .status());
        Resp sub = claude(ClaudeCodeBodies.request("claude-sonnet-4-5", true, 20_000),
                Map.of("x-claude-code-agent-id", "a1b2c3"));
        assertEquals("subagent", sub.header("x-code-proxy-route"));
        assertEquals("cheap", sub.header("x-code-proxy-endpoint"));
        Resp main = claude(ClaudeCodeBodies.request("claude-sonnet-4-5", true, 20_000));
        assertEquals("default", main.header("x-code-proxy-route"));
    }

    @Test
    void theLogKeepsTheRouteAndTheDashboardSumsByRoute() {
        setUp();
        claude(ClaudeCodeBodies.titleRequest("claude-haiku-4-5"));
        claude(ClaudeCodeBodies.titleRequest("claude-haiku-4-5"));
        claude(ClaudeCodeBodies.request("claude-opus-4-5", true, 20_000));
        proxy("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"tools\":[{\"name\":\"Bash\",\"input_schema\":{}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        logged(4);
        JsonArray bg = get("/_/api/logs?route=background").json().getJsonArray("entries");
        assertEquals(2, bg.size());
        assertEquals("background", bg.getJsonObject(0).getString("route"));
        assertEquals("glm-4.5-air", bg.getJsonObject(0).getString("sentModel"));
        assertEquals(1, get("/_/api/logs?route=thinking").json().getJsonArray("entries").size());
        assertEquals(1, get("/_/api/logs?route=default").json().getJsonArray("entries").size());

        JsonArray rows = get("/_/api/stats/routes?range=today").json().getJsonArray("routes");
        Map<String, JsonObject> byRoute = new HashMap<>();
        rows.forEach(v -> byRoute.put(v.asJsonObject().getString("route"), v.asJsonObject()));
        assertEquals(2, byRoute.get("background").getInt("requests"));
        assertEquals(1, byRoute.get("thinking").getInt("requests"));
        assertEquals(1, byRoute.get("default").getInt("requests"));
        // the fixture's usage: 25 input tokens per request
        assertEquals(50, byRoute.get("background").getJsonObject("tokens").getInt("input"), rows.toString());
    }

    @Test
    void badRulesAreRefusedFieldByField() {
        addEndpoint("main", upstream.baseUrl());
        Resp r = api("PUT", "/_/api/routes", "{\"routes\":[{\"match\":\"cheapest\",\"endpoints\":[\"main\"]},"
                + "{\"match\":\"longContext\",\"minInputTokens\":-1,\"endpoints\":[\"main\",\"ghost\"]}]}");
        assertEquals(400, r.status(), r.body());
        JsonObject fields = r.json().getJsonObject("fields");
        assertTrue(fields.getString("routes[0].match").contains("unknown kind 'cheapest'"), r.body());
        assertTrue(fields.getString("routes[1].minInputTokens").contains("cannot be negative"), r.body());
        assertTrue(fields.getString("routes[1].endpoints[1]").contains("unknown endpoint 'ghost'"), r.body());
        assertEquals(0, get("/_/api/routes").json().getJsonArray("routes").size(), "nothing stored");
        // the same words through the settings API
        Resp s = api("PATCH", "/_/api/settings", "{\"routes\":[{\"match\":\"image\",\"endpoints\":[\"ghost\"]}]}");
        assertEquals(400, s.status(), s.body());
        assertTrue(s.json().getJsonObject("fields").getString("routes[0].endpoints[0]").contains("unknown endpoint"));
        Resp ok = api("PATCH", "/_/api/settings", "{\"routes\":[{\"match\":\"image\",\"endpoints\":[\"main\"]}]}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals("image", ok.json().getJsonObject("settings").getJsonArray("routes").getJsonObject(0).getString("match"));
    }

    @Test
    void aPastedBodyIsTestedAgainstTheRules() {
        setUp();
        Resp t = api("POST", "/_/api/routes/test", "{\"body\":" + quote(ClaudeCodeBodies.titleRequest("claude-haiku-4-5"))
                + "}");
        assertEquals(200, t.status(), t.body());
        assertEquals("background", t.json().getString("route"));
        assertEquals(0, t.json().getInt("index"));
        assertEquals("glm-4.5-air", t.json().getString("model"));
        assertEquals(0, t.json().getJsonObject("detected").getInt("tools"));
        // unsaved rules may be tried too; the body may be a JSON object
        Resp u = api("POST", "/_/api/routes/test", "{\"routes\":[{\"match\":\"model:opus\",\"endpoints\":[\"best\"]}],"
                + "\"body\":" + ClaudeCodeBodies.request("claude-opus-4-5", true, 10_000) + "}");
        assertEquals("model:opus", u.json().getString("route"));
        assertTrue(u.json().getJsonObject("detected").getBoolean("thinking"));
        Resp none = api("POST", "/_/api/routes/test", "{\"body\":\"{\\\"model\\\":\\\"x\\\",\\\"tools\\\":[{}]}\"}");
        assertEquals("default", none.json().getString("route"));
        assertEquals(-1, none.json().getInt("index"));
        Resp junk = api("POST", "/_/api/routes/test", "{\"body\":\"hello there\"}");
        assertEquals(400, junk.status());
        assertTrue(junk.json().getJsonObject("fields").containsKey("body"), junk.body());
        assertEquals(0, cheap.requestCount(), "a test sends nothing upstream");
    }

    @Test
    void routesTravelThroughExportAndImport() {
        setUp();
        Resp exported = get("/_/api/export");
        JsonArray routes = exported.json().getJsonObject("settings").getJsonArray("routes");
        assertEquals("background", routes.getJsonObject(0).getString("match"));
        assertEquals("best", routes.getJsonObject(1).getJsonArray("endpoints").getString(0));
        // an import whose routes name an endpoint that will not exist is refused, by JSON path
        Resp bad = api("POST", "/_/api/import?mode=replace", "{\"format\":\"code-proxy/1\",\"settings\":{\"routes\":"
                + "[{\"match\":\"thinking\",\"endpoints\":[\"gone\"]}]},\"endpoints\":[{\"name\":\"main\",\"baseUrl\":\""
                + upstream.baseUrl() + "\"}]}");
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.body().contains("$.settings.routes[0].endpoints[0]"), bad.body());
        Resp good = api("POST", "/_/api/import?mode=merge", "{\"format\":\"code-proxy/1\",\"settings\":{\"routes\":"
                + "[{\"match\":\"webSearch\",\"endpoints\":[\"cheap\"]}]}}");
        assertEquals(200, good.status(), good.body());
        assertEquals("webSearch", get("/_/api/routes").json().getJsonArray("routes").getJsonObject(0).getString("match"));
    }

    private long endpointId(String name) {
        for (var v : get("/_/api/endpoints").json().getJsonArray("endpoints")) {
            if (v.asJsonObject().getString("name").equals(name)) {
                return v.asJsonObject().getJsonNumber("id").longValue();
            }
        }
        throw new AssertionError("no endpoint " + name);
    }

    private static String quote(String s) {
        return Json.createValue(s).toString();
    }

    @Test
    void noRoutesMeansDefaultForEveryRequest() {
        addEndpoint("main", upstream.baseUrl());
        Resp r = claude(ClaudeCodeBodies.titleRequest("claude-haiku-4-5"));
        assertEquals("default", r.header("x-code-proxy-route"));
        assertNull(get("/_/api/routes").json().getJsonArray("routes").isEmpty() ? null : "rules");
        assertFalse(r.body().isEmpty());
    }
}
