package dev.codeproxy.app;

import dev.codeproxy.store.log.LogEntry;
import dev.codeproxy.store.log.LogFilter;
import dev.codeproxy.store.log.LogQueries;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import dev.codeproxy.testkit.StreamOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What pressing Esc in Claude Code does: the client goes away mid-request. Every such request
 * still gets its row (status 499, the attempts, the tokens the upstream reported so far), and a
 * client gone before the commit point cancels the upstream attempt instead of letting it
 * generate (and bill) for nobody.
 */
class ClientDisconnectTest {
    private static final String MODEL = "claude-sonnet-4-5";
    private final FakeUpstream up = FakeUpstream.start();
    private TestProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        up.close();
    }

    /** Sends a streaming Claude Code request on a raw socket; the caller reads and closes. */
    private Socket send(String body) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", proxy.server.port()), 5000);
        s.setSoTimeout(10_000);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + ClaudeCodeBodies.MESSAGES_TARGET + " HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                + "x-api-key: " + TestProxy.TOKEN + "\r\ncontent-type: application/json\r\n"
                + "anthropic-version: 2023-06-01\r\ncontent-length: " + b.length + "\r\n\r\n";
        OutputStream o = s.getOutputStream();
        o.write(head.getBytes(StandardCharsets.ISO_8859_1));
        o.write(b);
        o.flush();
        return s;
    }

    /** Reads until {@code marker} occurred {@code times} times. */
    private static void readUntil(InputStream in, String marker, int times) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[4096];
        while (count(seen, marker) < times) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("stream ended before " + times + " x " + marker + ": " + seen);
            }
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
    }

    private static int count(CharSequence s, String marker) {
        int c = 0;
        for (int i = s.toString().indexOf(marker); i >= 0; i = s.toString().indexOf(marker, i + 1)) {
            c++;
        }
        return c;
    }

    private LogEntry onlyRow() {
        proxy.server.requestLog().flush();
        List<LogEntry> rows = new LogQueries(proxy.server.database()).list(LogFilter.ALL, null, 10).entries();
        assertEquals(1, rows.size(), "one row: " + rows);
        return rows.getFirst();
    }

    @Test
    void aClientGoneAfterCommitGetsARowWithTheTokensSoFar() throws Exception {
        proxy = TestProxy.start();
        proxy.addEndpoint("up", up.baseUrl());
        CountDownLatch gate = new CountDownLatch(1);
        List<String> events = SseFixtures.message(MODEL, 40);
        int afterThreeDeltas = 6; // message_start, content_block_start, ping, 3 deltas
        up.enqueue(Reply.sse(events).pauseBeforeEvent(afterThreeDeltas, gate).delayBetweenEvents(Duration.ofMillis(20)));
        try (Socket s = send(ClaudeCodeBodies.request(MODEL, true, 50_000))) {
            readUntil(s.getInputStream(), "content_block_delta", 3);
        }
        gate.countDown();
        assertEquals(StreamOutcome.PEER_CLOSED, up.awaitOutcome(Duration.ofSeconds(5)),
                "the upstream stream is closed once the client is gone");
        LogEntry row = awaitRow();
        assertEquals(499, row.status());
        assertEquals(1, row.attempts());
        assertEquals(25, row.tokens().input(), "the message_start usage was counted: " + row);
        assertTrue(row.costMicros() > 0, "tokens so far are priced: " + row);
    }

    @Test
    void aClientGoneBeforeCommitCancelsTheUpstreamAttemptAndGetsARow() throws Exception {
        proxy = TestProxy.start();
        proxy.addEndpoint("up", up.baseUrl());
        up.enqueue(Reply.hang());
        try (Socket s = send(ClaudeCodeBodies.request(MODEL, true, 50_000))) {
            assertNotNull(up.takeRequest(Duration.ofSeconds(5)), "the upstream has the request");
        }
        long closed = System.nanoTime();
        assertEquals(StreamOutcome.PEER_CLOSED, up.awaitOutcome(Duration.ofSeconds(3)),
                "the upstream attempt is cancelled (it would hang for ever otherwise)");
        long ms = (System.nanoTime() - closed) / 1_000_000;
        System.out.println("upstream cancelled " + ms + " ms after the client went away");
        LogEntry row = awaitRow();
        assertEquals(499, row.status());
        assertEquals(1, row.attempts());
        assertTrue(row.error().contains("client went away"), row.error());
    }

    /** The same while the upstream holds the events before the commit point (message_start, pings). */
    @Test
    void aClientGoneWhileEventsAreHeldBeforeCommitCancelsTheUpstream() throws Exception {
        proxy = TestProxy.start();
        proxy.addEndpoint("up", up.baseUrl());
        CountDownLatch never = new CountDownLatch(1);
        List<String> events = SseFixtures.message(MODEL, 3);
        up.enqueue(Reply.sse(events).pauseBeforeEvent(1, never)); // message_start sent, content_block_start held
        try (Socket s = send(ClaudeCodeBodies.request(MODEL, true, 50_000))) {
            assertNotNull(up.takeRequest(Duration.ofSeconds(5)), "the upstream has the request");
            Thread.sleep(100);
        }
        assertEquals(StreamOutcome.PEER_CLOSED, up.awaitOutcome(Duration.ofSeconds(3)));
        never.countDown();
        LogEntry row = awaitRow();
        assertEquals(499, row.status());
        assertEquals(25, row.tokens().input(), "the message_start usage was counted: " + row);
    }

    private LogEntry awaitRow() throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (true) {
            proxy.server.requestLog().flush();
            List<LogEntry> rows = new LogQueries(proxy.server.database()).list(LogFilter.ALL, null, 10).entries();
            if (!rows.isEmpty() || System.nanoTime() > end) {
                return onlyRow();
            }
            Thread.sleep(20);
        }
    }
}
