package dev.codeproxy.app;

import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /_/api/endpoints: every route, its validation, and keys that never come back in full. */
class AdminEndpointsTest extends AdminServerTest {

    @Test
    void createListGetUpdateDelete() {
        Resp created = api("POST", "/_/api/endpoints", "{\"name\":\"anthropic\",\"note\":\"main key\","
                + "\"baseUrl\":\"" + upstream.baseUrl() + "/\",\"apiKey\":\"" + KEY + "\",\"authHeader\":\"bearer\","
                + "\"weight\":3,\"timeoutMs\":120000,\"models\":{\"default\":\"m-default\",\"opus\":\"m-opus\"},"
                + "\"disableNonessentialTraffic\":true}");
        assertEquals(201, created.status(), created.body());
        JsonObject e = created.json();
        long id = e.getJsonNumber("id").longValue();
        assertEquals("anthropic", e.getString("name"));
        assertEquals(upstream.baseUrl(), e.getString("baseUrl"), "trailing slash dropped");
        assertEquals("sk-ant-...3456", e.getString("apiKey"), "masked: first 7 and last 4");
        assertTrue(e.getBoolean("hasKey"));
        assertEquals("bearer", e.getString("authHeader"));
        assertEquals(3, e.getInt("weight"));
        assertEquals(1, e.getInt("priority"));
        assertEquals("m-default", e.getJsonObject("models").getString("default"));
        assertEquals("m-opus", e.getJsonObject("models").getString("opus"));
        assertEquals("", e.getJsonObject("models").getString("haiku"));
        assertEquals("healthy", e.getJsonObject("state").getString("state"));
        assertEquals(0, e.getJsonObject("lastHour").getInt("requests"));

        JsonArray list = get("/_/api/endpoints").json().getJsonArray("endpoints");
        assertEquals(1, list.size());
        assertEquals(id, get("/_/api/endpoints/" + id).json().getJsonNumber("id").longValue());

        // an update without apiKey (or with an empty one) keeps the stored key
        Resp updated = api("PUT", "/_/api/endpoints/" + id, "{\"name\":\"renamed\",\"apiKey\":\"\",\"authHeader\":\"x-api-key\","
                + "\"models\":{\"opus\":\"\"}}");
        assertEquals(200, updated.status(), updated.body());
        assertEquals("renamed", updated.json().getString("name"));
        assertEquals("sk-ant-...3456", updated.json().getString("apiKey"));
        assertEquals("m-default", updated.json().getJsonObject("models").getString("default"), "untouched fields stay");
        assertEquals("", updated.json().getJsonObject("models").getString("opus"));
        assertEquals("main key", updated.json().getString("note"));
        upstream.enqueue(Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-4-5", "hi")));
        assertEquals(200, proxy(MESSAGE).status());
        RecordedRequest got = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals(KEY, got.header("x-api-key"), "the stored key is still used");

        String newKey = "sk-ant-a-brand-new-key-0000000000009999";
        secrets.add(newKey);
        Resp rekeyed = api("PATCH", "/_/api/endpoints/" + id, "{\"apiKey\":\"" + newKey + "\"}");
        assertEquals(200, rekeyed.status(), rekeyed.body());
        assertEquals("sk-ant-...9999", rekeyed.json().getString("apiKey"));
        assertEquals(newKey, server.config().endpoints().getFirst().apiKey());

        assertEquals(204, api("DELETE", "/_/api/endpoints/" + id, null).status());
        assertEquals(0, get("/_/api/endpoints").json().getJsonArray("endpoints").size());
        assertEquals(404, api("DELETE", "/_/api/endpoints/" + id, null).status());
        assertEquals(404, get("/_/api/endpoints/" + id).status());
        assertEquals(404, get("/_/api/endpoints/abc").status());
    }

    @Test
    void validationNamesEveryBadField() {
        Resp r = api("POST", "/_/api/endpoints", "{\"name\":\" \",\"baseUrl\":\"ftp://x\",\"weight\":0,\"timeoutMs\":5,"
                + "\"apiKey\":\"sk ant\"}");
        assertEquals(400, r.status());
        JsonObject fields = r.json().getJsonObject("fields");
        assertTrue(fields.getString("name").contains("blank"), r.body());
        assertTrue(fields.getString("baseUrl").contains("http://"), r.body());
        assertTrue(fields.getString("weight").contains("1 to 1000"), r.body());
        assertTrue(fields.getString("timeoutMs").contains("1000"), r.body());
        assertTrue(fields.getString("apiKey").contains("spaces"), r.body());
        assertTrue(r.json().getString("error").startsWith("endpoint not saved"), r.body());

        Resp types = api("POST", "/_/api/endpoints", "{\"name\":5,\"baseUrl\":\"https://x.example\",\"enabled\":\"yes\","
                + "\"priority\":\"first\",\"authHeader\":\"basic\",\"models\":[]}");
        JsonObject tf = types.json().getJsonObject("fields");
        assertEquals(400, types.status());
        assertTrue(tf.getString("name").contains("expected a string"), types.body());
        assertTrue(tf.getString("enabled").contains("true or false"), types.body());
        assertTrue(tf.getString("priority").contains("integer"), types.body());
        assertTrue(tf.getString("authHeader").contains("\"x-api-key\" or \"bearer\""), types.body());
        assertTrue(tf.getString("models").contains("object"), types.body());

        Resp missing = api("POST", "/_/api/endpoints", "{}");
        assertEquals(400, missing.status());
        assertTrue(missing.json().getJsonObject("fields").containsKey("name"));
        assertTrue(missing.json().getJsonObject("fields").containsKey("baseUrl"));

        assertEquals(400, api("POST", "/_/api/endpoints", "not json").status());
        assertEquals(400, api("POST", "/_/api/endpoints", "[1]").status());
        assertEquals(400, api("POST", "/_/api/endpoints", null).status());
        assertEquals(0, server.config().endpoints().size(), "nothing stored");
    }

    @Test
    void namesAreUniqueAndTheProxyItselfIsRefused() {
        long a = addEndpoint("alpha", upstream.baseUrl());
        addEndpoint("beta", upstream.baseUrl());
        Resp dup = api("POST", "/_/api/endpoints", "{\"name\":\"ALPHA\",\"baseUrl\":\"https://x.example\"}");
        assertEquals(400, dup.status());
        assertTrue(dup.json().getJsonObject("fields").getString("name").contains("unique"), dup.body());
        Resp rename = api("PUT", "/_/api/endpoints/" + a, "{\"name\":\"beta\"}");
        assertEquals(400, rename.status());
        assertEquals(200, api("PUT", "/_/api/endpoints/" + a, "{\"name\":\"alpha\"}").status(), "its own name is fine");

        Resp loop = api("POST", "/_/api/endpoints", "{\"name\":\"me\",\"baseUrl\":\"" + base() + "\"}");
        assertEquals(400, loop.status());
        assertTrue(loop.json().getJsonObject("fields").getString("baseUrl").contains("Code Proxy itself"), loop.body());
        Resp loopLocalhost = api("PUT", "/_/api/endpoints/" + a, "{\"baseUrl\":\"http://localhost:" + server.port() + "\"}");
        assertEquals(400, loopLocalhost.status());
    }

    @Test
    void reorderEnableDisableAndReset() {
        long a = addEndpoint("a", upstream.baseUrl());
        long b = addEndpoint("b", upstream.baseUrl());
        long c = addEndpoint("c", upstream.baseUrl());
        Resp r = api("POST", "/_/api/endpoints/reorder", "{\"ids\":[" + c + "," + a + "]}");
        assertEquals(200, r.status(), r.body());
        JsonArray list = r.json().getJsonArray("endpoints");
        assertEquals("c", list.getJsonObject(0).getString("name"));
        assertEquals("a", list.getJsonObject(1).getString("name"));
        assertEquals("b", list.getJsonObject(2).getString("name"));
        assertEquals(3, list.getJsonObject(2).getInt("priority"));
        assertEquals("c", server.config().endpoints().getFirst().name(), "live at once");

        assertEquals(400, api("POST", "/_/api/endpoints/reorder", "{\"ids\":[999]}").status());
        assertEquals(400, api("POST", "/_/api/endpoints/reorder", "{\"ids\":[" + a + "," + a + "]}").status());
        assertEquals(400, api("POST", "/_/api/endpoints/reorder", "{\"ids\":\"a,b\"}").status());
        assertEquals(400, api("POST", "/_/api/endpoints/reorder", "{}").status());

        Resp off = api("POST", "/_/api/endpoints/" + b + "/disable", null);
        assertEquals(200, off.status());
        assertFalse(off.json().getBoolean("enabled"));
        assertEquals("disabled", off.json().getJsonObject("state").getString("state"));
        assertFalse(server.config().endpoints().stream().filter(e -> e.id() == b).findFirst().orElseThrow().enabled());
        Resp on = api("POST", "/_/api/endpoints/" + b + "/enable", null);
        assertTrue(on.json().getBoolean("enabled"));
        assertEquals(404, api("POST", "/_/api/endpoints/999/enable", null).status());

        // open c's breaker with an auth failure, then reset it by hand
        upstream.enqueue(Reply.error(401, "authentication_error", "invalid x-api-key"));
        upstream.enqueue(Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-4-5", "hi")));
        proxy(MESSAGE);
        JsonObject state = get("/_/api/endpoints/" + c).json().getJsonObject("state");
        assertEquals("auth_failed", state.getString("state"));
        assertTrue(state.getJsonNumber("until").longValue() > System.currentTimeMillis());
        Resp reset = api("POST", "/_/api/endpoints/" + c + "/reset", null);
        assertEquals(200, reset.status());
        assertEquals("healthy", reset.json().getJsonObject("state").getString("state"));
        assertTrue(reset.json().getJsonObject("state").isNull("until"));
    }

    @Test
    void listShowsRecentLatencyAndErrorRate() {
        long id = addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-4-5", "hi")),
                Reply.error(400, "invalid_request_error", "bad"));
        proxy(MESSAGE);
        proxy(MESSAGE);
        logged(2);
        JsonObject e = get("/_/api/endpoints/" + id).json();
        JsonObject hour = e.getJsonObject("lastHour");
        assertEquals(2, hour.getInt("requests"));
        assertEquals(0.5, hour.getJsonNumber("errorRate").doubleValue(), 1e-9);
        assertTrue(hour.getJsonNumber("p50Ms").longValue() >= 0);
        assertEquals(2, e.getJsonObject("today").getInt("requests"));
    }

    @Test
    void testSendsAMinimalRequestWithTheEndpointsKeyAndStyle() {
        long id = addEndpoint("main", upstream.baseUrl());
        upstream.enqueue(Reply.json(200, "{\"input_tokens\":3}"));
        Resp ok = api("POST", "/_/api/endpoints/" + id + "/test", null);
        assertEquals(200, ok.status(), ok.body());
        JsonObject t = ok.json();
        assertTrue(t.getBoolean("ok"));
        assertEquals("count_tokens", t.getString("method"));
        assertEquals(200, t.getInt("status"));
        assertTrue(t.isNull("error"));
        assertTrue(t.getJsonNumber("latencyMs").longValue() >= 0);
        RecordedRequest r = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals("/v1/messages/count_tokens", r.target());
        assertEquals(KEY, r.header("x-api-key"));

        // no count_tokens upstream: a one-token message instead, with a bearer key
        api("PATCH", "/_/api/endpoints/" + id, "{\"authHeader\":\"bearer\"}");
        upstream.enqueue(Reply.error(404, "not_found_error", "Not found"),
                Reply.json(200, SseFixtures.jsonMessage("claude-haiku-4-5", "p")));
        JsonObject fallback = api("POST", "/_/api/endpoints/" + id + "/test", null).json();
        assertTrue(fallback.getBoolean("ok"), fallback.toString());
        assertEquals("messages", fallback.getString("method"));
        upstream.takeRequest(Duration.ofSeconds(5));
        RecordedRequest m = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals("/v1/messages", m.target());
        assertEquals("Bearer " + KEY, m.header("authorization"));
        assertTrue(new String(m.body()).contains("\"max_tokens\":1"));

        // an upstream that refuses the key, and echoes it: reported, with the key masked
        upstream.enqueue(Reply.error(401, "authentication_error", "invalid key " + KEY));
        Resp denied = api("POST", "/_/api/endpoints/" + id + "/test", null);
        JsonObject d = denied.json();
        assertFalse(d.getBoolean("ok"));
        assertEquals(401, d.getInt("status"));
        assertTrue(d.getString("error").contains("authentication_error: invalid key sk-ant-...3456"), d.toString());
    }

    @Test
    void testReportsAnUnreachableEndpoint() {
        FakeUpstream gone = FakeUpstream.start();
        String url = gone.baseUrl();
        gone.close();
        long id = addEndpoint("gone", url);
        JsonObject t = api("POST", "/_/api/endpoints/" + id + "/test", null).json();
        assertFalse(t.getBoolean("ok"));
        assertEquals(0, t.getInt("status"));
        assertNotNull(t.getString("error"));
        assertTrue(t.getString("error").contains("cannot reach") || t.getString("error").contains("timeout"), t.toString());
        assertEquals(404, api("POST", "/_/api/endpoints/12345/test", null).status());
    }
}
