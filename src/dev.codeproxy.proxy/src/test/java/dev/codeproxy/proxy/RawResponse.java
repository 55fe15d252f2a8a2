package dev.codeproxy.proxy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange on a raw socket, read as it arrives: the client side of the relay tests,
 * which must see each chunk when the server flushes it (no client library buffering in between)
 * and whether the response ended properly (the last chunk) or was cut.
 */
final class RawResponse implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    private final boolean chunked;
    private long remaining;
    private boolean ended;
    private boolean terminated;

    private RawResponse(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        String statusLine = line();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        remaining = chunked ? 0 : Long.parseLong(headers.getOrDefault("content-length", "-1"));
    }

    /** Sends {@code request} (written as given) to 127.0.0.1:port and reads the status line and headers. */
    static RawResponse send(int port, String request) {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            // a guard against a hang, not a timing assertion: every read in these tests has data coming
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return new RawResponse(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing what failed
            }
            throw new UncheckedIOException(e);
        }
    }

    /** A POST of {@code {}} to {@code path}. */
    static RawResponse post(int port, String path) {
        return send(port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
    }

    /** Reads body bytes until at least {@code n} arrived (or the body ended); returns all read so far. */
    byte[] readAtLeast(int n) {
        try {
            while (body.size() < n && !ended) {
                readSome();
            }
            return body.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until the body ends (the last chunk, content-length, or the connection closing). */
    byte[] readAll() {
        try {
            while (!ended) {
                readSome();
            }
            return body.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String readAllText() {
        return new String(readAll(), StandardCharsets.UTF_8);
    }

    /** True when a chunked body ended with its last chunk (a proper end, not a cut connection). */
    boolean terminated() {
        return terminated;
    }

    /** Resets the connection (RST): the client is gone. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // gone either way
        }
    }

    private void readSome() throws IOException {
        if (!chunked) {
            byte[] buf = new byte[8192];
            int want = remaining < 0 ? buf.length : (int) Math.min(buf.length, remaining);
            int n = want == 0 ? -1 : in.read(buf, 0, want);
            if (n < 0) {
                ended = true;
                terminated = remaining == 0;
                return;
            }
            body.write(buf, 0, n);
            if (remaining > 0) {
                remaining -= n;
            }
            return;
        }
        if (remaining == 0) {
            String size;
            try {
                size = line();
            } catch (EOFException e) {
                ended = true;
                return;
            }
            int semi = size.indexOf(';');
            remaining = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
            if (remaining == 0) {
                // trailers, then the empty line
                while (!line().isEmpty()) {
                    // ignored
                }
                ended = true;
                terminated = true;
                return;
            }
        }
        byte[] buf = new byte[(int) Math.min(8192, remaining)];
        int n = in.read(buf);
        if (n < 0) {
            ended = true;
            return;
        }
        body.write(buf, 0, n);
        remaining -= n;
        if (remaining == 0) {
            line(); // the CRLF after the chunk
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed mid-line");
            }
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed
        }
    }
}
