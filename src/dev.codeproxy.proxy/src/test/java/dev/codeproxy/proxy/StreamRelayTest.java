package dev.codeproxy.proxy;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.ApiError;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import dev.codeproxy.testkit.StreamOutcome;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's two phases against the fake upstream, with a real Helidon server in front: before the
 * commit point (the first {@code content_block_start}) every failure is one the caller can still fail
 * over from and the client has seen nothing; after it, every whole event is written and flushed as it
 * arrives, and an upstream that dies gives the client an Anthropic {@code event: error} and the end.
 *
 * <p>The route under test does what the attempt loop does: {@code awaitCommit}, then on success status
 * and headers and {@code relay}; on failure it answers 502 with the relay's reason (where the attempt
 * loop would try the next endpoint).
 */
@Timeout(60)
class StreamRelayTest {
    private static final String MODEL = "claude-sonnet-4-5";
    /** One watchdog for the class, as the proxy has one for all its streams. */
    private static final IdleWatchdog WATCHDOG = new IdleWatchdog();

    /** What the route saw. */
    record Run(StreamRelay.PreCommit pre, String failure, StreamRelay.Result result, Usage usage, long firstTokenMs) {
    }

    private final FakeUpstream upstream = FakeUpstream.start();
    private final Upstream client = new Upstream();
    private final BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
    private volatile long idleMs = 20_000;
    private volatile IdleWatchdog watchdog = WATCHDOG;
    private volatile Capture capture;
    private WebServer server;

