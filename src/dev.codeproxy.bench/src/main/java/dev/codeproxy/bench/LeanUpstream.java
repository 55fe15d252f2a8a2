package dev.codeproxy.bench;

import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.HttpReader;
import dev.codeproxy.testkit.HttpWriter;
import dev.codeproxy.testkit.SseFixtures;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream of the throughput phase: answers every request with the same bytes as the test
 * kit's {@link FakeUpstream} default reply (a 200 {@link SseFixtures#jsonMessage} with
 * content-length and a request-id), keep-alive, TCP_NODELAY, one virtual thread per connection.
 *
 * <p>Why not {@link FakeUpstream} itself: it records every request it receives (headers and
 * body) for tests to inspect, with no way to stop recording, so a million wrk requests would grow
 * the benchmark's heap by gigabytes and its garbage collector would end up throttling the
 * measurement. This server records nothing; it only counts.
 */
final class LeanUpstream implements AutoCloseable {
    private final ServerSocket server;
    private volatile byte[] response;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;

    private LeanUpstream(ServerSocket server) {
        this.server = server;
        this.response = DEFAULT;
        Thread.ofVirtual().name("lean-upstream-accept").start(this::accept);
    }

    /** The fake's default reply: a 437 B JSON message. */
    static final byte[] DEFAULT = reply("application/json",
            SseFixtures.jsonMessage(FakeUpstream.DEFAULT_MODEL, "Hello from the fake upstream."));

    /** A JSON answer of about 1.1 KB, the size of a short Claude reply (the measurement). */
    static final byte[] JSON_1K = reply("application/json",
            SseFixtures.jsonMessage(FakeUpstream.DEFAULT_MODEL, "Hello from the fake upstream. ".repeat(24)));

    /** A whole SSE message with 32 text deltas, sent at once (content-length framed). */
    static final byte[] SSE_32 = reply("text/event-stream; charset=utf-8",
            String.join("", SseFixtures.message(FakeUpstream.DEFAULT_MODEL, 32)));

    private static byte[] reply(String contentType, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return HttpWriter.message(HttpWriter.head("HTTP/1.1 200 OK", "content-type", contentType, "content-length",
                Integer.toString(body.length), "request-id", "req_fake_00000001"), body);
    }

    /** Switches what every following request is answered with (a whole HTTP response). */
    void reply(byte[] httpResponse) {
        this.response = httpResponse;
    }

    /** The body size of a whole response made by {@link #reply(String, String)}. */
    static int bodySize(byte[] httpResponse) {
        for (int i = 3; i < httpResponse.length; i++) {
            if (httpResponse[i] == '\n' && httpResponse[i - 2] == '\n') {
                return httpResponse.length - i - 1;
            }
        }
        return httpResponse.length;
    }

    static LeanUpstream start() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        return new LeanUpstream(ss);
    }

    int port() {
        return server.getLocalPort();
    }

    long requests() {
        return requests.get();
    }

    long connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            HttpReader in = new HttpReader(s.getInputStream(), 16 * 1024);
            OutputStream out = s.getOutputStream();
            while (!closed) {
                if (in.startLine() == null) {
                    return;
                }
                HttpReader.Framing framing = in.requestHeaders(null);
                in.body(framing, null);
                requests.incrementAndGet();
                out.write(response);
                out.flush();
                if (framing.close()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // peer went away (or sent something this server does not parse)
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
