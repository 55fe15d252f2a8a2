package dev.codeproxy.proxy;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.settings.ConfigSource;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the attempt loop classifies what an upstream did, and what follows from it: the outcome each
 * attempt records ({@code connect_error}, {@code timeout}, {@code http_<status>}, {@code bad_json},
 * {@code bad_stream}, {@code stream_error}), whether the request fails over, and what the client gets.
 * Driven through the real {@link ProxyService} on a Helidon server, against fake upstreams.
 * ({@code FailureClass} and {@code RetryDecision} themselves are tested in core.)
 */
@Timeout(120)
class AttemptClassificationTest {
    private static final String TOKEN = "cpc-classification-test-token-0123";
    private static final String MODEL = "claude-sonnet-4-5";

    // ------------------------------------------------------------------ exceptions before a response

    @Test
    void aSocketTimeoutIsATimeoutNotACancellation() {
        // SocketTimeoutException is an InterruptedIOException: the order of the checks matters
        Exchange.Failure f = Exchange.classify(new UncheckedIOException(new SocketTimeoutException("Read timed out")));
        assertTrue(f.timeout());
        assertEquals("timeout", f.outcome());
        assertEquals("did not respond in time", f.detail());
        assertTrue(Exchange.classify(new RuntimeException(new TimeoutException())).timeout());
    }

    @Test
    void aRefusedConnectionAnUnknownHostAndATlsFailureAreNamed() {
        Exchange.Failure refused = Exchange.classify(new UncheckedIOException(new ConnectException("Connection refused")));
        assertFalse(refused.timeout());
        assertEquals("connect_error", refused.outcome());
        assertEquals("is unreachable (connection refused)", refused.detail());
        assertEquals("is unreachable (unknown host api.nowhere.invalid)",
                Exchange.classify(new RuntimeException(new UnknownHostException("api.nowhere.invalid"))).detail());
        assertEquals("is unreachable (TLS failure: PKIX path building failed)",
                Exchange.classify(new RuntimeException(new SSLHandshakeException("PKIX path building failed"))).detail());
    }

    @Test
    void theFirstKnownCauseInTheChainDecides() {
        RuntimeException deep = new RuntimeException("wrapper",
                new IOException("outer", new ConnectException("Connection refused")));
        assertEquals("is unreachable (connection refused)", Exchange.classify(deep).detail());
    }

    @Test
    void anInterruptedCallWasCancelledNotTimedOut() {
        for (Throwable t : new Throwable[]{new InterruptedException(), new InterruptedIOException("x"),
                new ClosedByInterruptException()}) {
            Exchange.Failure f = Exchange.classify(new RuntimeException(t));
            assertFalse(f.timeout(), t.toString());
            assertEquals("connect_error", f.outcome(), t.toString());
            assertEquals("was cancelled", f.detail(), t.toString());
        }
    }

    @Test
    void anythingElseIsUnreachableWithItsMessageAndATimeoutIsRecognisedByItsWords() {
        assertEquals("is unreachable (Connection reset)", Exchange.classify(new RuntimeException("Connection reset")).detail());
        assertEquals("is unreachable (IllegalStateException)", Exchange.classify(new IllegalStateException()).detail());
        assertTrue(Exchange.classify(new RuntimeException("Read Timed Out while waiting")).timeout());
        assertTrue(Exchange.classify(new RuntimeException("idle TIMEOUT")).timeout());
    }

    // ------------------------------------------------------------------ through the attempt loop

