package dev.codeproxy.app;

import dev.codeproxy.store.DataDir;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may reach the control plane: the admin token, the login cookie, the Host and Origin checks, login limits. */
class AdminSecurityTest extends AdminServerTest {

    @Test
    void restAuthMatrixNoTokenWrongTokenBearerAndCookie() {
        Resp none = send(request("GET", "/_/api/settings", null).build());
        assertEquals(401, none.status());
        assertTrue(none.json().getString("error").contains("admin token required"), none.body());

        Resp wrong = send(request("GET", "/_/api/settings", null).header("authorization", "Bearer cpa-wrong").build());
        assertEquals(401, wrong.status());
        assertTrue(wrong.json().getString("error").contains("not the admin token"), wrong.body());

        Resp bearer = get("/_/api/settings");
        assertEquals(200, bearer.status(), bearer.body());

        String cookie = login();
        Resp viaCookie = send(request("GET", "/_/api/status", null).header("cookie", cookie).build());
        assertEquals(200, viaCookie.status(), viaCookie.body());
        assertEquals("cookie", viaCookie.json().getString("auth"));
        assertEquals("bearer", get("/_/api/status").json().getString("auth"));
        var status = get("/_/api/status").json();
        assertTrue(status.getJsonNumber("startedAt").longValue() <= System.currentTimeMillis()
                && status.getJsonNumber("uptimeMs").longValue() >= 0, status.toString());

        Resp forged = send(request("GET", "/_/api/status", null).header("cookie", "cp_session=" + ADMIN).build());
        assertEquals(401, forged.status(), "the token itself is not a session cookie");
    }

    @Test
    void loginSetsAnHttpOnlyStrictCookieThatIsNotTheTokenAndRedirects() {
        Resp r = send(request("GET", "/_/login?token=" + ADMIN, null).build());
        assertEquals(303, r.status());
        assertEquals("/", r.header("location"));
        String c = r.header("set-cookie");
        assertTrue(c.contains("HttpOnly"), c);
        assertTrue(c.contains("SameSite=Strict"), c);
        assertTrue(c.contains("Path=/"), c);
        assertFalse(c.contains(ADMIN), c);
        assertEquals("no-store", r.header("cache-control"));

        Resp missing = send(request("GET", "/_/login", null).build());
        assertEquals(400, missing.status());
        Resp wrong = send(request("GET", "/_/login?token=cpa-nope", null).build());
        assertEquals(401, wrong.status());
        assertEquals(null, wrong.header("set-cookie"));
    }

