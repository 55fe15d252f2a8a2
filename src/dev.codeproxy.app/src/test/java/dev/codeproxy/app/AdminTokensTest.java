package dev.codeproxy.app;

import dev.codeproxy.store.TokenRepository;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /_/api/tokens: client tokens created once, checked on the proxy path, revoked at once. */
class AdminTokensTest extends AdminServerTest {

    private Resp proxyWith(String token) {
        return send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + token).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(MESSAGE)).build());
    }

    @Test
    void createdOnceUsableListedMaskedAndRevoked() {
        addEndpoint("main", upstream.baseUrl());
        Resp created = send(request("POST", "/_/api/tokens", "{\"name\":\"laptop\"}")
                .header("authorization", "Bearer " + ADMIN).build(), true);
        assertEquals(201, created.status(), created.body());
        JsonObject c = created.json();
        String token = c.getString("token");
        secrets.add(token);
        assertTrue(token.startsWith("cp-") && token.length() > 60, token.length() + "");
        assertEquals(token.substring(0, 7) + "..." + token.substring(token.length() - 4), c.getString("masked"));
        long id = c.getJsonNumber("id").longValue();

        // only the hash is stored
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("code-proxy.db"));
             var st = db.createStatement(); var rs = st.executeQuery("SELECT token_hash, masked FROM client_tokens")) {
            assertTrue(rs.next());
            assertEquals(TokenRepository.hash(token), rs.getString(1));
            assertFalse(rs.getString(1).contains(token));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        assertEquals(200, proxyWith(token).status(), "a created token opens the proxy path");
        assertEquals(200, proxyWith(CLIENT).status(), "and the fixed token still does");

        JsonObject view = get("/_/api/tokens").json().getJsonArray("tokens").getJsonObject(0);
        assertEquals("laptop", view.getString("name"));
        assertEquals(c.getString("masked"), view.getString("token"));
        assertTrue(view.getJsonNumber("createdAt").longValue() > 0);
        await("the last use to be recorded", () -> !get("/_/api/tokens").json().getJsonArray("tokens").getJsonObject(0)
                .isNull("lastUsedAt"));

        assertEquals(204, api("DELETE", "/_/api/tokens/" + id, null).status());
        assertEquals(401, proxyWith(token).status(), "revoked at once");
        assertTrue(get("/_/api/tokens").json().getJsonArray("tokens").isEmpty());
        assertEquals(404, api("DELETE", "/_/api/tokens/" + id, null).status());
        assertEquals(404, api("DELETE", "/_/api/tokens/nope", null).status());
    }

    @Test
    void namesAreRequiredAndUnique() {
        Resp blank = api("POST", "/_/api/tokens", "{\"name\":\"  \"}");
        assertEquals(400, blank.status());
        assertTrue(blank.json().getJsonObject("fields").getString("name").contains("blank"));
        Resp missing = api("POST", "/_/api/tokens", "{}");
        assertEquals(400, missing.status());
        assertTrue(missing.json().getJsonObject("fields").getString("name").contains("required"));
        assertEquals(400, api("POST", "/_/api/tokens", "{\"name\":3}").status());
        Resp first = send(request("POST", "/_/api/tokens", "{\"name\":\"ci\"}").header("authorization", "Bearer " + ADMIN)
                .build(), true);
        secrets.add(first.json().getString("token"));
        Resp dup = api("POST", "/_/api/tokens", "{\"name\":\"CI\"}");
        assertEquals(400, dup.status());
        assertTrue(dup.json().getJsonObject("fields").getString("name").contains("unique"));
        assertEquals(1, get("/_/api/tokens").json().getJsonArray("tokens").size());
    }
}
