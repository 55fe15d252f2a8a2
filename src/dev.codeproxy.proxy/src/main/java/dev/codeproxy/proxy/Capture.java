package dev.codeproxy.proxy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** A body kept for the request log, up to a cap; remembers whether more was seen. */
final class Capture {
    private final int cap;
    private final ByteArrayOutputStream out;
    private boolean truncated;

    Capture(long cap) {
        this.cap = (int) Math.max(0, Math.min(cap, Integer.MAX_VALUE - 8));
        this.out = new ByteArrayOutputStream(Math.min(this.cap, 1024)); // grows as the body does: an open stream holds little
    }

    void write(byte[] b, int off, int len) {
        int room = cap - out.size();
        if (len > room) {
            truncated = true;
        }
        if (room > 0) {
            out.write(b, off, Math.min(room, len));
        }
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    boolean truncated() {
        return truncated;
    }

    /** A whole body already in memory, capped without copying when it fits. */
    static byte[] cap(byte[] body, long cap) {
        return body.length <= cap ? body : Arrays.copyOf(body, (int) cap);
    }
}
