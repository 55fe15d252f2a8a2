package dev.codeproxy.bench;

import dev.codeproxy.testkit.HttpReader;
import dev.codeproxy.testkit.HttpWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal HTTP/1.1 keep-alive client on one raw socket (TCP_NODELAY), written for measuring:
 * a request goes out in one {@code write}, the response is parsed in place by the test kit's
 * {@link HttpReader} with no per-request allocation beyond the header scan, and
 * {@link #lastReadNanos} is the {@link System#nanoTime()} at which the most recent bytes arrived —
 * the arrival time of whatever the parser is looking at.
 *
 * <p>Understands content-length, chunked and close-delimited bodies. For SSE bodies it reports the
 * arrival time of every event end ({@code \n\n}, CRs ignored) through {@link EventSink}.
 */
final class HttpConn implements AutoCloseable, HttpReader.BodySink {

    /** Receives the arrival time of each complete SSE event. */
    interface EventSink {
        /** @return false to stop reading (the rest of the body is then left unread) */
        boolean event(int index, long arrivalNanos);
    }

    /** Status and framing of one response. */
    static final class Head {
        int status;
        HttpReader.Framing framing;
    }

    private final Socket socket;
    private final HttpReader in;
    private final OutputStream out;
    private final Head head = new Head();

    private HttpConn(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new HttpReader(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    static HttpConn open(int port, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            return new HttpConn(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Builds the bytes of a POST request with a JSON body. */
    static byte[] post(int port, String target, String token, byte[] body, boolean closeAfter) {
        List<String[]> headers = new ArrayList<>(List.of(new String[] {"host", "127.0.0.1:" + port},
                new String[] {"content-type", "application/json"}, new String[] {"anthropic-version", "2023-06-01"},
                new String[] {"x-api-key", token}));
        if (closeAfter) {
            headers.add(new String[] {"connection", "close"});
        }
        headers.add(new String[] {"content-length", Integer.toString(body.length)});
        return HttpWriter.message(HttpWriter.head("POST " + target + " HTTP/1.1", headers), body);
    }

    /** {@link System#nanoTime()} when the most recent bytes arrived. */
    long lastReadNanos() {
        return in.lastReadNanos();
    }

    void send(byte[] request) throws IOException {
        out.write(request);
        out.flush();
    }

    /** Reads the status line and headers (a 100 Continue is skipped). */
    Head readHead() throws IOException {
        do {
            String status = in.line();
            if (status == null) {
                throw new IOException("connection closed before the response");
            }
            head.status = HttpReader.status(status);
            head.framing = in.responseHeaders(null);
        } while (head.status == 100);
        return head;
    }

    /** Reads (and discards) the body; returns the number of body bytes. */
    long readBody(Head h) throws IOException {
        return hasBody(h) ? in.body(h.framing, null) : 0;
    }

    /**
     * Reads the body as SSE, reporting each event's arrival; returns the number of events seen.
     * Stops early (leaving the connection unusable) when the sink returns false.
     */
    int readEvents(Head h, EventSink sink) throws IOException {
        newline = false;
        events = 0;
        eventSink = sink;
        try {
            if (hasBody(h)) {
                in.body(h.framing, this);
            }
            return events;
        } finally {
            eventSink = null;
        }
    }

    /** Reads the body and returns up to {@code max} bytes of it as text (for error messages). */
    String readBodyText(Head h, int max) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        if (hasBody(h)) {
            in.body(h.framing, (b, off, len) -> {
                text.write(b, off, Math.min(len, max - text.size()));
                return true;
            });
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Sends a request and reads the whole response; returns the status. */
    int exchange(byte[] request) throws IOException {
        send(request);
        Head h = readHead();
        readBody(h);
        return h.status;
    }

    boolean mustClose() {
        return head.framing != null && head.framing.close();
    }

    private static boolean hasBody(Head h) {
        return h.status != 204 && h.status != 304;
    }

    // ---------------------------------------------------------------- SSE event ends

    private boolean newline;
    private int events;
    private EventSink eventSink;

    @Override
    public boolean bytes(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (b == '\n') {
                if (newline) {
                    newline = false;
                    if (!eventSink.event(events++, in.lastReadNanos())) {
                        return false;
                    }
                } else {
                    newline = true;
                }
            } else if (b != '\r') {
                newline = false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
