package dev.codeproxy.proxy;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which headers cross the proxy, in each direction, and which credential goes upstream. */
class HeaderPolicyTest {
    private static final String CLIENT_TOKEN = "cpc-client-token-abcdef0123456789";
    private static final String ENDPOINT_KEY = "sk-ant-endpoint-key-9876543210";

    private static Endpoint endpoint(String key, AuthStyle style) {
        return new Endpoint(1, "primary", "", true, 1, 1, "https://api.example.com", key, style,
                Endpoint.DEFAULT_TIMEOUT_MS, ModelMap.EMPTY, false);
    }

    /** What goes upstream, as name/value pairs in order (names as they will be written). */
    private static List<String[]> forwarded(WritableHeaders<?> from, Endpoint ep) {
        List<String[]> out = new ArrayList<>();
        HeaderPolicy.requestHeaders(from, ep, (n, v) -> out.add(new String[]{n, v}));
        return out;
    }

    private static List<String> values(List<String[]> pairs, String name) {
        return pairs.stream().filter(p -> p[0].equalsIgnoreCase(name)).map(p -> p[1]).toList();
    }

    private static WritableHeaders<?> claudeCodeRequest() {
        WritableHeaders<?> h = WritableHeaders.create();
        h.add(HeaderNames.create("Host"), "127.0.0.1:8787");
        h.add(HeaderNames.create("x-api-key"), CLIENT_TOKEN);
        h.add(HeaderNames.create("anthropic-version"), "2023-06-01");
        h.add(HeaderNames.create("anthropic-beta"), "claude-code-20250219,interleaved-thinking-2025-05-14");
        h.add(HeaderNames.create("content-type"), "application/json");
        h.add(HeaderNames.create("content-length"), "1234");
        h.add(HeaderNames.create("user-agent"), "claude-cli/2.0.14 (external, cli)");
        h.add(HeaderNames.create("x-app"), "cli");
        h.add(HeaderNames.create("x-claude-code-session-id"), "0b7c1f0e-session");
        h.add(HeaderNames.create("x-stainless-retry-count"), "0");
        h.add(HeaderNames.create("accept"), "application/json");
        h.add(HeaderNames.create("accept-encoding"), "gzip, deflate, br");
        h.add(HeaderNames.create("connection"), "keep-alive");
        return h;
    }

    // ------------------------------------------------------------------ request: what passes

    @Test
    void claudeCodesOwnHeadersPassAsReceived() {
        List<String[]> out = forwarded(claudeCodeRequest(), endpoint(ENDPOINT_KEY, AuthStyle.X_API_KEY));
        assertEquals(List.of("2023-06-01"), values(out, "anthropic-version"));
        assertEquals(List.of("claude-code-20250219,interleaved-thinking-2025-05-14"), values(out, "anthropic-beta"));
        assertEquals(List.of("application/json"), values(out, "content-type"));
        assertEquals(List.of("claude-cli/2.0.14 (external, cli)"), values(out, "user-agent"));
        assertEquals(List.of("cli"), values(out, "x-app"));
        assertEquals(List.of("0b7c1f0e-session"), values(out, "x-claude-code-session-id"));
        assertEquals(List.of("0"), values(out, "x-stainless-retry-count"));
        assertEquals(List.of("application/json"), values(out, "accept"));
    }

    @Test
    void unknownHeadersAndEveryValueOfARepeatedOnePass() {
        WritableHeaders<?> h = WritableHeaders.create();
        h.add(HeaderNames.create("x-future-thing"), "1");
        h.add(HeaderNames.create("anthropic-beta"), "a-2025");
        h.add(HeaderNames.create("anthropic-beta"), "b-2025");
        List<String[]> out = forwarded(h, endpoint("", AuthStyle.X_API_KEY));
        assertEquals(List.of("1"), values(out, "x-future-thing"));
        assertEquals(List.of("a-2025", "b-2025"), values(out, "anthropic-beta"), "both values, in order");
    }

    // ------------------------------------------------------------------ request: what stays on its hop

    @ParameterizedTest
    @ValueSource(strings = {"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length", "expect",
            "Connection", "Keep-Alive", "TE", "Transfer-Encoding", "UPGRADE", "Host", "Content-Length", "Expect"})
    void hopByHopHeadersStayOnTheirHop(String name) {
        WritableHeaders<?> h = WritableHeaders.create();
        h.add(HeaderNames.create(name), "x");
        h.add(HeaderNames.create("x-kept"), "yes");
        List<String[]> out = forwarded(h, endpoint("", AuthStyle.X_API_KEY));
        assertEquals(List.of(), values(out, name), name + " must not be forwarded");
        assertEquals(List.of("yes"), values(out, "x-kept"));
        // and the same on the way back
        List<String[]> back = new ArrayList<>();
        HeaderPolicy.responseHeaders(h, (n, v) -> back.add(new String[]{n, v}));
        assertEquals(List.of(), values(back, name), name + " must not be returned to the client");
        assertEquals(List.of("yes"), values(back, "x-kept"));
    }

