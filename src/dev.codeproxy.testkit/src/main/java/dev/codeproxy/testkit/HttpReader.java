package dev.codeproxy.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads HTTP/1.1 messages from one connection: the start line (a request line or a status line),
 * the header lines, and a body framed by {@code content-length}, the chunked transfer coding or (a
 * response only) the end of the connection. One buffer, reused from message to message, so a
 * keep-alive connection allocates nothing per message beyond the header lines' strings; the
 * buffer grows, when asked to, up to a maximum.
 *
 * <p>The one HTTP/1.1 reader of the test kit's {@link FakeUpstream} (requests) and of the
 * benchmark's client and lean upstream. Framing that cannot be read (a line too long or cut, a bad
 * content-length or chunk size, the connection closed inside a message) throws {@link Malformed};
 * I/O errors pass through as they are.
 */
public final class HttpReader {

    /** The message cannot be read as HTTP/1.1; the message says what was wrong. */
    public static final class Malformed extends IOException {
        public Malformed(String message) {
            super(message);
        }
    }

    /** Receives each header line, name as sent, value trimmed. */
    @FunctionalInterface
    public interface HeaderSink {
        void header(String name, String value) throws IOException;
    }

    /** Receives a body as it is read, in pieces of the reader's buffer (valid only during the call). */
    @FunctionalInterface
    public interface BodySink {
        /** @return false to stop reading (the rest of the message is then left unread) */
        boolean bytes(byte[] buf, int off, int len) throws IOException;
    }

    /** A message's framing as its headers tell it; one instance per reader, reset by every header read. */
    public static final class Framing {
        private long contentLength;
        private boolean chunked;
        private boolean close;

        /** The body's length; -1 when the body ends with the connection (a response without framing). */
        public long contentLength() {
            return contentLength;
        }

        /** {@code transfer-encoding: chunked}. */
        public boolean chunked() {
            return chunked;
        }

        /** {@code connection: close}. */
        public boolean close() {
            return close;
        }
    }

    private final InputStream in;
    private final int maxLine;
    private final int maxBuffer;
    private final Framing framing = new Framing();
    private byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    private boolean stopped;
    private long lastReadNanos;

    /** A reader whose buffer stays at {@code bufferSize}, which is also the longest line it reads. */
    public HttpReader(InputStream in, int bufferSize) {
        this(in, bufferSize, bufferSize);
    }

    /**
     * @param bufferSize    the buffer's first size, and the longest line read
     * @param maxBufferSize how far the buffer may grow while bytes arrive that nobody reads yet
     */
    public HttpReader(InputStream in, int bufferSize, int maxBufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
        this.maxLine = bufferSize;
        this.maxBuffer = Math.max(bufferSize, maxBufferSize);
    }

    /** {@link System#nanoTime()} when the latest bytes arrived: the arrival of what is being parsed. */
    public long lastReadNanos() {
        return lastReadNanos;
    }

    /** The connection ended (a read returned end of stream). */
    public boolean eof() {
        return eof;
    }

    /** The buffer is at its largest and full of bytes nobody has read: {@link #fill} would fail. */
    public boolean full() {
        return pos == 0 && lim == buf.length && buf.length >= maxBuffer;
    }

