package dev.codeproxy.testkit;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A fake Anthropic upstream for tests: an HTTP/1.1 server on a raw {@link ServerSocket}
 * (127.0.0.1, ephemeral port), one virtual thread per connection, keep-alive, scripted per request.
 *
 * <p>Every request is read completely (content-length or chunked body, {@code expect: 100-continue}
 * honoured), recorded, and answered with the next {@link Reply} from the FIFO script
 * ({@link #enqueue(Reply)}), or with the {@linkplain #setDefault(Reply) default reply} when the
 * script is empty. Sockets have TCP_NODELAY, and output is flushed after every SSE event.
 *
 * <p>While a reply waits (first-byte delay, delay between events, gate, hang) the fake keeps
 * reading the socket, so a peer that goes away is noticed at once and reported as
 * {@link StreamOutcome#PEER_CLOSED}; a peer that only half-closes its output counts as gone.
 * Unknown request framing (bad request line, bad chunk size, ...) is answered with 400 and the
 * connection is closed (logged as a warning).
 *
 * <pre>{@code
 * try (FakeUpstream up = FakeUpstream.start()) {
 *     up.enqueue(Reply.sse(SseFixtures.message("claude-sonnet-4-5", 3)).delayBetweenEvents(Duration.ofMillis(20)));
 *     ... point the proxy at up.baseUrl() ...
 *     RecordedRequest r = up.takeRequest(Duration.ofSeconds(5));
 *     assertEquals(StreamOutcome.COMPLETED, up.streamOutcomes().poll(5, TimeUnit.SECONDS));
 * }
 * }</pre>
 */
public final class FakeUpstream implements AutoCloseable {

    /** The model used by the initial default reply. */
    public static final String DEFAULT_MODEL = "claude-sonnet-4-5-20250929";

    private static final System.Logger LOG = System.getLogger(FakeUpstream.class.getName());
    private static final int MAX_LINE = 64 * 1024;
    /** How much a connection buffers of what a peer sends while it is not being read. */
    private static final int MAX_BUFFER = 4 * 1024 * 1024;
    private static final int MAX_HEADERS = 256;
    private static final long GATE_POLL_MILLIS = 5;
    /** A stream held at a gate longer than this polls its peer every {@link #GATE_SLOW_POLL_MILLIS}. */
    private static final long GATE_FAST_NANOS = 250_000_000L;
    private static final long GATE_SLOW_POLL_MILLIS = 100;
    /**
     * Slow polls of all held streams together stay under this rate: each poll is a timed read, a
     * timer and a wake-up, and 9,000 streams polling every 100 ms kept the benchmark's core busy
     * with nothing else (the memory phase then stopped opening streams at about 4,200).
     */
    private static final long GATE_POLLS_PER_SECOND = 5_000;

    private final ServerSocket server;
    private final Thread acceptor;
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private volatile Reply defaultReply =
            Reply.json(200, SseFixtures.jsonMessage(DEFAULT_MODEL, "Hello from the fake upstream."));
    private final List<RecordedRequest> recorded = new ArrayList<>();
    private final LinkedBlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<StreamOutcome> outcomes = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    /** Streams waiting at a gate now. */
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger requestIds = new AtomicInteger();
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private FakeUpstream(ServerSocket server) {
        this.server = server;
        this.acceptor = Thread.ofVirtual().name("fake-upstream-accept-" + server.getLocalPort())
                .start(this::acceptLoop);
    }

    /** Starts a fake upstream on 127.0.0.1 with an ephemeral port. */
    public static FakeUpstream start() {
        try {
            ServerSocket ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
            return new FakeUpstream(ss);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start fake upstream", e);
        }
    }

    /** The bound port. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Appends a reply to the FIFO script: each incoming request takes the next reply. */
    public FakeUpstream enqueue(Reply reply) {
        script.add(reply);
        return this;
    }

    /** Appends several replies to the script, in order. */
    public FakeUpstream enqueue(Reply first, Reply... more) {
        script.add(first);
        script.addAll(List.of(more));
        return this;
    }

    /**
     * Sets the reply used when the script is empty. Initially a 200 JSON Messages response
     * ({@link SseFixtures#jsonMessage(String, String)} with {@link #DEFAULT_MODEL}).
     */
    public FakeUpstream setDefault(Reply reply) {
        this.defaultReply = reply;
        return this;
    }

    private final Set<String> rejectedBetas = ConcurrentHashMap.newKeySet();
    private final Set<String> rejectedFields = ConcurrentHashMap.newKeySet();

    /**
     * Answers every request whose {@code anthropic-beta} header holds {@code beta} the way
     * Anthropic-compatible services do: 400 {@code invalid_request_error} with a message naming
     * the flag (Anthropic's own wording for an unknown beta). Such requests take no scripted reply.
     */
    public FakeUpstream rejectBeta(String beta) {
        rejectedBetas.add(beta);
        return this;
    }

    /**
     * Answers every request whose JSON body has the top-level field {@code field} with 400
     * {@code invalid_request_error} "{@code field}: Extra inputs are not permitted" (as strict
     * compatible services do). Such requests take no scripted reply.
     */
    public FakeUpstream rejectField(String field) {
        rejectedFields.add(field);
        return this;
    }

    private Reply rejection(RecordedRequest r) {
        for (String v : r.headerValues("anthropic-beta")) {
            for (String beta : v.split(",")) {
                if (rejectedBetas.contains(beta.strip())) {
                    return Reply.error(400, "invalid_request_error", "Unexpected value(s) `" + beta.strip()
                            + "` for the `anthropic-beta` header. Please consult our documentation at "
                            + "docs.anthropic.com or try again without the header.");
                }
            }
        }
        if (!rejectedFields.isEmpty()) {
            String body = r.bodyString();
            for (String f : rejectedFields) {
                if (body.contains("\"" + f + "\":")) {
                    return Reply.error(400, "invalid_request_error", f + ": Extra inputs are not permitted");
                }
            }
        }
        return null;
    }

    /** How many scripted replies have not been used yet. */
    public int pendingReplies() {
        return script.size();
    }

    /** A snapshot of all requests received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /**
     * Returns the next request not yet taken by this method (arrival order), waiting up to
     * {@code timeout}; {@code null} on timeout. Independent of {@link #requests()}.
     */
    public RecordedRequest takeRequest(Duration timeout) {
        try {
            return untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** How many requests have been received. */
    public int requestCount() {
        synchronized (recorded) {
            return recorded.size();
        }
    }

    /** How many TCP connections have been accepted. */
    public int connectionsOpened() {
        return connections.get();
    }

    /** How many accepted connections are currently open. */
    public int openConnections() {
        return openSockets.size();
    }

    /** One {@link StreamOutcome} per finished reply, in the order the replies finished. */
    public BlockingQueue<StreamOutcome> streamOutcomes() {
        return outcomes;
    }

    /** Waits up to {@code timeout} for the next outcome from {@link #streamOutcomes()}; {@code null} on timeout. */
    public StreamOutcome awaitOutcome(Duration timeout) {
        try {
            return outcomes.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Stops accepting and closes all connections. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : openSockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            acceptor.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FakeUpstream[" + baseUrl() + ", requests=" + requestCount() + ", connections="
                + connectionsOpened() + "]";
    }

    // ================================================================== server side

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "fake upstream accept failed", e);
                }
                return;
            }
            int id = connections.incrementAndGet();
            openSockets.add(s);
            if (closed) {
                closeQuietly(s);
                openSockets.remove(s);
                return;
            }
            Thread.ofVirtual().name("fake-upstream-conn-" + id).start(() -> serve(s, id));
        }
    }

    private void serve(Socket socket, int connId) {
        try (socket) {
            socket.setTcpNoDelay(true);
            Conn c = new Conn(socket);
            int seq = 0;
            while (!closed) {
                Request req;
                try {
                    req = c.readRequest();
                } catch (HttpReader.Malformed e) {
                    LOG.log(System.Logger.Level.WARNING, "fake upstream: malformed request: " + e.getMessage());
                    c.out.write(("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    c.out.flush();
                    return;
                }
                if (req == null) {
                    return; // clean end between requests
                }
                seq++;
                RecordedRequest rr = new RecordedRequest(req.method, req.target, req.version, req.headers,
                        req.body, req.chunked, connId, seq);
                Reply reply = rejection(rr);
                if (reply == null) {
                    reply = script.poll();
                }
                if (reply == null) {
                    reply = defaultReply;
                }
                synchronized (recorded) {
                    recorded.add(rr);
                }
                untaken.add(rr);
                Result result = respond(c, req, reply);
                outcomes.add(result.outcome);
                if (!result.keepOpen) {
                    if (result.outcome == StreamOutcome.COMPLETED) {
                        c.closeGracefully();
                    }
                    return;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "fake upstream connection " + connId + " ended", e);
        } finally {
            openSockets.remove(socket);
        }
    }

    private record Result(StreamOutcome outcome, boolean keepOpen) {
        static final Result PEER_CLOSED = new Result(StreamOutcome.PEER_CLOSED, false);
        static final Result CUT = new Result(StreamOutcome.CUT, false);
    }

    private Result respond(Conn c, Request req, Reply r) {
        try {
            if (!c.idle(r.firstByteDelay)) {
                return Result.PEER_CLOSED;
            }
            boolean keepAlive = req.keepAlive && !r.closeConnectionAfter && !closed;
            return switch (r.kind) {
                case HANG -> {
                    c.waitForPeerClose();
                    yield Result.PEER_CLOSED;
                }
                case RESET -> {
                    c.abort();
                    yield Result.CUT;
                }
                case RAW -> {
                    c.out.write(r.body);
                    c.out.flush();
                    yield new Result(StreamOutcome.COMPLETED, false);
                }
                case JSON -> respondJson(c, req, r, keepAlive);
                case SSE -> respondSse(c, req, r, keepAlive);
            };
        } catch (IOException e) {
            return Result.PEER_CLOSED;
        }
    }

    private Result respondJson(Conn c, Request req, Reply r, boolean keepAlive) throws IOException {
        byte[] payload = r.gzip ? gzip(r.body) : r.body;
        List<String[]> defaults = new ArrayList<>();
        defaults.add(new String[] {"content-type", "application/json"});
        if (!r.closeDelimited) {
            defaults.add(new String[] {"content-length", Integer.toString(payload.length)});
        }
        if (r.gzip) {
            defaults.add(new String[] {"content-encoding", "gzip"});
        }
        writeHead(c, r, defaults, keepAlive);
        CountDownLatch gate = r.gates.get(0);
        if (r.cutAfterEvents == 0 || gate != null) {
            c.out.flush();
        }
        if (gate != null && !c.awaitGate(gate)) {
            return Result.PEER_CLOSED;
        }
        if (r.cutAfterEvents == 0) {
            c.abort();
            return Result.CUT;
        }
        if (!req.method.equals("HEAD")) {
            if (r.cutAfterBytes >= 0 && r.cutAfterBytes < payload.length) {
                c.out.write(payload, 0, (int) r.cutAfterBytes);
                c.out.flush();
                c.abort();
                return Result.CUT;
            }
            c.out.write(payload);
        }
        c.out.flush();
        if (r.cutAfterEvents > 0 || (r.cutAfterBytes >= 0 && r.cutAfterBytes == payload.length)) {
            c.abort();
            return Result.CUT;
        }
        return new Result(StreamOutcome.COMPLETED, keepAlive);
    }

    private Result respondSse(Conn c, Request req, Reply r, boolean keepAlive) throws IOException {
        boolean chunked = !r.closeDelimited;
        List<String[]> defaults = new ArrayList<>();
        defaults.add(new String[] {"content-type", "text/event-stream"});
        defaults.add(new String[] {"cache-control", "no-cache"});
        if (chunked) {
            defaults.add(new String[] {"transfer-encoding", "chunked"});
        }
        if (r.gzip) {
            defaults.add(new String[] {"content-encoding", "gzip"});
        }
        writeHead(c, r, defaults, keepAlive);
        c.out.flush();
        if (req.method.equals("HEAD")) {
            return new Result(StreamOutcome.COMPLETED, keepAlive);
        }
        ByteArrayOutputStream gzSink = new ByteArrayOutputStream();
        GZIPOutputStream gz = r.gzip ? new GZIPOutputStream(gzSink, 512, true) : null;
        long sent = 0;
        List<String> events = r.events;
        for (int i = 0; i <= events.size(); i++) {
            if (i > 0 && (i < events.size() || r.cutAfterEvents == i) && !c.idle(r.delayBetweenEvents)) {
                return Result.PEER_CLOSED;
            }
            CountDownLatch gate = r.gates.get(i);
            if (gate != null && !c.awaitGate(gate)) {
                return Result.PEER_CLOSED;
            }
            if (r.cutAfterEvents == i) {
                c.abort();
                return Result.CUT;
            }
            byte[] data;
            if (i < events.size()) {
                byte[] plain = events.get(i).getBytes(StandardCharsets.UTF_8);
                if (gz != null) {
                    gz.write(plain);
                    gz.flush(); // SYNC_FLUSH
                    data = gzSink.toByteArray();
                    gzSink.reset();
                } else {
                    data = plain;
                }
            } else if (gz != null) {
                gz.finish();
                data = gzSink.toByteArray();
            } else {
                data = new byte[0];
            }
            if (r.cutAfterBytes >= 0 && sent + data.length > r.cutAfterBytes) {
                int part = (int) (r.cutAfterBytes - sent);
                if (part > 0) {
                    writeBodyPart(c, data, part, chunked);
                    c.out.flush();
                }
                c.abort();
                return Result.CUT;
            }
            if (data.length > 0) {
                writeBodyPart(c, data, data.length, chunked);
                sent += data.length;
            }
            c.out.flush();
        }
        if (chunked) {
            HttpWriter.lastChunk(c.out);
            c.out.flush();
        }
        return new Result(StreamOutcome.COMPLETED, keepAlive && chunked);
    }

    private static void writeBodyPart(Conn c, byte[] data, int len, boolean chunked) throws IOException {
        if (chunked) {
            HttpWriter.chunk(c.out, data, len);
        } else {
            c.out.write(data, 0, len);
        }
    }

    private void writeHead(Conn c, Reply r, List<String[]> defaults, boolean keepAlive) throws IOException {
        defaults.add(new String[] {"request-id", String.format("req_fake_%08d", requestIds.incrementAndGet())});
        if (!keepAlive) {
            defaults.add(new String[] {"connection", "close"});
        }
        Set<String> overridden = new HashSet<>();
        for (String[] h : r.headers) {
            overridden.add(h[0].toLowerCase(Locale.ROOT));
        }
        List<String[]> headers = new ArrayList<>();
        for (String[] h : defaults) {
            String n = h[0].toLowerCase(Locale.ROOT);
            if (!overridden.contains(n) && !r.removedHeaders.contains(n)) {
                headers.add(h);
            }
        }
        headers.addAll(r.headers);
        c.out.write(HttpWriter.head("HTTP/1.1 " + r.status + " " + reason(r.status), headers));
    }

    private static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(body);
        }
        return bos.toByteArray();
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Payload Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 529 -> "Overloaded";
            default -> "Status " + status;
        };
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    // ================================================================== connection I/O

    private record Request(String method, String target, String version, Map<String, List<String>> headers,
                           byte[] body, boolean chunked, boolean keepAlive) {
    }

    /** Reading (the test kit's {@link HttpReader}) and buffered writing on one accepted socket. */
    private final class Conn {
        final Socket socket;
        final HttpReader in;
        final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new HttpReader(socket.getInputStream(), MAX_LINE, MAX_BUFFER);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        Request readRequest() throws IOException {
            String requestLine = in.startLine(); // stray CRLFs between requests are tolerated
            if (requestLine == null) {
                return null;
            }
            String[] parts = requestLine.split(" ");
            if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
                throw new HttpReader.Malformed("bad request line: " + requestLine);
            }
            Map<String, List<String>> headers = RecordedRequest.newHeaderMap();
            int[] count = {0};
            HttpReader.Framing framing = in.requestHeaders((name, value) -> {
                if (++count[0] > MAX_HEADERS) {
                    throw new HttpReader.Malformed("too many headers");
                }
                RecordedRequest.addHeader(headers, name, value);
            });
            String version = parts[2];
            String connection = joined(headers, "connection").toLowerCase(Locale.ROOT);
            boolean keepAlive = version.equals("HTTP/1.0")
                    ? connection.contains("keep-alive")
                    : !connection.contains("close");
            if (joined(headers, "expect").equalsIgnoreCase("100-continue")) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            byte[] body = in.bodyBytes(framing);
            return new Request(parts[0], parts[1], version, headers, body, framing.chunked(), keepAlive);
        }

        /**
         * Waits {@code d} while watching the peer; false if the peer went away (EOF, reset) or the
         * upstream was closed. Bytes the peer sends meanwhile are kept for the next request.
         */
        boolean idle(Duration d) {
            if (d.isZero() || d.isNegative()) {
                return !closed;
            }
            long deadline = System.nanoTime() + d.toNanos();
            while (true) {
                if (closed) {
                    return false;
                }
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    return true;
                }
                if (!poll(Math.min(leftMs, 200))) {
                    return false;
                }
            }
        }

        /** Waits for the gate while watching the peer; false if the peer went away or the upstream closed. */
        boolean awaitGate(CountDownLatch gate) {
            long start = System.nanoTime();
            held.incrementAndGet();
            try {
                while (gate.getCount() > 0) {
                    // short polls first, so a gate opened soon is noticed at once; then longer ones, so
                    // thousands of held streams do not keep the test's (or the benchmark's) CPU busy
                    long waited = System.nanoTime() - start;
                    long pollMs = waited < GATE_FAST_NANOS ? GATE_POLL_MILLIS
                            : Math.max(GATE_SLOW_POLL_MILLIS, held.get() * 1000L / GATE_POLLS_PER_SECOND);
                    if (closed || !poll(pollMs)) {
                        return false;
                    }
                }
                return true;
            } finally {
                held.decrementAndGet();
            }
        }

        /** Blocks until the peer goes away or the upstream is closed. */
        void waitForPeerClose() {
            while (!closed && poll(1000)) {
                // keep waiting
            }
        }

        /** Reads with a timeout; false if the peer is gone. */
        private boolean poll(long millis) {
            if (in.eof()) {
                return false;
            }
            if (in.full()) {
                // the peer keeps sending without reading: do not grow forever
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                return true;
            }
            try {
                socket.setSoTimeout((int) Math.max(1, millis));
                return in.fill() || !in.eof();
            } catch (SocketTimeoutException e) {
                return true;
            } catch (IOException e) {
                return false;
            } finally {
                try {
                    socket.setSoTimeout(0);
                } catch (IOException ignored) {
                    // socket closed
                }
            }
        }

        /** Aborts the connection with a TCP RST. */
        void abort() {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // closing anyway
            }
            closeQuietly(socket);
        }

        /** Sends FIN after everything written, then closes. */
        void closeGracefully() {
            try {
                out.flush();
                socket.shutdownOutput();
            } catch (IOException ignored) {
                // closing anyway
            }
            closeQuietly(socket);
        }
    }

    private static String joined(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null ? "" : String.join(",", v);
    }
}