    @Test
    void headersNamedInConnectionStayOnTheirHopInBothDirections() {
        WritableHeaders<?> h = WritableHeaders.create();
        h.add(HeaderNames.create("connection"), "X-Private , x-other");
        h.add(HeaderNames.create("connection"), "x-THIRD");
        h.add(HeaderNames.create("x-private"), "1");
        h.add(HeaderNames.create("x-other"), "2");
        h.add(HeaderNames.create("x-third"), "3");
        h.add(HeaderNames.create("x-public"), "4");
        List<String[]> out = forwarded(h, endpoint("", AuthStyle.X_API_KEY));
        assertEquals(List.of("x-public", "accept-encoding"),
                out.stream().map(p -> p[0].toLowerCase(Locale.ROOT)).toList());
        List<String[]> back = new ArrayList<>();
        HeaderPolicy.responseHeaders(h, (n, v) -> back.add(new String[]{n, v}));
        assertEquals(List.of("x-public"), back.stream().map(p -> p[0]).toList());
    }

    @Test
    void theUpstreamIsAskedForIdentityExactlyOnce() {
        // usage is read from every response and JSON bodies are checked: compressed answers would prevent both
        WritableHeaders<?> h = claudeCodeRequest();
        h.add(HeaderNames.create("Accept-Encoding"), "zstd");
        List<String[]> out = forwarded(h, endpoint(ENDPOINT_KEY, AuthStyle.X_API_KEY));
        assertEquals(List.of("identity"), values(out, "accept-encoding"));
        assertEquals(List.of("identity"), values(forwarded(WritableHeaders.create(), endpoint("", AuthStyle.BEARER)),
                "accept-encoding"), "asked even when the client did not say");
    }

    // ------------------------------------------------------------------ request: credentials

    @Test
    void anXApiKeyEndpointGetsItsKeyInXApiKeyAndNothingElse() {
        List<String[]> out = forwarded(claudeCodeRequest(), endpoint(ENDPOINT_KEY, AuthStyle.X_API_KEY));
        assertEquals(List.of(ENDPOINT_KEY), values(out, "x-api-key"));
        assertEquals(List.of(), values(out, "authorization"));
    }

    @Test
    void aBearerEndpointGetsItsKeyInAuthorizationAndNothingElse() {
        List<String[]> out = forwarded(claudeCodeRequest(), endpoint(ENDPOINT_KEY, AuthStyle.BEARER));
        assertEquals(List.of("Bearer " + ENDPOINT_KEY), values(out, "authorization"));
        assertEquals(List.of(), values(out, "x-api-key"));
    }

    @Test
    void anEndpointWithoutAKeyGetsNoCredentialAtAll() {
        for (AuthStyle style : AuthStyle.values()) {
            List<String[]> out = forwarded(claudeCodeRequest(), endpoint("", style));
            assertEquals(List.of(), values(out, "x-api-key"), style.wire());
            assertEquals(List.of(), values(out, "authorization"), style.wire());
        }
    }

    @Test
    void noClientCredentialIsEverForwardedHoweverItIsSpelled() {
        WritableHeaders<?> h = WritableHeaders.create();
        h.add(HeaderNames.create("X-Api-Key"), CLIENT_TOKEN);
        h.add(HeaderNames.create("x-api-key"), CLIENT_TOKEN + "-2");
        h.add(HeaderNames.create("AUTHORIZATION"), "Bearer " + CLIENT_TOKEN);
        h.add(HeaderNames.create("authorization"), "Basic " + CLIENT_TOKEN);
        h.add(HeaderNames.create("Proxy-Authorization"), "Bearer " + CLIENT_TOKEN);
        // a client that names its credential in Connection changes nothing
        h.add(HeaderNames.create("connection"), "close");
        for (AuthStyle style : AuthStyle.values()) {
            for (String key : new String[]{"", ENDPOINT_KEY}) {
                List<String[]> out = forwarded(h, endpoint(key, style));
                for (String[] p : out) {
                    assertFalse(p[1].contains(CLIENT_TOKEN), style + " forwarded the client's token in " + p[0]);
                }
                long credentials = out.stream().filter(p -> p[0].equalsIgnoreCase("x-api-key")
                        || p[0].equalsIgnoreCase("authorization")).count();
                assertEquals(key.isEmpty() ? 0 : 1, credentials, style + ", key '" + key + "': " + out.size());
            }
        }
    }

    // ------------------------------------------------------------------ response

