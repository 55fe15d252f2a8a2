package dev.codeproxy.store.log;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Stored bodies are zlib streams ({@link Deflater}, fastest level: the writer compresses on its
 * one thread and request JSON shrinks well at any level). One instance per thread.
 */
final class BodyCodec {
    /**
     * Request parts are compressed once each and then referred to by every later turn: they get
     * zlib's default level (smaller, a little more CPU once); whole bodies the fastest.
     */
    static final int PART_LEVEL = Deflater.DEFAULT_COMPRESSION;

    private final Deflater deflater;

    BodyCodec() {
        this(Deflater.BEST_SPEED);
    }

    BodyCodec(int level) {
        deflater = new Deflater(level);
    }
    private final byte[] chunk = new byte[64 * 1024];
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);

    byte[] compress(byte[] raw) {
        if (raw == null) {
            return null;
        }
        deflater.reset();
        deflater.setInput(raw);
        deflater.finish();
        out.reset();
        while (!deflater.finished()) {
            int n = deflater.deflate(chunk);
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /** Inflates a stored body; null stays null. */
    static byte[] decompress(byte[] stored) {
        if (stored == null) {
            return null;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stored);
            ByteArrayOutputStream o = new ByteArrayOutputStream(Math.max(64, stored.length * 4));
            byte[] buf = new byte[16 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("stored body is damaged (zlib stream ends early)");
                }
                o.write(buf, 0, n);
            }
            return o.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("stored body is damaged: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    void close() {
        deflater.end();
    }
}
