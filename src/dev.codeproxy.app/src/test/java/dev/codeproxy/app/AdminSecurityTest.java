package dev.codeproxy.app;

import dev.codeproxy.store.DataDir;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
    void aLoginCodeOpensOneSessionOnceAndTheTokenIsNoLoginLink() {
        String link = server.loginUrl();
        assertTrue(link.matches("http://127\\.0\\.0\\.1:\\d+/_/login\\?code=[0-9a-f]{32}"), link);
        assertFalse(link.contains(ADMIN));
        String path = link.substring(link.indexOf("/_/login"));
        Resp r = send(request("GET", path, null).build());
        assertEquals(303, r.status());
        assertEquals("/", r.header("location"));
        String c = r.header("set-cookie");
        assertTrue(c.contains("HttpOnly"), c);
        assertTrue(c.contains("SameSite=Strict"), c);
        assertTrue(c.contains("Path=/"), c);
        assertFalse(c.contains(ADMIN), c);
        assertEquals("no-store", r.header("cache-control"));
        Resp again = send(request("GET", path, null).build());
        assertEquals(401, again.status(), "a code works once");
        assertEquals(null, again.header("set-cookie"));

        Resp missing = send(request("GET", "/_/login", null).build());
        assertEquals(400, missing.status());
        Resp token = send(request("GET", "/_/login?token=" + ADMIN, null).build());
        assertEquals(400, token.status(), "the admin token is not a login link any more");
        assertEquals(null, token.header("set-cookie"));
        Resp asCode = send(request("GET", "/_/login?code=" + ADMIN, null).build());
        assertEquals(401, asCode.status(), "nor a login code");
        Resp wrong = send(request("GET", "/_/login?code=00000000000000000000000000000000", null).build());
        assertEquals(401, wrong.status());
        assertEquals(null, wrong.header("set-cookie"));
    }

    @Test
    void eachLoginIsItsOwnServerSideSessionAndLogoutEndsIt() {
        String a = login();
        String b = login();
        assertFalse(a.equals(b), "two browsers, two sessions");
        assertEquals(200, send(request("GET", "/_/api/status", null).header("cookie", a).build()).status());
        Resp out = send(HttpRequest.newBuilder(URI.create(base() + "/_/logout"))
                .header("cookie", a).header("origin", base()).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, out.status());
        Resp replay = send(request("GET", "/_/api/status", null).header("cookie", a).build());
        assertEquals(401, replay.status(), "the logged-out cookie, sent again, opens nothing");
        assertTrue(replay.json().getString("error").contains("session has ended"), replay.body());
        assertEquals(200, send(request("GET", "/_/api/status", null).header("cookie", b).build()).status(),
                "the other browser stays logged in");
    }

    @Test
    void aSessionOutlivesARestartButNotItsLogout() {
        String cookie = login();
        server.close();
        server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .clientToken(CLIENT)
                .claudeConfigDir(claudeDir)
                .adminToken(ADMIN)
                .build());
        assertEquals(200, send(request("GET", "/_/api/status", null).header("cookie", cookie).build()).status(),
                "a restarted server keeps the dashboard logged in");
        assertEquals(204, send(HttpRequest.newBuilder(URI.create(base() + "/_/logout"))
                .header("cookie", cookie).header("origin", base()).POST(HttpRequest.BodyPublishers.noBody()).build())
                .status());
        server.close();
        server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .clientToken(CLIENT)
                .claudeConfigDir(claudeDir)
                .adminToken(ADMIN)
                .build());
        assertEquals(401, send(request("GET", "/_/api/status", null).header("cookie", cookie).build()).status(),
                "a logged-out session stays ended after a restart");
    }

    @Test
    void theDashboardListsSessionsAndCanEndOneOrAll() {
        String a = login();
        String b = login();
        Resp list = send(request("GET", "/_/api/sessions", null).header("cookie", a).build());
        assertEquals(200, list.status(), list.body());
        var sessions = list.json().getJsonArray("sessions");
        assertEquals(2, sessions.size());
        String cookieA = a.substring(a.indexOf('=') + 1);
        long current = sessions.stream().filter(v -> v.asJsonObject().getBoolean("current")).count();
        assertEquals(1, current);
        assertFalse(list.body().contains(cookieA), "the list never shows a cookie");
        String other = sessions.stream().map(v -> v.asJsonObject()).filter(o -> !o.getBoolean("current"))
                .findFirst().orElseThrow().getString("handle");
        Resp end = send(request("DELETE", "/_/api/sessions/" + other, null).header("cookie", a)
                .header("origin", base()).build());
        assertEquals(204, end.status(), end.body());
        assertEquals(401, send(request("GET", "/_/api/status", null).header("cookie", b).build()).status());
        assertEquals(404, send(request("DELETE", "/_/api/sessions/" + other, null).header("cookie", a)
                .header("origin", base()).build()).status());

        login();
        Resp all = send(request("POST", "/_/api/sessions/revoke-all", null).header("cookie", a)
                .header("origin", base()).build());
        assertEquals(200, all.status(), all.body());
        assertEquals(2, all.json().getInt("revoked"));
        assertEquals(401, send(request("GET", "/_/api/status", null).header("cookie", a).build()).status(),
                "log out everywhere includes this browser");
        assertEquals(200, get("/_/api/status").status(), "the admin token still works for scripts");
    }

    @Test
    void loginCodesCanBeAskedForWithTheToken() {
        Resp r = api("POST", "/_/api/login-codes", null);
        assertEquals(201, r.status(), r.body());
        String url = r.json().getString("url");
        assertEquals(120, r.json().getInt("expiresInSeconds"));
        assertTrue(url.startsWith(server.url() + "/_/login?code="), url);
        assertEquals(303, send(request("GET", url.substring(url.indexOf("/_/login")), null).build()).status());
        assertEquals(401, send(request("POST", "/_/api/login-codes", null).build()).status());
    }

    @Test
    void failedLoginsAreLimitedPerAddress() {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, send(request("GET", "/_/login?code=guess" + i, null).build()).status());
        }
        String link = server.loginUrl();
        Resp limited = send(request("GET", link.substring(link.indexOf("/_/login")), null).build());
        assertEquals(429, limited.status(), "even a right code waits once the limit is reached");
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
        server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .clientToken(CLIENT)
                .build());
        var file = dataDir.resolve(ProxyServer.ADMIN_TOKEN_FILE);
        assertTrue(Files.exists(file));
        String token = Files.readString(file).strip();
        assertEquals(token, server.adminToken());
        assertTrue(token.length() > 40);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(server.loginUrl().contains(token), "the login link carries a code, not the token");
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
        assertEquals(403, raw("GET", "/_/login?code=0123", evilGet).status());
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
        upstream.enqueue(Reply.json(200,
                SseFixtures.jsonMessage("claude-sonnet-4-5", "hi")));
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
        Resp r = send(HttpRequest.newBuilder(URI.create(base() + "/_/logout"))
                .header("cookie", cookie).header("origin", base()).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, r.status());
        assertTrue(r.header("set-cookie").contains("Max-Age=0"));
        Resp cross = send(HttpRequest.newBuilder(URI.create(base() + "/_/logout"))
                .header("cookie", cookie).header("origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody())
                .build());
        assertEquals(403, cross.status());
    }

    @Test
    void rotatingTheAdminTokenEndsEverySessionAndNeverShowsTheNewToken() throws Exception {
        Resp fixed = api("POST", "/_/api/admin-token/rotate", null);
        assertEquals(409, fixed.status(), "a token fixed by the environment is not rotated: " + fixed.body());
        assertTrue(fixed.json().getString("error").contains("CODE_PROXY_ADMIN_TOKEN"), fixed.body());

        server.close();
        server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dataDir)
                .host("127.0.0.1")
                .port(0)
                .clientToken(CLIENT)
                .build());
        var file = dataDir.resolve(ProxyServer.ADMIN_TOKEN_FILE);
        String before = Files.readString(file).strip();
        secrets.add(before);
        String cookie = login();
        Resp r = send(request("POST", "/_/api/admin-token/rotate", null).header("authorization", "Bearer " + before)
                .build());
        assertEquals(200, r.status(), r.body());
        String after = Files.readString(file).strip();
        secrets.add(after);
        assertFalse(after.equals(before));
        assertEquals(file.toString(), r.json().getString("file"));
        assertEquals(1, r.json().getInt("sessionsEnded"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(401, send(request("GET", "/_/api/status", null).header("cookie", cookie).build()).status());
        assertEquals(401, send(request("GET", "/_/api/status", null).header("authorization", "Bearer " + before)
                .build()).status());
        assertEquals(200, send(request("GET", "/_/api/status", null).header("authorization", "Bearer " + after)
                .build()).status());
    }

    @Test
    void oversizedAdminBodiesAreRefusedWithoutBeingRead() {
        // headers only: a server that waited for 100 MB would time this out
        AdminPathSpellingsTest.Answer declared = AdminPathSpellingsTest.exchange(server.port(), "PUT /_/api/settings "
                + "HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN + "\r\nContent-Type: application/json"
                + "\r\nContent-Length: 100000000\r\n\r\n{");
        assertEquals(413, declared.status(), declared.head());
        StringBuilder chunked = new StringBuilder("POST /_/api/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + ADMIN + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        String chunk = "x".repeat(65536);
        for (int i = 0; i < 70; i++) {
            chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        AdminPathSpellingsTest.Answer big;
        try {
            big = AdminPathSpellingsTest.exchange(server.port(), chunked.toString());
        } catch (UncheckedIOException e) {
            big = null; // the server may close while the rest is still being sent: refused either way
        }
        if (big != null) {
            assertEquals(413, big.status(), big.head());
        }
        // the listener's own payload limit holds on every path, read by nothing
        for (String path : List.of("/nothing-here", "/assets/x.js", "/v1/messages")) {
            AdminPathSpellingsTest.Answer huge = AdminPathSpellingsTest.exchange(server.port(), "POST " + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + CLIENT + "\r\nContent-Type: application/json"
                    + "\r\nContent-Length: 2147483648\r\nConnection: close\r\n\r\n{");
            assertEquals(413, huge.status(), path + ": " + huge.head());
        }
        assertEquals(1, server.config().settings().maxRetries(), "nothing changed");
        assertEquals(200, get("/_/api/status").status(), "the server is fine");
    }
}