    @BeforeEach
    void start() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.post("/relay", this::relay))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        upstream.close();
    }

    private void relay(ServerRequest req, ServerResponse res) {
        Endpoint ep = new Endpoint(1, "fake", "", true, 1, 1, upstream.baseUrl(), "", AuthStyle.X_API_KEY,
                Endpoint.DEFAULT_TIMEOUT_MS, ModelMap.EMPTY, false);
        HttpClientResponse up = client.send(ep, "POST", "/v1/messages", sink -> sink.accept("content-type",
                "application/json"), "{}".getBytes(StandardCharsets.UTF_8), 5_000, Duration.ofSeconds(30));
        StreamRelay relay = new StreamRelay(up, watchdog, idleMs, System.nanoTime(), capture);
        if (relay.awaitCommit() == StreamRelay.PreCommit.FAILED) {
            runs.add(new Run(StreamRelay.PreCommit.FAILED, relay.failure(), null, relay.usage().usage(), -1));
            ProxyErrors.send(res, ApiError.badGateway("before commit: " + relay.failure()));
            return;
        }
        res.status(200);
        HeaderPolicy.responseHeaders(up.headers(), (n, v) -> res.headers().add(HeaderNames.create(n), v));
        StreamRelay.Result r;
        try (up) {
            r = relay.relay(res);
        }
        runs.add(new Run(StreamRelay.PreCommit.COMMIT, null, r, relay.usage().usage(), relay.firstTokenMs()));
    }

    private Run run() throws InterruptedException {
        Run r = runs.poll(30, TimeUnit.SECONDS);
        assertNotNull(r, "the route finished");
        return r;
    }

    private RawResponse post() {
        return RawResponse.post(server.port(), "/relay");
    }

    private static String join(List<String> events, int from, int to) {
        return String.join("", events.subList(from, to));
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String cutEvent(String message) {
        return new ApiError(502, "api_error", message).sseEvent();
    }

    // ------------------------------------------------------------------ before commit: failures to fail over from

    /** The route saw a failure before commit with this reason, and the client got only the 502 that stands for failover. */
    private void assertFailedBeforeCommit(String why) throws InterruptedException {
        try (RawResponse r = post()) {
            String body = r.readAllText();
            assertEquals(502, r.status, body);
            assertFalse(body.contains("message_start"), "nothing held before commit reached the client: " + body);
        }
        Run run = run();
        assertEquals(StreamRelay.PreCommit.FAILED, run.pre());
        assertEquals(why, run.failure());
    }

    @Test
    void anErrorEventBeforeContentFailsBeforeCommit() throws Exception {
        List<String> events = new ArrayList<>(List.of(SseFixtures.messageStart(MODEL), SseFixtures.ping()));
        events.add(SseFixtures.errorEvent("overloaded_error", "Overloaded"));
        List<String> content = SseFixtures.message(MODEL, 2);
        events.addAll(content.subList(1, content.size())); // content after the error changes nothing
        upstream.enqueue(Reply.sse(events));
        assertFailedBeforeCommit("error event before content");
    }

    @Test
    void aCutBeforeContentFailsBeforeCommit() throws Exception {
        // message_start and a ping are held, then the upstream resets the connection
        upstream.enqueue(Reply.sse(List.of(SseFixtures.messageStart(MODEL), SseFixtures.ping(),
                SseFixtures.contentBlockStart(0))).cutAfterEvents(2));
        assertFailedBeforeCommit("connection lost");
    }

    @Test
    void aCutInTheMiddleOfTheFirstContentEventFailsBeforeCommit() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 2);
        upstream.enqueue(Reply.sse(events).cutAfterBytes(bytes(events.get(0)) + 20));
        assertFailedBeforeCommit("connection lost");
    }

    @Test
    void anIdleUpstreamBeforeContentFailsBeforeCommitAndIsClosed() throws Exception {
        idleMs = 1_000;
        CountDownLatch never = new CountDownLatch(1);
        upstream.enqueue(Reply.sse(SseFixtures.message(MODEL, 2)).pauseBeforeEvent(1, never));
        assertFailedBeforeCommit("idle for 1000 ms");
        assertEquals(StreamOutcome.PEER_CLOSED, upstream.awaitOutcome(Duration.ofSeconds(10)),
                "the watchdog closed the upstream connection");
    }

    @Test
    void anEmptyStreamFailsBeforeCommit() throws Exception {
        upstream.enqueue(Reply.empty200Stream());
        assertFailedBeforeCommit("empty stream");
    }

    @Test
    void aStreamThatEndsWithoutContentOrMessageStopFailsBeforeCommit() throws Exception {
        upstream.enqueue(Reply.sse(List.of(SseFixtures.messageStart(MODEL), SseFixtures.ping())));
        assertFailedBeforeCommit("stream ended before any content");
    }

    @Test
    void anHtmlPageLabelledAsAStreamFailsBeforeCommit() throws Exception {
        upstream.enqueue(Reply.sse(List.of("<html><body><h1>502 Bad Gateway</h1></body></html>\n")));
        assertFailedBeforeCommit("stream ended before any content");
    }

    @Test
    void moreThanAMebibyteBeforeContentFailsBeforeCommit() throws Exception {
        // whole events, none of them content: the relay does not hold them without end
        String pad = "x".repeat(StreamRelay.MAX_HELD_BYTES);
        upstream.enqueue(Reply.sse(List.of(SseFixtures.messageStart(MODEL),
                SseFixtures.event("ping", "{\"type\":\"ping\",\"pad\":\"" + pad + "\"}"),
                SseFixtures.contentBlockStart(0))));
        assertFailedBeforeCommit("more than " + StreamRelay.MAX_HELD_BYTES + " bytes before any content");
    }

    @Test
    void oneEventLargerThanTheLimitBeforeContentFailsBeforeCommit() throws Exception {
        // one event that never ends: the framer's buffer must not grow without end
        String huge = "event: content_block_start\ndata: " + "y".repeat(StreamRelay.MAX_EVENT_BYTES + 1024);
        upstream.enqueue(Reply.sse(List.of(SseFixtures.messageStart(MODEL), huge)));
        assertFailedBeforeCommit("an event larger than " + StreamRelay.MAX_EVENT_BYTES + " bytes");
    }

    // ------------------------------------------------------------------ the commit point

    @Test
    void aCompleteMessageWithoutContentCommitsAtItsNormalEnd() throws Exception {
        List<String> events = List.of(SseFixtures.messageStart(MODEL), SseFixtures.ping(),
                SseFixtures.messageDelta("end_turn", 0), SseFixtures.messageStop());
        upstream.enqueue(Reply.sse(events));
        try (RawResponse r = post()) {
            assertEquals(200, r.status);
            assertEquals(String.join("", events), r.readAllText());
            assertTrue(r.terminated());
        }
        Run run = run();
        assertEquals(StreamRelay.PreCommit.COMMIT, run.pre());
        assertEquals(StreamRelay.Result.COMPLETED, run.result());
    }

    @Test
    void afterCommitEachEventReachesTheClientWhileTheUpstreamIsStillWaiting() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 6);
        CountDownLatch[] gates = new CountDownLatch[events.size()];
        Reply reply = Reply.sse(events);
        // the upstream waits before each event from the third on, until the client has seen everything before it
        for (int i = 3; i < events.size(); i++) {
            gates[i] = new CountDownLatch(1);
            reply = reply.pauseBeforeEvent(i, gates[i]);
        }
        upstream.enqueue(reply);
        try (RawResponse r = post()) {
            assertEquals(200, r.status);
            assertEquals("text/event-stream", r.headers.get("content-type"));
            for (int i = 3; i < events.size(); i++) {
                String expected = join(events, 0, i);
                byte[] got = r.readAtLeast(bytes(expected));
                assertEquals(expected, new String(got, StandardCharsets.UTF_8),
                        "events 0.." + (i - 1) + " were flushed, each whole, while the upstream holds event " + i);
                gates[i].countDown();
            }
            assertEquals(String.join("", events), r.readAllText());
            assertTrue(r.terminated(), "the stream ended properly");
        }
        Run run = run();
        assertEquals(StreamRelay.Result.COMPLETED, run.result());
        assertTrue(run.firstTokenMs() >= 0, "the first content delta was timed");
        assertEquals(25, run.usage().input());
        assertEquals(6, run.usage().output(), "output tokens from message_delta");
        assertEquals(10, run.usage().cacheWrite5m());
        assertEquals(5, run.usage().cacheRead());
    }

    @Test
    void usageIsReadFromEventsSplitAcrossReadsAndFromCrlfEvents() throws Exception {
        List<String> events = new ArrayList<>(SseFixtures.message(MODEL, 3));
        // message_start arrives in two reads, cut inside its usage: the framer holds the first half
        String start = events.get(0);
        int cut = start.indexOf("\"cache_read_input_tokens\"") + 5;
        events.set(0, start.substring(0, cut));
        events.add(1, start.substring(cut));
        // the delta with CRLF line ends, as some gateways send them
        int delta = events.size() - 2;
        events.set(delta, SseFixtures.messageDeltaWithUsage("end_turn",
                "{\"output_tokens\":3,\"cache_read_input_tokens\":7}").replace("\n", "\r\n"));
        upstream.enqueue(Reply.sse(events).delayBetweenEvents(Duration.ofMillis(30)));
        try (RawResponse r = post()) {
            assertEquals(200, r.status);
            assertEquals(String.join("", events), r.readAllText(), "every byte passed on as received");
        }
        Run run = run();
        assertEquals(StreamRelay.Result.COMPLETED, run.result());
        assertEquals(new Usage(25, 3, 10, 0, 7), run.usage(), "message_start's usage, then the delta's fields");
    }

    @Test
    void theHeldEventsAreReleasedTogetherAtTheCommitPoint() throws Exception {
        // message_start, content_block_start, ping arrive; the upstream then waits: the client has all three
        List<String> events = SseFixtures.message(MODEL, 2);
        CountDownLatch gate = new CountDownLatch(1);
        upstream.enqueue(Reply.sse(events).pauseBeforeEvent(2, gate));
        try (RawResponse r = post()) {
            String held = join(events, 0, 2);
            assertEquals(held, new String(r.readAtLeast(bytes(held)), StandardCharsets.UTF_8));
            gate.countDown();
            assertEquals(String.join("", events), r.readAllText());
        }
        assertEquals(StreamRelay.Result.COMPLETED, run().result());
    }

    @Test
    void theCaptureKeepsTheStreamAsRelayed() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 3);
        capture = new Capture(1 << 20);
        upstream.enqueue(Reply.sse(events));
        try (RawResponse r = post()) {
            assertEquals(String.join("", events), r.readAllText());
        }
        run();
        assertEquals(String.join("", events), new String(capture.bytes(), StandardCharsets.UTF_8));
        assertFalse(capture.truncated());
    }

    // ------------------------------------------------------------------ after commit: the upstream fails

    @Test
    void aCutAfterCommitEndsTheClientStreamWithAnErrorEvent() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 6);
        upstream.enqueue(Reply.sse(events).cutAfterEvents(5));
        try (RawResponse r = post()) {
            assertEquals(200, r.status);
            assertEquals(join(events, 0, 5) + cutEvent("upstream connection lost mid-stream; stream ended by Code Proxy"),
                    r.readAllText(), "each event exactly once, then one Anthropic error event");
            assertTrue(r.terminated(), "the client's stream ends: it never hangs");
        }
        assertEquals(StreamRelay.Result.UPSTREAM_FAILED, run().result());
    }

    @Test
    void anEventCutInHalfAfterCommitIsDroppedNotPassedOn() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 6);
        String whole = join(events, 0, 5);
        upstream.enqueue(Reply.sse(events).cutAfterBytes(bytes(whole) + bytes(events.get(5)) / 2));
        try (RawResponse r = post()) {
            assertEquals(whole + cutEvent("upstream connection lost mid-stream; stream ended by Code Proxy"),
                    r.readAllText(), "half an event would corrupt the client's parser");
            assertTrue(r.terminated());
        }
        assertEquals(StreamRelay.Result.UPSTREAM_FAILED, run().result());
    }

    @Test
    void anIdleUpstreamAfterCommitEndsTheClientStreamWithATimeoutErrorEvent() throws Exception {
        idleMs = 1_000;
        List<String> events = SseFixtures.message(MODEL, 6);
        upstream.enqueue(Reply.sse(events).pauseBeforeEvent(5, new CountDownLatch(1)));
        try (RawResponse r = post()) {
            assertEquals(join(events, 0, 5) + new ApiError(504, "api_error",
                    "upstream stream idle for 1000 ms; stream ended by Code Proxy").sseEvent(), r.readAllText());
            assertTrue(r.terminated());
        }
        assertEquals(StreamRelay.Result.UPSTREAM_IDLE, run().result());
        assertEquals(StreamOutcome.PEER_CLOSED, upstream.awaitOutcome(Duration.ofSeconds(10)),
                "the idle upstream was closed");
    }

    @Test
    void aStopOfTheProxyEndsOpenStreamsWithAnOverloadedErrorEvent() throws Exception {
        watchdog = new IdleWatchdog(); // its own: stopAll ends every stream it watches
        List<String> events = SseFixtures.message(MODEL, 6);
        upstream.enqueue(Reply.sse(events).pauseBeforeEvent(5, new CountDownLatch(1)));
        try (RawResponse r = post()) {
            String sent = join(events, 0, 5);
            r.readAtLeast(bytes(sent));
            watchdog.stopAll();
            assertEquals(sent + new ApiError(503, "overloaded_error", "Code Proxy is shutting down; stream ended")
                    .sseEvent(), r.readAllText());
            assertTrue(r.terminated());
        }
        assertEquals(StreamRelay.Result.UPSTREAM_FAILED, run().result());
    }

    @Test
    void anErrorEventAfterCommitIsPassedOnAsReceived() throws Exception {
        List<String> events = new ArrayList<>(SseFixtures.message(MODEL, 6).subList(0, 5));
        events.add(SseFixtures.errorEvent("overloaded_error", "Overloaded"));
        upstream.enqueue(Reply.sse(events));
        try (RawResponse r = post()) {
            assertEquals(String.join("", events), r.readAllText());
            assertTrue(r.terminated());
        }
        assertEquals(StreamRelay.Result.UPSTREAM_ERROR_EVENT, run().result());
    }

    @Test
    void anOversizedEventAfterCommitEndsTheStreamWithAnErrorEvent() throws Exception {
        List<String> events = new ArrayList<>(SseFixtures.message(MODEL, 6).subList(0, 5));
        events.add("event: content_block_delta\ndata: " + "z".repeat(StreamRelay.MAX_EVENT_BYTES + 1024));
        upstream.enqueue(Reply.sse(events));
        try (RawResponse r = post()) {
            assertEquals(join(events, 0, 5) + cutEvent("upstream sent an event larger than "
                    + StreamRelay.MAX_EVENT_BYTES + " bytes; stream ended by Code Proxy"), r.readAllText());
            assertTrue(r.terminated());
        }
        assertEquals(StreamRelay.Result.EVENT_TOO_LARGE, run().result());
    }

    @Test
    void anUpstreamThatEndsCleanlyMidEventHasItsTailPassedOn() throws Exception {
        List<String> events = new ArrayList<>(SseFixtures.message(MODEL, 2));
        String last = events.removeLast();
        events.add(last.substring(0, last.length() - 2)); // message_stop without its blank line
        upstream.enqueue(Reply.sse(events));
        try (RawResponse r = post()) {
            assertEquals(String.join("", events), r.readAllText());
            assertTrue(r.terminated());
        }
        assertEquals(StreamRelay.Result.COMPLETED, run().result());
    }

    // ------------------------------------------------------------------ after commit: the client leaves

    @Test
    void aClientThatLeavesAfterCommitClosesTheUpstream() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 20_000);
        CountDownLatch gate = new CountDownLatch(1);
        upstream.enqueue(Reply.sse(events).pauseBeforeEvent(4, gate));
        try (RawResponse r = post()) {
            r.readAtLeast(bytes(join(events, 0, 4)));
            r.abort();
        }
        gate.countDown();
        assertEquals(StreamRelay.Result.CLIENT_CLOSED, run().result());
        assertEquals(StreamOutcome.PEER_CLOSED, upstream.awaitOutcome(Duration.ofSeconds(10)),
                "the rest of the stream is not read for nobody");
    }

    // ------------------------------------------------------------------ encoded streams

    @Test
    void aCompressedStreamCommitsAtOnceAndIsRelayedByteForByte() throws Exception {
        List<String> events = SseFixtures.message(MODEL, 4);
        upstream.enqueue(Reply.sse(events).gzip());
        byte[] body;
        try (RawResponse r = post()) {
            assertEquals(200, r.status);
            assertEquals("gzip", r.headers.get("content-encoding"));
            body = r.readAll();
            assertTrue(r.terminated());
        }
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(body))) {
            assertEquals(String.join("", events), new String(z.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("the client got a broken gzip stream", e);
        }
        assertEquals(StreamRelay.Result.COMPLETED, run().result());
    }

    @Test
    void aCompressedErrorBeforeContentCannotBeSeenAndIsRelayedAsIs() throws Exception {
        // gzip is never asked for (accept-encoding: identity); when it comes anyway it cannot be framed
        List<String> events = SseFixtures.errorBeforeContent(MODEL, "overloaded_error", "Overloaded");
        upstream.enqueue(Reply.sse(events).gzip());
        byte[] body;
        try (RawResponse r = post()) {
            assertEquals(200, r.status);
            body = r.readAll();
        }
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(body))) {
            assertArrayEquals(String.join("", events).getBytes(StandardCharsets.UTF_8), z.readAllBytes());
        }
        assertEquals(StreamRelay.PreCommit.COMMIT, run().pre());
    }
}
