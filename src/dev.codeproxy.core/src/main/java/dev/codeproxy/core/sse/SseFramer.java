package dev.codeproxy.core.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream of Server-Sent Events into whole events without re-encoding them: each
 * event is handed on as the exact bytes received, up to and including the blank line that ends
 * it. Accepts LF, CRLF and CR line ends. Only the {@code event:} field is decoded, because that
 * is all the relay needs to decide anything.
 */
public final class SseFramer {
    /** Receives whole events, in order. */
    public interface Sink {
        /**
         * @param bytes the buffer holding the event
         * @param off   start of the event
         * @param len   length of the event including its terminating blank line
         * @param name  the value of its {@code event:} field, or {@code "message"} when absent
         */
        void event(byte[] bytes, int off, int len, String name);

        /**
         * Called once per {@link #feed} after the events it completed (if any), while their bytes
         * are still where {@link #event} saw them: the events of one feed are contiguous in one
         * array, so a sink may write them together here.
         */
        default void endOfFeed() {
        }
    }

    /** The names the Messages API streams, so that framing an event allocates no string for its name. */
    private static final String[] KNOWN = {"content_block_delta", "ping", "content_block_start", "content_block_stop",
        "message_start", "message_delta", "message_stop", "error"};
    private static final byte[][] KNOWN_BYTES = new byte[KNOWN.length][];

    static {
        for (int i = 0; i < KNOWN.length; i++) {
            KNOWN_BYTES[i] = KNOWN[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final byte[] NONE = new byte[0];
    /**
     * The unfinished event held back between reads (empty until there is one): an open stream
     * whose events arrive whole holds no buffer here at all.
     */
    private byte[] buf = NONE;
    private int len;
    private int scanFrom;

    /**
     * Takes bytes and emits every event they complete. The sink sees the bytes of an event only
     * during its call (they may be the caller's own array): it copies what it keeps.
     */
    public void feed(byte[] data, int off, int n, Sink sink) {
        if (len == 0) {
            // nothing held: whole events go out straight from the caller's bytes, only a tail is kept
            int end = off + n;
            int start = emit(data, off, end, off, sink);
            sink.endOfFeed();
            hold(data, start, end - start);
            return;
        }
        ensure(len + n);
        System.arraycopy(data, off, buf, len, n);
        len += n;
        int start = emit(buf, 0, len, Math.max(scanFrom, 0), sink);
        sink.endOfFeed();
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, len - start);
            len -= start;
        }
        // resume scanning a little before the old end: a terminator may straddle two reads
        scanFrom = Math.max(0, len - 3);
    }

    /** Emits the whole events of {@code a[start, limit)}, scanning from {@code from}; returns where the rest starts. */
    private int emit(byte[] a, int start, int limit, int from, Sink sink) {
        int i = from;
        while (i < limit) {
            int end = eventEnd(a, i, limit);
            if (end < 0) {
                break;
            }
            sink.event(a, start, end - start, eventName(a, start, end));
            start = end;
            i = end;
        }
        return start;
    }

    private void hold(byte[] a, int off, int n) {
        if (n == 0 && buf.length > 64 * 1024) {
            buf = NONE; // a large event passed: do not keep its buffer for the rest of the stream
        }
        if (n > 0) {
            ensure(n);
            System.arraycopy(a, off, buf, 0, n);
        }
        len = n;
        scanFrom = Math.max(0, len - 3);
    }

    /** Bytes of an unfinished event held back so far (the stream ended mid-event if non-empty at close). */
    public byte[] remainder() {
        return Arrays.copyOf(buf, len);
    }

    public int pending() {
        return len;
    }

    /** Finds the end (exclusive) of the first event whose terminator starts at or after {@code from}. */
    private static int eventEnd(byte[] buf, int from, int len) {
        for (int i = from; i < len; i++) {
            byte b = buf[i];
            if (b == '\n') {
                // LF LF, or LF CR LF
                if (i + 1 < len && buf[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
                    return i + 3;
                }
            } else if (b == '\r') {
                if (i + 1 < len && buf[i + 1] == '\r') {
                    return i + 2;
                }
                if (i + 3 < len && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                    return i + 4;
                }
                // CR LF CR (followed by non-LF) also ends an event, but only once the next byte is known
                if (i + 3 < len && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] != '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private static String eventName(byte[] buf, int start, int end) {
        int i = start;
        while (i < end) {
            int lineEnd = i;
            while (lineEnd < end && buf[lineEnd] != '\n' && buf[lineEnd] != '\r') {
                lineEnd++;
            }
            if (lineEnd - i >= 6 && buf[i] == 'e' && buf[i + 1] == 'v' && buf[i + 2] == 'e' && buf[i + 3] == 'n'
                    && buf[i + 4] == 't' && buf[i + 5] == ':') {
                int v = i + 6;
                if (v < lineEnd && buf[v] == ' ') {
                    v++;
                }
                return name(buf, v, lineEnd);
            }
            i = lineEnd;
            while (i < end && (buf[i] == '\n' || buf[i] == '\r')) {
                i++;
            }
        }
        return "message";
    }

    private static String name(byte[] a, int from, int to) {
        for (int k = 0; k < KNOWN_BYTES.length; k++) {
            byte[] known = KNOWN_BYTES[k];
            if (known.length == to - from && Arrays.equals(a, from, to, known, 0, known.length)) {
                return KNOWN[k];
            }
        }
        return new String(a, from, to - from, StandardCharsets.UTF_8);
    }

    /** The concatenated {@code data:} lines of one event, for the few events whose payload matters. */
    public static String data(byte[] bytes, int off, int len) {
        StringBuilder sb = new StringBuilder();
        int end = off + len;
        int i = off;
        boolean first = true;
        while (i < end) {
            int lineEnd = i;
            while (lineEnd < end && bytes[lineEnd] != '\n' && bytes[lineEnd] != '\r') {
                lineEnd++;
            }
            if (lineEnd - i >= 5 && bytes[i] == 'd' && bytes[i + 1] == 'a' && bytes[i + 2] == 't' && bytes[i + 3] == 'a'
                    && bytes[i + 4] == ':') {
                int v = i + 5;
                if (v < lineEnd && bytes[v] == ' ') {
                    v++;
                }
                if (!first) {
                    sb.append('\n');
                }
                sb.append(new String(bytes, v, lineEnd - v, StandardCharsets.UTF_8));
                first = false;
            }
            i = lineEnd;
            while (i < end && (bytes[i] == '\n' || bytes[i] == '\r')) {
                i++;
            }
        }
        return sb.toString();
    }

    private void ensure(int cap) {
        if (cap > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(cap, Math.max(512, buf.length * 2)));
        }
    }
}