    private final FakeUpstream first = FakeUpstream.start();
    private final FakeUpstream second = FakeUpstream.start();
    private final BlockingQueue<ProxyEvent> events = new LinkedBlockingQueue<>();
    private WebServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        first.close();
        second.close();
    }

    private static Endpoint endpoint(long id, String name, String baseUrl) {
        return new Endpoint(id, name, "", true, (int) id, 1, baseUrl, "sk-upstream-" + name, AuthStyle.X_API_KEY,
                Endpoint.DEFAULT_TIMEOUT_MS, ModelMap.EMPTY, false);
    }

    private void start(List<Endpoint> endpoints) {
        // no retries of the same endpoint on 5xx (maxRetries 0): each case shows its class in one attempt
        Settings settings = Settings.fromMap(Map.of("maxRetries", "0", "streamIdleTimeoutMs", "20000"));
        ProxyService proxy = new ProxyService(ConfigSource.of(settings, endpoints), TOKEN::equals, events::add,
                Clock.systemUTC(), new SplittableRandom(7));
        server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.register(proxy)).build().start();
    }

    private RawResponse post(boolean stream) {
        String body = ClaudeCodeBodies.minimal(MODEL, stream);
        return RawResponse.send(server.port(), "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + TOKEN
                + "\r\nanthropic-version: 2023-06-01\r\ncontent-type: application/json\r\ncontent-length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
    }

    /** The attempts of the next request, as {@code endpoint outcome willRetry}, once it completed. */
    private List<String> attempts() throws InterruptedException {
        List<String> out = new ArrayList<>();
        while (true) {
            ProxyEvent e = events.poll(60, TimeUnit.SECONDS);
            assertNotNull(e, "the request completed");
            if (e instanceof ProxyEvent.AttemptFinished a) {
                out.add(a.endpoint() + " " + a.outcome() + " " + a.willRetry());
            } else if (e instanceof ProxyEvent.RequestCompleted) {
                return out;
            }
        }
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> failuresThatFailOver() {
        String html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        return Stream.of(
                Arguments.of("reset before a response", Reply.reset(), false, List.of("first connect_error same",
                        "first connect_error next")),
                Arguments.of("500", Reply.error(500, "api_error", "Internal"), false, List.of("first http_500 next")),
                Arguments.of("502", Reply.error(502, "api_error", "Bad gateway"), false, List.of("first http_502 next")),
                Arguments.of("503", Reply.error(503, "api_error", "Unavailable"), false, List.of("first http_503 next")),
                Arguments.of("529", Reply.error(529, "overloaded_error", "Overloaded"), false,
                        List.of("first http_529 next")),
                Arguments.of("599", Reply.error(599, "api_error", "odd"), false, List.of("first http_599 next")),
                Arguments.of("429 without retry-after", Reply.error(429, "rate_limit_error", "slow down"), false,
                        List.of("first http_429 next")),
                Arguments.of("429 waiting longer than retryCapMs", Reply.error(429, "rate_limit_error", "later")
                        .retryAfter(3600), false, List.of("first http_429 next")),
                Arguments.of("401", Reply.error(401, "authentication_error", "invalid x-api-key"), false,
                        List.of("first http_401 next")),
                Arguments.of("403", Reply.error(403, "permission_error", "no"), false, List.of("first http_403 next")),
                Arguments.of("200 HTML page", Reply.json(200, html).header("content-type", "text/html"), false,
                        List.of("first bad_json next")),
                Arguments.of("200 empty body", Reply.json(200, ""), false, List.of("first bad_json next")),
                Arguments.of("200 JSON without its end", Reply.json(200, "{\"id\":\"msg_1\",\"usage\":{\"input_tokens\""),
                        false, List.of("first bad_json next")),
                // the body broke off after the headers: recorded as connect_error (not bad_json), failed over alike
                Arguments.of("200 JSON cut off on the wire", Reply.json(200, SseFixtures.jsonMessage(MODEL, "hi"))
                        .cutAfterBytes(20), false, List.of("first connect_error next")),
                Arguments.of("stream: error event before content", Reply.sse(SseFixtures.errorBeforeContent(MODEL,
                        "overloaded_error", "Overloaded")), true, List.of("first bad_stream next")),
                Arguments.of("stream: empty", Reply.empty200Stream(), true, List.of("first bad_stream next")),
                Arguments.of("stream: cut before content", Reply.sse(SseFixtures.message(MODEL, 3)).cutAfterEvents(1),
                        true, List.of("first bad_stream next")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failuresThatFailOver")
    void failuresBeforeCommitFailOverAndTheClientSeesOnlyTheGoodAnswer(String name, Reply reply, boolean stream,
                                                                        List<String> expected) throws Exception {
        start(List.of(endpoint(1, "first", first.baseUrl()), endpoint(2, "second", second.baseUrl())));
        first.setDefault(reply);
        List<String> good = SseFixtures.message(MODEL, 3);
        second.setDefault(stream ? Reply.sse(good) : Reply.json(200, SseFixtures.jsonMessage(MODEL, "from second")));
        try (RawResponse r = post(stream)) {
            String body = r.readAllText();
            assertEquals(200, r.status, name + ": " + body);
            assertEquals("second", r.headers.get("x-code-proxy-endpoint"));
            assertEquals(stream ? String.join("", good) : SseFixtures.jsonMessage(MODEL, "from second"), body);
        }
        List<String> all = new ArrayList<>(expected);
        all.add("second ok none");
        assertEquals(all, attempts(), name);
    }

    /**
     * A complete 200 response whose JSON body stops inside an array or object ({@code {"content":[}) fails
     * over. It used to never answer: UsageScanner.json called Parsson's skipArray/skipObject, which loop for
     * ever at the end of the input (eclipse-ee4j/parsson#23, still in 1.1.7).
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aJsonBodyThatEndsInsideAnArrayFailsOver() throws Exception {
        start(List.of(endpoint(1, "first", first.baseUrl()), endpoint(2, "second", second.baseUrl())));
        first.setDefault(Reply.json(200, "{\"id\":\"msg_1\",\"content\":["));
        try (RawResponse r = post(false)) {
            assertEquals(200, r.status);
            assertEquals("second", r.headers.get("x-code-proxy-endpoint"));
        }
        assertEquals(List.of("first bad_json next", "second ok none"), attempts());
    }

    @Test
    void aRefusedConnectionIsRetriedOnceThenFailsOver() throws Exception {
        start(List.of(endpoint(1, "first", "http://127.0.0.1:" + closedPort()), endpoint(2, "second", second.baseUrl())));
        try (RawResponse r = post(false)) {
            assertEquals(200, r.status, r.readAllText());
        }
        assertEquals(List.of("first connect_error same", "first connect_error next", "second ok none"), attempts());
    }

    @Test
    void noResponseHeadersInTimeIsATimeoutAndFailsOver() throws Exception {
        start(List.of(endpoint(1, "first", first.baseUrl()).withHeadersTimeoutMs(500),
                endpoint(2, "second", second.baseUrl())));
        first.setDefault(Reply.hang());
        try (RawResponse r = post(false)) {
            assertEquals(200, r.status, r.readAllText());
        }
        assertEquals(List.of("first timeout next", "second ok none"), attempts());
    }

    @Test
    void aClientErrorIsTheRequestsFaultAndIsReturnedAsIsWithoutFailover() throws Exception {
        start(List.of(endpoint(1, "first", first.baseUrl()), endpoint(2, "second", second.baseUrl())));
        String envelope = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: "
                + "too large\"}}";
        for (int status : new int[]{400, 404, 413, 422}) {
            first.enqueue(Reply.json(status, envelope));
            try (RawResponse r = post(false)) {
                assertEquals(status, r.status);
                assertEquals(envelope, r.readAllText(), "the upstream's own error, unchanged");
            }
            assertEquals(List.of("first http_" + status + " none"), attempts());
        }
        assertEquals(0, second.requestCount(), "every endpoint would have said the same");
    }

    @Test
    void whenEveryEndpointAnswersWithAnErrorTheLastOneIsReturnedUnchanged() throws Exception {
        start(List.of(endpoint(1, "first", first.baseUrl()), endpoint(2, "second", second.baseUrl())));
        first.setDefault(Reply.error(529, "overloaded_error", "first is overloaded"));
        second.setDefault(Reply.error(503, "api_error", "second is down").retryAfter(30));
        try (RawResponse r = post(false)) {
            assertEquals(503, r.status);
            assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"second is down\"}}",
                    r.readAllText());
            assertEquals("30", r.headers.get("retry-after"), "clients know how to wait");
            assertEquals("second", r.headers.get("x-code-proxy-endpoint"));
            assertEquals("2", r.headers.get("x-code-proxy-attempts"));
        }
        assertEquals(List.of("first http_529 next", "second http_503 next"), attempts());
    }

    @Test
    void whenNoEndpointAnsweredTheProxySaysWhyInTheAnthropicEnvelope() throws Exception {
        start(List.of(endpoint(1, "only", "http://127.0.0.1:" + closedPort())));
        try (RawResponse r = post(false)) {
            assertEquals(502, r.status);
            assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"endpoint failed; last: "
                    + "upstream 'only' is unreachable (connection refused)\"}}", r.readAllText());
        }
        assertEquals(List.of("only connect_error same", "only connect_error next"), attempts());
    }

    @Test
    void whenTheLastFailureWasATimeoutTheClientGets504() throws Exception {
        start(List.of(endpoint(1, "slow", first.baseUrl()).withHeadersTimeoutMs(300)));
        first.setDefault(Reply.hang());
        try (RawResponse r = post(false)) {
            assertEquals(504, r.status);
            String body = r.readAllText();
            assertTrue(body.contains("\"type\":\"api_error\""), body);
            assertTrue(body.contains("upstream 'slow' sent no response headers within 300 ms (endpoint "
                    + "headersTimeoutMs)"), body);
        }
        assertEquals(List.of("slow timeout next"), attempts());
    }

    @Test
    void aStreamThatBreaksAfterCommitIsAStreamErrorAndNeverFailsOver() throws Exception {
        start(List.of(endpoint(1, "first", first.baseUrl()), endpoint(2, "second", second.baseUrl())));
        List<String> good = SseFixtures.message(MODEL, 6);
        first.setDefault(Reply.sse(good).cutAfterEvents(5));
        try (RawResponse r = post(true)) {
            assertEquals(200, r.status);
            String body = r.readAllText();
            assertTrue(body.startsWith(String.join("", good.subList(0, 5))), body);
            assertTrue(body.endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                    + "\"message\":\"upstream connection lost mid-stream; stream ended by Code Proxy\"}}\n\n"), body);
        }
        assertEquals(List.of("first stream_error none"), attempts());
        assertEquals(0, second.requestCount(), "the client already has part of the first endpoint's answer");
    }
}