    @Test
    void responseHeadersPassExceptTheHopsOwn() {
        WritableHeaders<?> h = WritableHeaders.create();
        h.add(HeaderNames.create("content-type"), "text/event-stream");
        h.add(HeaderNames.create("request-id"), "req_011");
        h.add(HeaderNames.create("anthropic-ratelimit-requests-remaining"), "49");
        h.add(HeaderNames.create("retry-after"), "3");
        h.add(HeaderNames.create("x-should-retry"), "true");
        h.add(HeaderNames.create("transfer-encoding"), "chunked");
        h.add(HeaderNames.create("content-length"), "10");
        h.add(HeaderNames.create("keep-alive"), "timeout=5");
        List<String[]> back = new ArrayList<>();
        HeaderPolicy.responseHeaders(h, (n, v) -> back.add(new String[]{n, v}));
        assertEquals(Set.of("content-type", "request-id", "anthropic-ratelimit-requests-remaining",
                "retry-after", "x-should-retry"), back.stream().map(p -> p[0].toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet()));
        assertEquals(5, back.size());
        assertEquals(List.of("3"), values(back, "retry-after"));
    }

    // ------------------------------------------------------------------ the client's token

    @Test
    void theClientTokenComesFromXApiKeyFirstThenABearerAuthorization() {
        WritableHeaders<?> both = WritableHeaders.create();
        both.add(HeaderNames.create("authorization"), "Bearer other");
        both.add(HeaderNames.create("x-api-key"), "  " + CLIENT_TOKEN + " ");
        assertEquals(CLIENT_TOKEN, HeaderPolicy.clientToken(both));

        for (String auth : new String[]{"Bearer " + CLIENT_TOKEN, "bearer " + CLIENT_TOKEN, "BEARER   " + CLIENT_TOKEN,
                " Bearer " + CLIENT_TOKEN + "  "}) {
            WritableHeaders<?> h = WritableHeaders.create();
            h.add(HeaderNames.AUTHORIZATION, auth);
            assertEquals(CLIENT_TOKEN, HeaderPolicy.clientToken(h), auth);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic Y3BjOnNlY3JldA==", "Bearer", "Bearer-xyz", "Token abc", "", "Bearerabc"})
    void anAuthorizationThatIsNotBearerIsNoToken(String auth) {
        WritableHeaders<?> h = WritableHeaders.create();
        h.add(HeaderNames.AUTHORIZATION, auth);
        assertNull(HeaderPolicy.clientToken(h), auth);
    }

    @Test
    void noCredentialHeaderIsNoToken() {
        WritableHeaders<?> h = WritableHeaders.create();
        h.add(HeaderNames.create("x-api-keyx"), CLIENT_TOKEN);
        h.add(HeaderNames.create("cookie"), "token=" + CLIENT_TOKEN);
        assertNull(HeaderPolicy.clientToken(h));
    }

    // ------------------------------------------------------------------ what the log keeps

    @Test
    void theLogKeepsHeadersWithEveryCredentialRedacted() {
        WritableHeaders<?> h = WritableHeaders.create();
        h.add(HeaderNames.create("X-Api-Key"), CLIENT_TOKEN);
        h.add(HeaderNames.create("Authorization"), "Bearer " + CLIENT_TOKEN);
        h.add(HeaderNames.create("Cookie"), "session=" + CLIENT_TOKEN);
        h.add(HeaderNames.create("Set-Cookie"), "a=" + CLIENT_TOKEN);
        h.add(HeaderNames.create("Proxy-Authorization"), "Basic " + CLIENT_TOKEN);
        h.add(HeaderNames.create("Anthropic-Beta"), "x-2025");
        h.add(HeaderNames.create("anthropic-beta"), "y-2025");
        Map<String, List<String>> m = HeaderPolicy.redacted(h);
        assertEquals(List.of("[redacted]"), m.get("x-api-key"));
        assertEquals(List.of("[redacted]"), m.get("authorization"));
        assertEquals(List.of("[redacted]"), m.get("cookie"));
        assertEquals(List.of("[redacted]"), m.get("set-cookie"));
        assertEquals(List.of("[redacted]"), m.get("proxy-authorization"));
        assertEquals(List.of("x-2025", "y-2025"), m.get("anthropic-beta"), "names lower-cased, values merged");
        assertFalse(m.toString().contains(CLIENT_TOKEN), m.toString());
    }

    @Test
    void theHeadersSentUpstreamAreLoggedRedactedToo() {
        List<String[]> sent = forwarded(claudeCodeRequest(), endpoint(ENDPOINT_KEY, AuthStyle.BEARER));
        Map<String, List<String>> m = HeaderPolicy.redacted(sent);
        assertEquals(List.of("[redacted]"), m.get("authorization"));
        assertEquals(List.of("identity"), m.get("accept-encoding"));
        assertTrue(m.containsKey("anthropic-version"));
        assertFalse(m.toString().contains(ENDPOINT_KEY), "the endpoint's key never reaches the log");
        assertFalse(m.toString().contains(CLIENT_TOKEN));
        List<String[]> pairs = List.of(new String[]{"X-API-KEY", "k1"}, new String[]{"x-api-key", "k2"},
                new String[]{"Cookie", "c"}, new String[]{"X-Thing", "t"});
        assertEquals(Map.of("x-api-key", List.of("[redacted]", "[redacted]"), "cookie", List.of("[redacted]"),
                "x-thing", List.of("t")), HeaderPolicy.redacted(pairs));
    }
}
