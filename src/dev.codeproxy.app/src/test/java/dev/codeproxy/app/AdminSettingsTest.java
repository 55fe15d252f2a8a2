package dev.codeproxy.app;

import dev.codeproxy.core.settings.CaptureMode;
import dev.codeproxy.core.settings.RoutingMode;
import dev.codeproxy.core.settings.SettingKey;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /_/api/settings: every setting, changes checked with the CLI's words, applied live, and a listener that moves. */
class AdminSettingsTest extends AdminServerTest {

    @Test
    void getListsEverySettingWithItsValueDefaultAndAcceptedValues() {
        Resp r = get("/_/api/settings");
        assertEquals(200, r.status());
        JsonObject s = r.json().getJsonObject("settings");
        for (SettingKey k : SettingKey.values()) {
            assertTrue(s.containsKey(k.key()), k.key());
            assertTrue(r.json().getJsonObject("accepted").containsKey(k.key()));
        }
        assertEquals(9000, s.getInt("port"), "the stored setting (this server was started on port 0 by flag)");
        assertEquals("failover", s.getString("routing"));
        assertFalse(s.getBoolean("claudeConfig"));
        assertEquals(600_000, r.json().getJsonObject("defaults").getInt("requestTimeoutMs"));
        assertEquals(base(), r.json().getString("url"));
        assertFalse(r.json().getBoolean("rebound"));
    }

    @Test
    void changesApplyLive() {
        Resp r = api("PATCH", "/_/api/settings", "{\"routing\":\"weighted\",\"maxRetries\":3,\"breakerThreshold\":\"5\","
                + "\"captureMode\":\"errors\",\"logRetention\":500,\"requestTimeoutMs\":30000,\"claudeModel\":\"m\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("weighted", r.json().getJsonObject("settings").getString("routing"));
        var live = server.config().settings();
        assertEquals(RoutingMode.WEIGHTED, live.routing());
        assertEquals(3, live.maxRetries());
        assertEquals(5, live.breakerThreshold());
        assertEquals(CaptureMode.ERRORS, live.captureMode());
        assertEquals(500, live.logRetention());
        assertEquals(30_000, live.requestTimeoutMs());
        assertEquals(3, get("/_/api/settings").json().getJsonObject("settings").getInt("maxRetries"));
        assertEquals(200, api("PUT", "/_/api/settings", "{\"maxRetries\":0}").status());
        assertEquals(0, server.config().settings().maxRetries());
        assertEquals(200, api("PUT", "/_/api/settings", "{}").status(), "nothing to change");
    }

    @Test
    void badValuesAreRefusedFieldByFieldWithTheCommandLinesWords() {
        Resp r = api("PATCH", "/_/api/settings", "{\"maxRetries\":99,\"routing\":\"random\",\"colour\":\"blue\","
                + "\"claudeConfig\":\"maybe\",\"port\":70000,\"logRetention\":1.5,\"captureMode\":[]}");
        assertEquals(400, r.status());
        JsonObject f = r.json().getJsonObject("fields");
        assertEquals(SettingKey.MAX_RETRIES.describeError("99"), f.getString("maxRetries"));
        assertEquals(SettingKey.ROUTING.describeError("random"), f.getString("routing"));
        assertEquals(SettingKey.CLAUDE_CONFIG.describeError("maybe"), f.getString("claudeConfig"));
        assertEquals(SettingKey.PORT.describeError("70000"), f.getString("port"));
        assertTrue(f.getString("logRetention").contains("integer"), r.body());
        assertTrue(f.getString("captureMode").contains("one of all, errors, none"), r.body());
        assertTrue(f.getString("colour").contains("unknown setting"), r.body());
        assertTrue(r.json().getString("error").startsWith("settings not saved"));
        assertEquals(1, server.config().settings().maxRetries(), "nothing stored");
        assertEquals(400, api("PATCH", "/_/api/settings", "[]").status());
    }

    @Test
    void aNewPortMovesTheListener() throws Exception {
        String oldBase = base();
        int newPort = freePort();
        Resp r = api("PATCH", "/_/api/settings", "{\"port\":" + newPort + "}");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().getBoolean("rebound"));
        assertEquals("http://127.0.0.1:" + newPort, r.json().getString("url"));
        assertEquals(newPort, server.port());
        assertEquals(newPort, server.config().settings().port());

        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> onNew = fresh.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + newPort
                            + "/_/api/status")).header("authorization", "Bearer " + ADMIN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, onNew.statusCode());
            assertEquals("http://127.0.0.1:" + newPort, json(onNew.body()).getString("url"));
            // the old listener stops once the response was sent
            await("the old listener to stop", () -> {
                try {
                    fresh.send(HttpRequest.newBuilder(URI.create(oldBase + "/observe/health")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return false;
                } catch (IOException e) {
                    return true;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(ConnectException.class, () -> fresh.send(HttpRequest.newBuilder(URI.create(oldBase
                    + "/observe/health")).build(), HttpResponse.BodyHandlers.discarding()));
        } finally {
            fresh.shutdownNow();
        }
        // the proxy path answers on the new port too
        addEndpoint("main", upstream.baseUrl());
        assertEquals(200, proxy(MESSAGE).status());
    }

    @Test
    void aPortInUseChangesNothing() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int before = server.port();
            Resp r = api("PATCH", "/_/api/settings", "{\"port\":" + taken.getLocalPort() + ",\"maxRetries\":4}");
            assertEquals(400, r.status(), r.body());
            assertTrue(r.json().getJsonObject("fields").getString("port").contains("cannot listen on"), r.body());
            assertEquals(before, server.port());
            assertEquals(1, server.config().settings().maxRetries());
            assertEquals(9000, server.config().settings().port());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
