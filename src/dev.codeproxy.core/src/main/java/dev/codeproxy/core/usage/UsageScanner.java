package dev.codeproxy.core.usage;

import dev.codeproxy.core.sse.SseFramer;
import dev.codeproxy.core.wire.JsonBytes;

import java.nio.charset.StandardCharsets;

/**
 * Reads usage from responses. Streams: the {@code message_start} usage, then every field present
 * in a later {@code message_delta} usage replaces it (values are cumulative). JSON: the top-level
 * {@code usage} object. Cache writes: {@code cache_creation.ephemeral_5m/1h_input_tokens} when
 * present, else all of {@code cache_creation_input_tokens} counts as 5-minute writes.
 *
 * <p>Byte-level: one {@link JsonWalk} over the answer or the event checks it and points at the
 * top-level members; only the small objects that matter are read again, and only the model is
 * decoded into a String. A token count is taken when it is a plain non-negative integer that
 * fits a long; anything else there ({@code 1e3}, {@code 2.5}, {@code -1}, an integer beyond
 * 2^63 - 1, a string) is ignored like a missing field, so the value read before stays.
 */
public final class UsageScanner {
    private static final byte[] K_MODEL = ascii("model");
    private static final byte[] K_USAGE = ascii("usage");
    private static final byte[] K_MESSAGE = ascii("message");
    private static final byte[] K_INPUT = ascii("input_tokens");
    private static final byte[] K_OUTPUT = ascii("output_tokens");
    private static final byte[] K_CACHE_CREATION_INPUT = ascii("cache_creation_input_tokens");
    private static final byte[] K_CACHE_READ = ascii("cache_read_input_tokens");
    private static final byte[] K_CACHE_CREATION = ascii("cache_creation");
    private static final byte[] K_5M = ascii("ephemeral_5m_input_tokens");
    private static final byte[] K_1H = ascii("ephemeral_1h_input_tokens");

    private long input;
    private long output;
    private long cacheCreation;
    private long cw5m = -1;
    private long cw1h = -1;
    private long cacheRead;
    private String model;
    private boolean seen;
    /** Where the last top-level {@code message} and {@code usage} of the event being walked start (-1: none). */
    private int messageStart = -1;
    private int usageStart = -1;
    private final JsonWalk.Member onJson = this::jsonMember;
    private final JsonWalk.Member onEvent = this::eventMember;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean usageEvent(String name) {
        return name.equals("message_start") || name.equals("message_delta");
    }

    /** Feeds one SSE event by its {@code data}; only message_start and message_delta are read. */
    public void event(String name, String data) {
        if (usageEvent(name)) {
            byte[] b = data.getBytes(StandardCharsets.UTF_8);
            eventJson(name, b, 0, b.length);
        }
    }

    /**
     * Feeds one whole SSE event as framed ({@code event:} and {@code data:} lines and the blank
     * line that ends it, see {@link SseFramer}); only message_start and message_delta are read,
     * and a single {@code data:} line (how the Messages API sends them) is read where it lies.
     */
    public void frame(String name, byte[] b, int off, int len) {
        if (!usageEvent(name)) {
            return;
        }
        int end = off + len;
        int i = off;
        int ds = -1;
        int de = -1;
        while (i < end) {
            int lineEnd = JsonBytes.lineEnd(b, i, end);
            if (lineEnd - i >= 5 && b[i] == 'd' && b[i + 1] == 'a' && b[i + 2] == 't' && b[i + 3] == 'a'
                    && b[i + 4] == ':') {
                if (ds >= 0) {
                    // several data lines are one value joined by line feeds: rare, take the String path
                    event(name, SseFramer.data(b, off, len));
                    return;
                }
                ds = i + 5 < lineEnd && b[i + 5] == ' ' ? i + 6 : i + 5;
                de = lineEnd;
            }
            i = lineEnd;
            while (i < end && (b[i] == '\n' || b[i] == '\r')) {
                i++;
            }
        }
        if (ds >= 0) {
            eventJson(name, b, ds, de);
        }
    }

    /**
     * Reads one event's JSON; a malformed one carries no usage we can trust and is ignored (the
     * relay forwards it regardless). As when the event was read into an object, a key given twice
     * counts once, with its last value.
     */
    private void eventJson(String name, byte[] b, int from, int to) {
        messageStart = -1;
        usageStart = -1;
        try {
            if (JsonWalk.walk(b, from, to, onEvent)) {
                read(name, b);
            }
        } catch (RuntimeException e) {
            // the walk checks every index it reads; should one slip, the event is ignored, never the stream
        }
    }

    /** Reads what the walk found in a whole, well-formed event: the last member of each name counts. */
    private void read(String name, byte[] b) {
        if (name.equals("message_start") && messageStart >= 0 && b[messageStart] == '{') {
            int ms = -1;
            int me = 0;
            int us = -1;
            JsonWalk.Members m = new JsonWalk.Members(b, messageStart);
            while (m.next()) {
                if (key(b, m.ks, m.ke, K_MODEL)) {
                    ms = m.vs;
                    me = m.ve;
                } else if (key(b, m.ks, m.ke, K_USAGE)) {
                    us = m.vs;
                }
            }
            if (ms >= 0 && b[ms] == '"') {
                model = JsonBytes.string(b, ms, me);
            }
            if (us >= 0 && b[us] == '{') {
                apply(b, us);
            }
        } else if (usageStart >= 0 && b[usageStart] == '{') {
            apply(b, usageStart);
        }
    }