    /**
     * Reads more bytes into the buffer (blocking, within the socket's timeout); false at the end of
     * the stream. Bytes not yet read are kept.
     */
    public boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos == lim) {
            pos = 0;
            lim = 0;
        } else if (lim == buf.length) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            } else if (buf.length < maxBuffer) {
                byte[] bigger = new byte[(int) Math.min(maxBuffer, 2L * buf.length)];
                System.arraycopy(buf, 0, bigger, 0, lim);
                buf = bigger;
            } else {
                throw new IOException("read buffer full (" + buf.length + " bytes unread)");
            }
        }
        int n = in.read(buf, lim, buf.length - lim);
        lastReadNanos = System.nanoTime();
        if (n < 0) {
            eof = true;
            return false;
        }
        lim += n;
        return true;
    }

    /** A line (CRLF or LF, the terminator stripped); null when the stream ends before its first byte. */
    public String line() throws IOException {
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
            int have = lim - pos;
            if (have >= maxLine) {
                throw new Malformed("line too long (over " + maxLine + " bytes)");
            }
            if (!fill()) {
                if (have > 0) {
                    throw new Malformed("connection closed mid-line");
                }
                return null;
            }
            from = pos + have;
        }
    }

    /** The next message's first line, blank lines between messages skipped; null at a clean end. */
    public String startLine() throws IOException {
        String line = line();
        while (line != null && line.isEmpty()) {
            line = line();
        }
        return line;
    }

    /** The status of a status line ({@code HTTP/1.1 200 OK}). */
    public static int status(String statusLine) throws Malformed {
        if (statusLine == null || !statusLine.startsWith("HTTP/1.") || statusLine.length() < 12
                || statusLine.charAt(8) != ' ') {
            throw new Malformed("bad status line: " + statusLine);
        }
        try {
            return Integer.parseInt(statusLine, 9, 12, 10);
        } catch (NumberFormatException e) {
            throw new Malformed("bad status line: " + statusLine);
        }
    }

    /**
     * A request's header lines up to the blank line; without content-length or chunked coding its
     * body is empty.
     *
     * @param sink each header, or null when only the framing is wanted
     */
    public Framing requestHeaders(HeaderSink sink) throws IOException {
        headers(sink);
        if (framing.contentLength < 0 && !framing.chunked) {
            framing.contentLength = 0;
        }
        return framing;
    }

    /** A response's header lines; without content-length or chunked coding its body ends with the connection. */
    public Framing responseHeaders(HeaderSink sink) throws IOException {
        return headers(sink);
    }

    private Framing headers(HeaderSink sink) throws IOException {
        framing.contentLength = -1;
        framing.chunked = false;
        framing.close = false;
        while (true) {
            String line = line();
            if (line == null) {
                throw new Malformed("connection closed in the headers");
            }
            if (line.isEmpty()) {
                return framing;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new Malformed("bad header line: " + line);
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                long n;
                try {
                    n = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 0 || (framing.contentLength >= 0 && framing.contentLength != n)) {
                    throw new Malformed("bad content-length: " + value);
                }
                framing.contentLength = n;
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                framing.chunked |= containsIgnoreCase(value, "chunked");
            } else if (name.equalsIgnoreCase("connection")) {
                framing.close |= containsIgnoreCase(value, "close");
            }
            if (sink != null) {
                sink.header(name, value);
            }
        }
    }

    /**
     * Reads a body as {@code f} frames it, handing it to {@code sink} piece by piece (null: skip it).
     *
     * @return the body's bytes read (for a chunked body, without the chunk framing)
     */
    public long body(Framing f, BodySink sink) throws IOException {
        stopped = false;
        if (!f.chunked) {
            return f.contentLength >= 0 ? consume(f.contentLength, sink, false) : consume(Long.MAX_VALUE, sink, true);
        }
        long total = 0;
        while (true) {
            String sizeLine = line();
            if (sizeLine == null) {
                throw new Malformed("connection closed in a chunked body");
            }
            int semi = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0) {
                throw new Malformed("bad chunk size: " + sizeLine);
            }
            if (size == 0) {
                String trailer;
                do {
                    trailer = line();
                    if (trailer == null) {
                        throw new Malformed("connection closed in the trailers");
                    }
                } while (!trailer.isEmpty());
                return total;
            }
            total += consume(size, sink, false);
            if (stopped) {
                return total;
            }
            String crlf = line();
            if (crlf == null || !crlf.isEmpty()) {
                throw new Malformed("missing CRLF after a chunk");
            }
        }
    }

    /** The whole body as bytes (content-length framed bodies are read straight into their array). */
    public byte[] bodyBytes(Framing f) throws IOException {
        if (!f.chunked && f.contentLength >= 0) {
            if (f.contentLength > Integer.MAX_VALUE - 16) {
                throw new Malformed("body too large: " + f.contentLength);
            }
            byte[] out = new byte[(int) f.contentLength];
            int[] off = {0};
            consume(out.length, (b, o, n) -> {
                System.arraycopy(b, o, out, off[0], n);
                off[0] += n;
                return true;
            }, false);
            return out;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        body(f, (b, o, n) -> {
            out.write(b, o, n);
            return true;
        });
        return out.toByteArray();
    }

    private long consume(long n, BodySink sink, boolean untilEof) throws IOException {
        long done = 0;
        while (done < n) {
            if (pos == lim && !fill()) {
                if (untilEof) {
                    return done;
                }
                throw new Malformed("connection closed after " + done + " of " + n + " body bytes");
            }
            int k = (int) Math.min(n - done, lim - pos);
            int at = pos;
            pos += k;
            done += k;
            if (sink != null && !sink.bytes(buf, at, k)) {
                stopped = true;
                return done;
            }
        }
        return done;
    }

    private static boolean containsIgnoreCase(String s, String part) {
        for (int i = 0; i + part.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }
}
