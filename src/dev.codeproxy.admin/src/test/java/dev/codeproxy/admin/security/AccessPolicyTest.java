package dev.codeproxy.admin.security;

import io.helidon.common.uri.UriPath;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one access decision, on the path Helidon routes on (not the raw target). */
class AccessPolicyTest {
    private static final String TOKEN = "cpa-test-admin-token-0123456789";
    private final AdminAuth auth = new AdminAuth(TOKEN, new SessionStore(Clock.systemUTC()),
            new LoginCodes(Clock.systemUTC()));
    private final AccessPolicy policy = new AccessPolicy(new HostCheck(() -> "127.0.0.1", () -> "127.0.0.1", () -> ""),
            auth, new LoginLimiter(Clock.systemUTC()), () -> false);

    private AccessPolicy.Decision check(String method, String raw, WritableHeaders<?> h) {
        UriPath p = UriPath.create(raw);
        return policy.check(method, p.rawPath(), SecurityFilter.routedPath(p), h, "10.0.0.1", false, false);
    }

    private static WritableHeaders<?> headers() {
        WritableHeaders<?> h = WritableHeaders.create();
        h.set(HeaderNames.HOST, "127.0.0.1:9000");
        return h;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/_;/api/status", "/%5F/api/status", "/%5f/api/status", "/a/../_/api/status",
            "/_%2Fapi/status", "//_/api/status", "/_/./api/status", "/_/api;x=1/status", "/_/%61pi/status",
            "/observe;/metrics", "/observe/%6Detrics", "/v1/../_/api/export", "/_/ws;", "/_/login;x", "/_/api/status%"})
    void targetsNotInNormalFormAreRefusedEvenWithTheToken(String raw) {
        WritableHeaders<?> h = headers();
        h.set(HeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        AccessPolicy.Decision d = check("GET", raw, h);
        assertEquals(400, d.status(), raw + ": " + d.body());
        assertTrue(d.body().contains("normal form"), d.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/_/api/status", "/_/API/status", "/_/ws", "/_", "/observe/metrics"})
    void adminPathsInNormalFormNeedTheToken(String raw) {
        assertEquals(401, check("GET", raw, headers()).status(), raw);
        WritableHeaders<?> h = headers();
        h.set(HeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        assertTrue(check("GET", raw, h).allowed(), raw);
    }

    @Test
    void theProxyPathKeepsItsOwnSpellingAndClientTokens() {
        assertTrue(check("POST", "/v1/messages", headers()).allowed());
        assertTrue(check("POST", "/v1/messages;x", headers()).allowed(), "the proxy forwards what it got");
    }

    @Test
    void stateChangesTakeJsonOnly() {
        for (String type : new String[]{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x",
                "application/jsonp", "text/json"}) {
            WritableHeaders<?> h = headers();
            h.set(HeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
            h.set(HeaderNames.CONTENT_TYPE, type);
            h.set(HeaderNames.CONTENT_LENGTH, "2");
            assertEquals(415, check("POST", "/_/api/import", h).status(), type);
        }
        WritableHeaders<?> json = headers();
        json.set(HeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        json.set(HeaderNames.CONTENT_TYPE, "Application/JSON; charset=utf-8");
        json.set(HeaderNames.CONTENT_LENGTH, "2");
        assertTrue(check("POST", "/_/api/import", json).allowed());

        WritableHeaders<?> untyped = headers();
        untyped.set(HeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        untyped.set(HeaderNames.CONTENT_LENGTH, "2");
        assertEquals(415, check("POST", "/_/api/import", untyped).status(), "a body without a type");
        WritableHeaders<?> empty = headers();
        empty.set(HeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        assertTrue(check("POST", "/_/api/endpoints/1/enable", empty).allowed(), "no body, no type needed");
        assertTrue(check("GET", "/_/api/status", untyped).allowed(), "reads are not state changes");
    }

    @Test
    void verifyIsTheRoutesOwnCheck() {
        WritableHeaders<?> h = headers();
        assertEquals(401, policy.verify("/_/api/status", "/_/api/status", h).status());
        h.set(HeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        assertTrue(policy.verify("/_/api/status", "/_/api/status", h).allowed());
        assertEquals(400, policy.verify("/_;/api/status", "/_/api/status", h).status());
        assertNull(AccessPolicy.contentTypeProblem("GET", h));
    }

    @Test
    void rotatingTheTokenEndsSessionsAndTheOldToken() {
        String session = auth.sessions().create("r", "u");
        WritableHeaders<?> h = headers();
        h.set(HeaderNames.COOKIE, AdminAuth.COOKIE + "=" + session);
        assertTrue(check("GET", "/_/api/status", h).allowed());
        auth.rotate("cpa-new-token-abcdefabcdef");
        assertEquals(401, check("GET", "/_/api/status", h).status());
        WritableHeaders<?> old = headers();
        old.set(HeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
        assertEquals(401, check("GET", "/_/api/status", old).status());
    }
}
