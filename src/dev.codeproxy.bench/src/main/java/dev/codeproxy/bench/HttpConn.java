package dev.codeproxy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 keep-alive client on one raw socket (TCP_NODELAY), written for measuring:
 * a request goes out in one {@code write}, the response is parsed in place with no per-request
 * allocation beyond the header scan, and {@link #lastReadNanos} is the {@link System#nanoTime()}
 * at which the most recent bytes arrived — the arrival time of whatever the parser is looking at.
 *
 * <p>Understands content-length, chunked and close-delimited bodies. For SSE bodies it reports the
 * arrival time of every event end ({@code \n\n}, CRs ignored) through {@link EventSink}.
 */
final class HttpConn implements AutoCloseable {

    /** Receives the arrival time of each complete SSE event. */
    interface EventSink {
        /** @return false to stop reading (the rest of the body is then left unread) */
        boolean event(int index, long arrivalNanos);
    }

    /** Status and framing of one response. */
    static final class Head {
        int status;
        long contentLength = -1;
        boolean chunked;
        boolean close;
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private final Head head = new Head();
    private int pos;
    private int lim;
    long lastReadNanos;

    private HttpConn(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
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
        String h = "POST " + target + " HTTP/1.1\r\n"
                + "host: 127.0.0.1:" + port + "\r\n"
                + "content-type: application/json\r\n"
                + "anthropic-version: 2023-06-01\r\n"
                + "x-api-key: " + token + "\r\n"
                + (closeAfter ? "connection: close\r\n" : "")
                + "content-length: " + body.length + "\r\n\r\n";
        byte[] hb = h.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[hb.length + body.length];
        System.arraycopy(hb, 0, all, 0, hb.length);
        System.arraycopy(body, 0, all, hb.length, body.length);
        return all;
    }

    void send(byte[] request) throws IOException {
        out.write(request);
        out.flush();
    }

    /** Reads the status line and headers. */
    Head readHead() throws IOException {
        head.status = 0;
        head.contentLength = -1;
        head.chunked = false;
        head.close = false;
        String status = readLine();
        if (status == null) {
            throw new IOException("connection closed before the response");
        }
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("bad status line: " + status);
        }
        head.status = Integer.parseInt(status.substring(9, 12));
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed in response headers");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> head.contentLength = Long.parseLong(value);
                case "transfer-encoding" -> head.chunked = value.contains("chunked");
                case "connection" -> head.close = value.contains("close");
                default -> {
                    // not needed
                }
            }
        }
        if (head.status == 100) {
            return readHead();
        }
        return head;
    }

    /** Reads (and discards) the body; returns the number of body bytes. */
    long readBody(Head h) throws IOException {
        return body(h, null);
    }

    /**
     * Reads the body as SSE, reporting each event's arrival; returns the number of events seen.
     * Stops early (leaving the connection unusable) when the sink returns false.
     */
    int readEvents(Head h, EventSink sink) throws IOException {
        return (int) body(h, sink);
    }

    /** Reads the body and returns up to {@code max} bytes of it as text (for error messages). */
    String readBodyText(Head h, int max) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (h.contentLength >= 0 && !h.chunked) {
            while (lim - pos < Math.min(h.contentLength, max) && fill()) {
                // buffer it
            }
            sb.append(new String(buf, pos, (int) Math.min(lim - pos, Math.min(h.contentLength, max)),
                    StandardCharsets.UTF_8));
            readBody(h);
        } else {
            readBody(h);
            sb.append("(").append(h.chunked ? "chunked" : "close-delimited").append(" body)");
        }
        return sb.toString();
    }

    /** Sends a request and reads the whole response; returns the status. */
    int exchange(byte[] request) throws IOException {
        send(request);
        Head h = readHead();
        readBody(h);
        return h.status;
    }

    boolean mustClose() {
        return head.close;
    }

    // ---------------------------------------------------------------- body decoding

    private boolean newline;
    private int events;
    private boolean stopped;

    private long body(Head h, EventSink sink) throws IOException {
        newline = false;
        events = 0;
        stopped = false;
        long total = 0;
        if (h.status == 204 || h.status == 304) {
            return 0;
        }
        if (h.chunked) {
            while (!stopped) {
                String sizeLine = readLine();
                if (sizeLine == null) {
                    throw new IOException("connection closed in chunked body");
                }
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    String t;
                    do {
                        t = readLine();
                        if (t == null) {
                            throw new IOException("connection closed in trailers");
                        }
                    } while (!t.isEmpty());
                    break;
                }
                total += consume(size, sink, false);
                if (!stopped && !readLine().isEmpty()) {
                    throw new IOException("missing CRLF after chunk");
                }
            }
        } else if (h.contentLength >= 0) {
            total = consume(h.contentLength, sink, false);
        } else {
            total = consume(Long.MAX_VALUE, sink, true);
        }
        return sink == null ? total : events;
    }

    private long consume(long n, EventSink sink, boolean untilEof) throws IOException {
        long done = 0;
        while (done < n && !stopped) {
            if (pos == lim && !fill()) {
                if (untilEof) {
                    return done;
                }
                throw new IOException("connection closed after " + done + " of " + n + " body bytes");
            }
            int k = (int) Math.min(n - done, lim - pos);
            if (sink != null) {
                for (int i = pos; i < pos + k; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        if (newline) {
                            newline = false;
                            if (!sink.event(events++, lastReadNanos)) {
                                stopped = true;
                            }
                        } else {
                            newline = true;
                        }
                    } else if (b != '\r') {
                        newline = false;
                    }
                }
            }
            pos += k;
            done += k;
        }
        return done;
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
        lastReadNanos = System.nanoTime();
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }

    private String readLine() throws IOException {
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
                return null;
            }
            from = pos + before;
        }
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
