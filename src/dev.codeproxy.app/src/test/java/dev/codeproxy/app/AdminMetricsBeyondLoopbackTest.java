package dev.codeproxy.app;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server bound to every interface keeps every token requirement, and its metrics need the admin token. */
class AdminMetricsBeyondLoopbackTest extends AdminServerTest {
    @Override
    String host() {
        return "0.0.0.0";
    }

    @Test
    void metricsNeedTheAdminTokenAndEverythingElseKeepsItsToken() {
        assertEquals(401, send(request("GET", "/observe/metrics", null).build()).status());
        Resp ok = send(request("GET", "/observe/metrics", null).header("authorization", "Bearer " + ADMIN).build());
        assertEquals(200, ok.status());
        assertTrue(ok.body().contains("code_proxy_requests_total"));
        assertEquals(401, send(request("GET", "/_/api/status", null).build()).status(), "the API still needs it");
        assertEquals(401, send(request("POST", "/v1/messages", MESSAGE).build()).status(), "the proxy path too");
        assertFalse(get("/_/api/status").json().getBoolean("loopback"));
        assertEquals(204, send(request("GET", "/observe/health", null).build()).status(), "health stays open");
    }
}
