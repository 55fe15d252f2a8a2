package dev.codeproxy.app;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /_/api/pricing: the bundled table, overrides marked, replaced and reset. */
class AdminPricingTest extends AdminServerTest {

    private static JsonObject row(JsonArray rows, String pattern, String source) {
        for (var v : rows) {
            JsonObject o = v.asJsonObject();
            if (o.getString("pattern").equals(pattern) && o.getString("source").equals(source)) {
                return o;
            }
        }
        return null;
    }

    @Test
    void bundledOverriddenAndReset() {
        JsonObject t = get("/_/api/pricing").json();
        JsonObject sonnet = row(t.getJsonArray("rows"), "claude-sonnet-4-5", "bundled");
        assertEquals("3", sonnet.getJsonObject("price").getString("input"));
        assertEquals("0.30", sonnet.getJsonObject("price").getString("cacheRead"));
        assertFalse(sonnet.getBoolean("overridden"));
        assertEquals("5", t.getJsonObject("familyFallback").getJsonObject("opus").getString("input"));

        Resp put = api("PUT", "/_/api/pricing/overrides", "{\"overrides\":[{\"pattern\":\"claude-sonnet-4-5\",\"input\":2,"
                + "\"output\":\"10\",\"cacheWrite5m\":\"2.5\",\"cacheWrite1h\":\"4\",\"cacheRead\":\"0.2\"},"
                + "{\"pattern\":\"glm-*\",\"input\":\"0.6\",\"output\":\"2.2\",\"cacheWrite5m\":\"0\",\"cacheWrite1h\":\"0\","
                + "\"cacheRead\":\"0.11\"}]}");
        assertEquals(200, put.status(), put.body());
        JsonArray rows = put.json().getJsonArray("rows");
        assertEquals("2", row(rows, "claude-sonnet-4-5", "override").getJsonObject("price").getString("input"));
        assertEquals("0.6", row(rows, "glm-*", "override").getJsonObject("price").getString("input"));
        assertTrue(row(rows, "claude-sonnet-4-5", "bundled").getBoolean("overridden"));

        // the new price applies to requests logged from now on
        addEndpoint("main", upstream.baseUrl());
        assertEquals(200, proxy(MESSAGE).status());
        logged(1);
        JsonObject entry = get("/_/api/logs").json().getJsonArray("entries").getJsonObject(0);
        assertTrue(entry.getBoolean("priced"));

        Resp reset = api("POST", "/_/api/pricing/reset", null);
        assertEquals(200, reset.status());
        assertEquals(null, row(reset.json().getJsonArray("rows"), "glm-*", "override"));
        assertEquals(null, row(get("/_/api/pricing").json().getJsonArray("rows"), "claude-sonnet-4-5", "override"));
    }

    @Test
    void badOverridesAreNamed() {
        Resp r = api("PUT", "/_/api/pricing/overrides", "{\"overrides\":[{\"pattern\":\"a*b\",\"input\":1,\"output\":1,"
                + "\"cacheWrite5m\":1,\"cacheWrite1h\":1,\"cacheRead\":1},{\"pattern\":\"x\",\"input\":\"-1\",\"output\":1,"
                + "\"cacheWrite5m\":1,\"cacheWrite1h\":1,\"cacheRead\":1},{\"pattern\":\"y\",\"output\":true},7]}");
        assertEquals(400, r.status());
        JsonObject f = r.json().getJsonObject("fields");
        assertTrue(f.getString("overrides[0].pattern").contains("only a trailing *"), r.body());
        assertTrue(f.getString("overrides[1].input").contains("negative"), r.body());
        assertTrue(f.getString("overrides[2].input").contains("required"), r.body());
        assertTrue(f.getString("overrides[2].output").contains("boolean"), r.body());
        assertTrue(f.getString("overrides[3]").contains("object"), r.body());
        assertEquals(400, api("PUT", "/_/api/pricing/overrides", "{\"overrides\":{}}").status());
        assertEquals(400, api("PUT", "/_/api/pricing/overrides", "{\"overrides\":[{\"pattern\":\"z\",\"input\":1,"
                + "\"output\":1,\"cacheWrite5m\":1,\"cacheWrite1h\":1,\"cacheRead\":1},{\"pattern\":\"Z\",\"input\":1,"
                + "\"output\":1,\"cacheWrite5m\":1,\"cacheWrite1h\":1,\"cacheRead\":1}]}").status(), "duplicate pattern");
        assertTrue(get("/_/api/pricing").json().getJsonArray("rows").stream()
                .noneMatch(v -> v.asJsonObject().getString("source").equals("override")), "nothing stored");
    }
}
