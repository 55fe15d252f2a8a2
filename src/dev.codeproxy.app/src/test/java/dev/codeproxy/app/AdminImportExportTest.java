package dev.codeproxy.app;

import dev.codeproxy.core.config.ConfigParser;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /_/api/export and /_/api/import: the command line's format and checks. */
class AdminImportExportTest extends AdminServerTest {

    private Resp importFile(String query, String body) {
        return send(request("POST", "/_/api/import" + query, body).header("authorization", "Bearer " + ADMIN).build());
    }

    @Test
    void exportLeavesKeysOutUnlessAskedFor() throws Exception {
        addEndpoint("main", upstream.baseUrl());
        Resp plain = get("/_/api/export");
        assertEquals(200, plain.status());
        assertTrue(plain.header("content-disposition").contains("code-proxy-config.json"));
        JsonObject f = plain.json();
        assertEquals("code-proxy/1", f.getString("format"));
        assertFalse(f.getJsonArray("endpoints").getJsonObject(0).containsKey("apiKey"));
        assertEquals(1, ConfigParser.parse(plain.body()).endpoints().size(), "the CLI reads it back");
        assertEquals(get("/_/api/export?secrets=false").json().getJsonArray("endpoints"), f.getJsonArray("endpoints"));

        // the one export that carries keys, because it was asked for
        Resp secret = send(request("GET", "/_/api/export?secrets=true", null).header("authorization", "Bearer " + ADMIN)
                .build(), true);
        assertEquals(KEY, secret.json().getJsonArray("endpoints").getJsonObject(0).getString("apiKey"));
        assertEquals(400, get("/_/api/export?secrets=perhaps").status());
    }

    @Test
    void dryRunPreviewsAndChangesNothing() {
        addEndpoint("keep", upstream.baseUrl());
        addEndpoint("change", upstream.baseUrl());
        String file = "{\"format\":\"code-proxy/1\",\"settings\":{\"maxRetries\":2,\"routing\":\"failover\"},"
                + "\"endpoints\":[{\"name\":\"keep\",\"baseUrl\":\"" + upstream.baseUrl() + "\",\"priority\":1},"
                + "{\"name\":\"change\",\"baseUrl\":\"https://other.example\",\"priority\":2},"
                + "{\"name\":\"new\",\"baseUrl\":\"https://new.example\",\"apiKey\":\"sk-ant-new-0000000000000000\"}]}";
        Resp r = importFile("?mode=merge&dryRun=true", file);
        assertEquals(200, r.status(), r.body());
        JsonObject p = r.json();
        assertFalse(p.getBoolean("applied"));
        assertEquals("merge", p.getString("mode"));
        assertEquals("maxRetries", p.getJsonArray("settings").getJsonObject(0).getString("key"));
        assertEquals("1", p.getJsonArray("settings").getJsonObject(0).getString("from"));
        assertEquals("2", p.getJsonArray("settings").getJsonObject(0).getString("to"));
        assertEquals(1, p.getJsonArray("settings").size(), "routing is unchanged");
        assertEquals("new", p.getJsonArray("added").getString(0));
        assertEquals("change", p.getJsonArray("updated").getString(0));
        assertEquals("keep", p.getJsonArray("unchanged").getString(0));
        assertTrue(p.getJsonArray("removed").isEmpty());
        assertFalse(p.getBoolean("restartRequired"));
        assertEquals(2, server.config().endpoints().size());
        assertEquals(1, server.config().settings().maxRetries());

        Resp replace = importFile("?mode=replace&dryRun=true", "{\"format\":\"code-proxy/1\",\"settings\":{\"port\":9100},"
                + "\"endpoints\":[{\"name\":\"new\",\"baseUrl\":\"https://new.example\"}]}");
        assertEquals(2, replace.json().getJsonArray("removed").size());
        assertTrue(replace.json().getBoolean("restartRequired"));
        assertEquals(2, server.config().endpoints().size());
    }

