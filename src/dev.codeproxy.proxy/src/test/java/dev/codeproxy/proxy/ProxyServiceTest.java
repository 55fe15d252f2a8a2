package dev.codeproxy.proxy;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.settings.ConfigSource;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The proxy's front door, through the real route table on a Helidon server: the client token is
 * checked and then never leaves the proxy (the upstream gets the endpoint's key, the log a mask),
 * and a proxy that is stopping turns new requests away with a retry-after.
 */
@Timeout(60)
class ProxyServiceTest {
    private static final String TOKEN = "cpc-front-door-token-0123456789";
    private static final String KEY = "sk-ant-endpoint-secret-abcdef";

    private final FakeUpstream upstream = FakeUpstream.start();
    private final BlockingQueue<ProxyEvent> events = new LinkedBlockingQueue<>();
    private ProxyService proxy;
    private WebServer server;

    @BeforeEach
    void start() {
        Endpoint ep = new Endpoint(1, "primary", "", true, 1, 1, upstream.baseUrl(), KEY, AuthStyle.BEARER,
                Endpoint.DEFAULT_TIMEOUT_MS, ModelMap.EMPTY, false);
        proxy = new ProxyService(ConfigSource.of(Settings.fromMap(Map.of()), List.of(ep)), TOKEN::equals, events::add,
                Clock.systemUTC(), new SplittableRandom(3));
        server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.register(proxy)).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        upstream.close();
    }

    private RawResponse post(String credentialHeaders) {
        String body = ClaudeCodeBodies.minimal("claude-sonnet-4-5", false);
        return RawResponse.send(server.port(), "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n" + credentialHeaders
                + "content-type: application/json\r\ncontent-length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\nConnection: close\r\n\r\n" + body);
    }

    private RequestRecord completed() throws InterruptedException {
        while (true) {
            ProxyEvent e = events.poll(30, TimeUnit.SECONDS);
            assertNotNull(e, "the request completed");
            if (e instanceof ProxyEvent.RequestCompleted c) {
                return c.record();
            }
        }
    }

    @Test
    void aRequestWithoutAClientTokenIsRefusedInTheAnthropicEnvelope() {
        try (RawResponse r = post("")) {
            assertEquals(401, r.status);
            assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"missing client "
                    + "token: send the Code Proxy client token as x-api-key or authorization: Bearer\"}}", r.readAllText());
            assertEquals("no-store", r.headers.get("cache-control"));
        }
        assertEquals(0, upstream.requestCount());
    }

    @Test
    void aWrongClientTokenIsRefusedWithoutEchoingIt() {
        for (String h : List.of("x-api-key: cpc-wrong-token-999\r\n", "authorization: Bearer cpc-wrong-token-999\r\n",
                "x-api-key: " + TOKEN + "x\r\n", "authorization: Basic " + TOKEN + "\r\n")) {
            try (RawResponse r = post(h)) {
                assertEquals(401, r.status, h);
                String body = r.readAllText();
                assertFalse(body.contains("cpc-wrong-token-999") || body.contains(TOKEN), "echoed: " + body);
                assertEquals("authentication_error", body.replaceAll(".*\"error\":\\{\"type\":\"([a-z_]+)\".*", "$1"));
            }
        }
        assertEquals(0, upstream.requestCount());
    }

    @Test
    void theClientTokenNeverReachesTheUpstreamNorTheLog() throws Exception {
        try (RawResponse r = post("x-api-key: " + TOKEN + "\r\nauthorization: Bearer " + TOKEN + "\r\n")) {
            assertEquals(200, r.status, r.readAllText());
        }
        RecordedRequest up = upstream.takeRequest(Duration.ofSeconds(10));
        assertNotNull(up);
        assertEquals(List.of("Bearer " + KEY), up.headerValues("authorization"), "the endpoint's key, bearer style");
        assertNull(up.header("x-api-key"));
        assertFalse(up.headers().toString().contains(TOKEN), "client token upstream: " + up.headers());
        RequestRecord rec = completed();
        String logged = rec.requestHeaders() + " " + rec.sentHeaders() + " " + rec.responseHeaders();
        assertFalse(logged.contains(TOKEN), "client token in the log: " + logged);
        assertFalse(logged.contains(KEY), "endpoint key in the log: " + logged);
        assertEquals(List.of("[redacted]"), rec.sentHeaders().get("authorization"));
    }

    @Test
    void aStoppingProxyTurnsNewRequestsAwayWithRetryAfter() {
        proxy.drain(Duration.ZERO);
        try (RawResponse r = post("x-api-key: " + TOKEN + "\r\n")) {
            assertEquals(503, r.status);
            assertEquals("1", r.headers.get("retry-after"));
            assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Code Proxy is "
                    + "shutting down; retry in a moment\"}}", r.readAllText());
        }
        assertEquals(0, upstream.requestCount());
    }
}