    @Test
    void failedLoginsAreLimitedPerAddress() {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, send(request("GET", "/_/login?token=cpa-guess-" + i, null).build()).status());
        }
        Resp limited = send(request("GET", "/_/login?token=" + ADMIN, null).build());
        assertEquals(429, limited.status(), "even the right token waits once the limit is reached");
        assertNotNull(limited.header("retry-after"));
        Resp bearer = send(request("GET", "/_/api/status", null).header("authorization", "Bearer " + ADMIN).build());
        assertEquals(429, bearer.status(), "bearer logins from the address wait too");
    }

    @Test
    void wrongBearerTokensCountAsFailedLogins() {
        for (int i = 0; i < 5; i++) {
            send(request("GET", "/_/api/status", null).header("authorization", "Bearer cpa-guess-" + i).build());
        }
        assertEquals(429, get("/_/api/status").status());
    }

    @Test
    void adminTokenFileIsGeneratedOwnerOnlyWhenNoneIsGiven() throws Exception {
        server.close();
        server = ProxyServer.start(new ProxyServer.Options(dataDir, "127.0.0.1", 0, CLIENT));
        var file = dataDir.resolve(ProxyServer.ADMIN_TOKEN_FILE);
        assertTrue(Files.exists(file));
        String token = Files.readString(file).strip();
        assertEquals(token, server.adminToken());
        assertTrue(token.length() > 40);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(server.url() + "/_/login?token=" + token, server.loginUrl());
        secrets.add(token);
        assertEquals(200, send(request("GET", "/_/api/status", null).header("authorization", "Bearer " + token).build())
                .status());
        assertEquals(401, get("/_/api/status").status(), "the test's fixed token is not this server's");
        // and the same file is read on the next start
        assertEquals(token, DataDir.secret(dataDir, ProxyServer.ADMIN_TOKEN_FILE, () -> "other"));
    }

    @Test
    void foreignHostIsRefusedOnEveryPath() {
        Map<String, String> evil = Map.of("Host", "evil.example:" + server.port(), "x-api-key", CLIENT,
                "authorization", "Bearer " + ADMIN);
        Resp onProxy = raw("POST", "/v1/messages", evil);
        assertEquals(403, onProxy.status());
        assertEquals("permission_error", onProxy.json().getJsonObject("error").getString("type"), "Anthropic envelope");
        assertTrue(onProxy.body().contains("evil.example") && onProxy.body().contains("allowedHosts"), onProxy.body());

        Map<String, String> evilGet = Map.of("Host", "evil.example", "authorization", "Bearer " + ADMIN);
        Resp onApi = raw("GET", "/_/api/settings", evilGet);
        assertEquals(403, onApi.status());
        assertTrue(onApi.json().getString("error").contains("allowedHosts"), onApi.body());
        assertEquals(403, raw("GET", "/", evilGet).status());
        assertEquals(403, raw("GET", "/observe/health", evilGet).status());
        assertEquals(403, raw("GET", "/_/login?token=" + ADMIN, evilGet).status());
        assertEquals(403, raw("GET", "/nothing-here", evilGet).status());

        Map<String, String> local = Map.of("Host", "localhost:" + server.port(), "authorization", "Bearer " + ADMIN);
        assertEquals(200, raw("GET", "/_/api/settings", local).status());
        assertEquals(204, raw("GET", "/observe/health", Map.of("Host", "[::1]:" + server.port())).status());
    }

    @Test
    void namesInAllowedHostsAreAccepted() {
        Map<String, String> h = Map.of("Host", "proxy.team.example:" + server.port(), "authorization", "Bearer " + ADMIN);
        assertEquals(403, raw("GET", "/_/api/status", h).status());
        assertEquals(200, api("PATCH", "/_/api/settings", "{\"allowedHosts\":\"build-box, proxy.team.example\"}")
                .status());
        assertEquals(200, raw("GET", "/_/api/status", h).status());
        assertEquals(200, raw("GET", "/_/api/status", Map.of("Host", "BUILD-BOX", "authorization", "Bearer " + ADMIN))
                .status());
    }

    @Test
    void stateChangesWithTheCookieNeedTheServersOwnOrigin() {
        String cookie = login();
        String body = "{\"maxRetries\":2}";
        Resp noOrigin = send(request("PATCH", "/_/api/settings", body).header("cookie", cookie).build());
        assertEquals(403, noOrigin.status(), noOrigin.body());
        Resp crossSite = send(request("PATCH", "/_/api/settings", body).header("cookie", cookie)
                .header("origin", "http://evil.example").build());
        assertEquals(403, crossSite.status());
        assertTrue(crossSite.json().getString("error").contains("cross-origin"), crossSite.body());
        Resp otherPort = send(request("PATCH", "/_/api/settings", body).header("cookie", cookie)
                .header("origin", "http://127.0.0.1:1").build());
        assertEquals(403, otherPort.status());
        assertEquals(1, server.config().settings().maxRetries(), "nothing changed");

        Resp same = send(request("PATCH", "/_/api/settings", body).header("cookie", cookie)
                .header("origin", base()).build());
        assertEquals(200, same.status(), same.body());
        assertEquals(2, server.config().settings().maxRetries());

        // reading needs no Origin
        assertEquals(200, send(request("GET", "/_/api/settings", null).header("cookie", cookie).build()).status());
    }

    @Test
    void bearerRequestsMayOmitOriginButAPresentOneMustMatch() {
        assertEquals(200, api("PATCH", "/_/api/settings", "{\"maxRetries\":3}").status());
        Resp cross = send(request("PATCH", "/_/api/settings", "{\"maxRetries\":4}")
                .header("authorization", "Bearer " + ADMIN).header("origin", "http://evil.example").build());
        assertEquals(403, cross.status());
        assertEquals(3, server.config().settings().maxRetries());
        Resp same = send(request("PATCH", "/_/api/settings", "{\"maxRetries\":4}")
                .header("authorization", "Bearer " + ADMIN).header("origin", base()).build());
        assertEquals(200, same.status());
    }

    @Test
    void proxyPathKeepsItsClientTokenAndTheDashboardAndHealthStayOpen() {
        upstream.enqueue(dev.codeproxy.testkit.Reply.json(200,
                dev.codeproxy.testkit.SseFixtures.jsonMessage("claude-sonnet-4-5", "hi")));
        addEndpoint("main", upstream.baseUrl());
        Resp noToken = send(request("POST", "/v1/messages", MESSAGE).build());
        assertEquals(401, noToken.status());
        Resp adminTokenIsNotAClientToken = send(request("POST", "/v1/messages", MESSAGE)
                .header("x-api-key", ADMIN).build());
        assertEquals(401, adminTokenIsNotAClientToken.status());
        assertEquals(200, proxy(MESSAGE).status());
        assertEquals(204, send(request("GET", "/observe/health", null).build()).status(), "health: up, no details");
        assertEquals(200, send(request("GET", "/", null).build()).status());
        Resp unknown = send(request("GET", "/_/api/nothing", null).header("authorization", "Bearer " + ADMIN).build());
        assertEquals(404, unknown.status());
        assertTrue(unknown.json().getString("error").contains("no admin API route"), unknown.body());
        assertEquals(401, send(request("GET", "/_/api/nothing", null).build()).status(), "unknown admin paths need the token too");
    }

    @Test
    void logoutDropsTheCookie() {
        String cookie = login();
        Resp r = send(HttpRequest.newBuilder(java.net.URI.create(base() + "/_/logout"))
                .header("cookie", cookie).header("origin", base()).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, r.status());
        assertTrue(r.header("set-cookie").contains("Max-Age=0"));
        Resp cross = send(HttpRequest.newBuilder(java.net.URI.create(base() + "/_/logout"))
                .header("cookie", cookie).header("origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody())
                .build());
        assertEquals(403, cross.status());
    }
}