    @Test
    void importMergesOrReplacesLive() {
        addEndpoint("old", upstream.baseUrl());
        String file = "{\"format\":\"code-proxy/1\",\"settings\":{\"maxRetries\":3},\"endpoints\":["
                + "{\"name\":\"old\",\"baseUrl\":\"" + upstream.baseUrl() + "\",\"weight\":5},"
                + "{\"name\":\"added\",\"baseUrl\":\"https://added.example\"}]}";
        Resp merged = importFile("", file);
        assertEquals(200, merged.status(), merged.body());
        assertTrue(merged.json().getBoolean("applied"));
        assertEquals(2, server.config().endpoints().size());
        assertEquals(3, server.config().settings().maxRetries());
        var old = server.config().endpoints().stream().filter(e -> e.name().equals("old")).findFirst().orElseThrow();
        assertEquals(5, old.weight());
        assertEquals(KEY, old.apiKey(), "a file without keys keeps the stored key");

        Resp replaced = importFile("?mode=replace", "{\"format\":\"code-proxy/1\",\"endpoints\":["
                + "{\"name\":\"only\",\"baseUrl\":\"https://only.example\"}]}");
        assertEquals(200, replaced.status());
        assertEquals(1, server.config().endpoints().size());
        assertEquals("only", get("/_/api/endpoints").json().getJsonArray("endpoints").getJsonObject(0).getString("name"));
    }

    @Test
    void theSeedAppsExportIsAccepted() {
        Resp r = importFile("", "{\"version\":\"1.0\",\"proxyConfig\":{\"port\":9001},\"endpoints\":[{\"name\":\"seed\","
                + "\"anthropicBaseUrl\":\"https://seed.example\",\"anthropicAuthToken\":\"sk-seed-token-000000000000\"}]}");
        assertEquals(200, r.status(), r.body());
        assertEquals("bearer", get("/_/api/endpoints").json().getJsonArray("endpoints").getJsonObject(0)
                .getString("authHeader"));
    }

    @Test
    void badFilesListEveryProblemWithItsPath() {
        Resp r = importFile("", "{\"format\":\"code-proxy/1\",\"colour\":1,\"settings\":{\"maxRetries\":99},"
                + "\"endpoints\":[{\"name\":\"\",\"baseUrl\":\"ftp://x\",\"extra\":1}]}");
        assertEquals(400, r.status());
        JsonObject body = r.json();
        assertTrue(body.getString("error").startsWith("import refused"), r.body());
        var paths = body.getJsonArray("problems").stream().map(v -> v.asJsonObject().getString("path")).toList();
        assertTrue(paths.contains("$.colour"), paths.toString());
        assertTrue(paths.contains("$.settings.maxRetries"), paths.toString());
        assertTrue(paths.contains("$.endpoints[0].extra"), paths.toString());
        assertTrue(paths.contains("$.endpoints[0].baseUrl"), paths.toString());
        assertTrue(body.getJsonObject("fields").containsKey("$.settings.maxRetries"));

        Resp syntax = importFile("", "{\"format\":");
        assertEquals(400, syntax.status());
        assertTrue(syntax.json().getJsonArray("problems").getJsonObject(0).getString("message").contains("not valid JSON"));

        Resp loop = importFile("", "{\"format\":\"code-proxy/1\",\"endpoints\":[{\"name\":\"me\",\"baseUrl\":\"" + base()
                + "\"}]}");
        assertEquals(400, loop.status());
        assertEquals("$.endpoints[0].baseUrl", loop.json().getJsonArray("problems").getJsonObject(0).getString("path"));

        assertEquals(400, importFile("?mode=upsert", "{\"format\":\"code-proxy/1\"}").status());
        assertEquals(400, importFile("?dryRun=soon", "{\"format\":\"code-proxy/1\"}").status());
        assertEquals(0, server.config().endpoints().size(), "nothing stored");
        assertEquals(1, server.config().settings().maxRetries());
        HttpRequest noAuth = request("POST", "/_/api/import", "{}").build();
        assertEquals(401, send(noAuth).status());
    }
}