    private void eventMember(byte[] b, int ks, int ke, int vs, int ve) {
        if (key(b, ks, ke, K_USAGE)) {
            usageStart = vs;
        } else if (key(b, ks, ke, K_MESSAGE)) {
            messageStart = vs;
        }
    }

    /**
     * Reads a whole JSON response body in one pass that also checks it: only the top-level
     * {@code model} and {@code usage} are read, everything else is passed over. A body cut short
     * (the reason for the check) ends before its value does and is false at once: the walk never
     * loops (JSON-P's skipObject did for ever on such a body, eclipse-ee4j/parsson#23).
     *
     * @return true when the body is one complete JSON value (empty or broken bodies are false)
     */
    public boolean json(byte[] body) {
        // a UTF-8 byte order mark may lead (JSON-P skipped it, as a client's UTF-8 decode does)
        boolean bom = body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF;
        try {
            return JsonWalk.walk(body, bom ? 3 : 0, body.length, onJson);
        } catch (RuntimeException e) {
            // the walk checks every index it reads; should one slip, the body is not judged usable
            return false;
        }
    }

    /** Each top-level usage is applied as it comes, each model string replaces the last one. */
    private void jsonMember(byte[] b, int ks, int ke, int vs, int ve) {
        if (b[vs] == '{' && key(b, ks, ke, K_USAGE)) {
            apply(b, vs);
        } else if (b[vs] == '"' && key(b, ks, ke, K_MODEL)) {
            model = JsonBytes.string(b, vs, ve);
        }
    }

    /**
     * Applies the usage object starting at {@code start} (already checked). Each field present
     * replaces the one held; a key given twice counts with its last value, as it did when the
     * object was read into a map.
     */
    private void apply(byte[] b, int start) {
        seen = true;
        long in = input;
        long out = output;
        long cc = cacheCreation;
        long cr = cacheRead;
        int ccs = -1;
        JsonWalk.Members m = new JsonWalk.Members(b, start);
        while (m.next()) {
            int ks = m.ks;
            int ke = m.ke;
            if (key(b, ks, ke, K_INPUT)) {
                input = count(b, m.vs, m.ve, in);
            } else if (key(b, ks, ke, K_OUTPUT)) {
                output = count(b, m.vs, m.ve, out);
            } else if (key(b, ks, ke, K_CACHE_CREATION_INPUT)) {
                cacheCreation = count(b, m.vs, m.ve, cc);
            } else if (key(b, ks, ke, K_CACHE_READ)) {
                cacheRead = count(b, m.vs, m.ve, cr);
            } else if (key(b, ks, ke, K_CACHE_CREATION)) {
                ccs = m.vs;
            }
        }
        if (ccs >= 0 && b[ccs] == '{') {
            long w5 = Math.max(cw5m, 0);
            long w1 = Math.max(cw1h, 0);
            cw5m = w5;
            cw1h = w1;
            JsonWalk.Members c = new JsonWalk.Members(b, ccs);
            while (c.next()) {
                if (key(b, c.ks, c.ke, K_5M)) {
                    cw5m = count(b, c.vs, c.ve, w5);
                } else if (key(b, c.ks, c.ke, K_1H)) {
                    cw1h = count(b, c.vs, c.ve, w1);
                }
            }
        }
    }

    /**
     * The token count in {@code b[vs, ve)}: a plain non-negative integer that fits a long, else
     * {@code dflt} (a fraction, an exponent, a sign, an overflow or a value that is not a number).
     */
    static long count(byte[] b, int vs, int ve, long dflt) {
        if (ve - vs < 1 || ve - vs > 19) {
            return dflt;
        }
        long v = 0;
        for (int p = vs; p < ve; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return dflt;
            }
            v = v * 10 + d;
        }
        // nineteen digits may pass 2^63 - 1 and wrap
        return v < 0 ? dflt : v;
    }

    /**
     * Whether the key token {@code b[ks, ke)} (quotes included) is {@code name}; a key written
     * with escapes is decoded first, since it names the same member.
     */
    private static boolean key(byte[] b, int ks, int ke, byte[] name) {
        int n = ke - ks - 2;
        if (n == name.length) {
            for (int k = 0; k < n; k++) {
                if (b[ks + 1 + k] != name[k]) {
                    return false;
                }
            }
            return true;
        }
        if (n < name.length) {
            return false;
        }
        for (int p = ks + 1; p < ke - 1; p++) {
            if (b[p] == '\\') {
                return JsonBytes.string(b, ks, ke).equals(new String(name, StandardCharsets.US_ASCII));
            }
        }
        return false;
    }

    boolean seen() {
        return seen;
    }

    /** The model the upstream says it used, or null. */
    public String model() {
        return model;
    }

    public Usage usage() {
        long w5 = cw5m >= 0 || cw1h >= 0 ? Math.max(cw5m, 0) : cacheCreation;
        long w1 = Math.max(cw1h, 0);
        return new Usage(input, output, w5, w1, cacheRead);
    }
}
