package dev.codeproxy.bench;

import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.SseFixtures;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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
        byte[] head = ("HTTP/1.1 200 OK\r\ncontent-type: " + contentType + "\r\ncontent-length: " + body.length
                + "\r\nrequest-id: req_fake_00000001\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
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
            Reader in = new Reader(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (!closed) {
                long contentLength = 0;
                boolean chunked = false;
                boolean close = false;
                String line = in.line();
                if (line == null) {
                    return;
                }
                if (line.isEmpty()) {
                    continue;
                }
                while (!(line = in.line()).isEmpty()) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                    if (name.equals("content-length")) {
                        contentLength = Long.parseLong(value);
                    } else if (name.equals("transfer-encoding")) {
                        chunked = value.contains("chunked");
                    } else if (name.equals("connection")) {
                        close = value.contains("close");
                    }
                }
                if (chunked) {
                    long size;
                    while ((size = Long.parseLong(in.line().split(";")[0].trim(), 16)) > 0) {
                        in.skip(size);
                        in.line();
                    }
                    while (!in.line().isEmpty()) {
                        // trailers
                    }
                } else {
                    in.skip(contentLength);
                }
                requests.incrementAndGet();
                out.write(response);
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // peer went away (or sent something this server does not parse)
        } finally {
            open.remove(s);
        }
    }

    /** Buffered line and skip reading without locks. */
    private static final class Reader {
        private final InputStream in;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int lim;

        Reader(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            if (pos == lim) {
                pos = 0;
                lim = 0;
            } else if (lim == buf.length) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                return false;
            }
            lim += n;
            return true;
        }

        String line() throws IOException {
            int from = pos;
            while (true) {
                for (int i = from; i < lim; i++) {
                    if (buf[i] == '\n') {
                        int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                        String s = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                        pos = i + 1;
                        return s;
                    }
                }
                if (lim - pos >= buf.length) {
                    throw new IOException("line too long");
                }
                int before = lim - pos;
                if (!fill()) {
                    if (before > 0) {
                        throw new IOException("closed mid-line");
                    }
                    return null;
                }
                from = pos + before;
            }
        }

        void skip(long n) throws IOException {
            while (n > 0) {
                if (pos == lim && !fill()) {
                    throw new IOException("closed in body");
                }
                int k = (int) Math.min(n, lim - pos);
                pos += k;
                n -= k;
            }
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
