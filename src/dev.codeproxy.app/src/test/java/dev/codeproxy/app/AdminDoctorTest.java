package dev.codeproxy.app;

import dev.codeproxy.testkit.Reply;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doctor's endpoint checks and the self-test through the admin API (what the dashboard shows). */
class AdminDoctorTest extends AdminServerTest {

    @Test
    void anEndpointsDoctorChecksComeFromTheRealUpstream() {
        upstream.setDefault(Reply.error(401, "authentication_error", "invalid x-api-key"));
        long id = addEndpoint("main", upstream.baseUrl());
        Resp r = api("POST", "/_/api/endpoints/" + id + "/doctor", null);
        assertEquals(200, r.status(), r.body());
        var checks = r.json().getJsonArray("checks");
        JsonObject key = checks.stream().map(v -> v.asJsonObject()).filter(o -> o.getString("name").equals("main: key"))
                .findFirst().orElseThrow();
        assertFalse(key.getBoolean("ok"), key.toString());
        assertTrue(key.getString("hint").contains("endpoint set main"), key.toString());
        assertTrue(checks.stream().map(v -> v.asJsonObject()).anyMatch(o -> o.getString("name").equals("main: tcp")
                && o.getBoolean("ok")));
        assertEquals(404, api("POST", "/_/api/endpoints/999/doctor", null).status());
        assertEquals(401, send(request("POST", "/_/api/endpoints/" + id + "/doctor", null).build()).status());
    }

    @Test
    void theSelftestStreamsOneCheckPerScenario() {
        addEndpoint("main", upstream.baseUrl());
        addEndpoint("backup", upstream.baseUrl());
        Resp r = api("POST", "/_/api/selftest", null);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.header("content-type").startsWith("application/x-ndjson"), r.header("content-type"));
        List<JsonObject> lines = r.body().lines().map(l -> Json.createReader(new StringReader(l)).readObject()).toList();
        assertEquals(9, lines.size(), r.body());
        for (JsonObject o : lines) {
            assertTrue(o.getBoolean("ok"), o.toString());
        }
        assertEquals(0, upstream.requestCount(), "the self-test never calls a real endpoint");
        Resp cross = send(request("POST", "/_/api/selftest", "{}").header("cookie", login())
                .header("origin", "http://evil.example").build());
        assertEquals(403, cross.status());
    }
}
