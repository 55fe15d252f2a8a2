package dev.codeproxy.store.log;

import dev.codeproxy.core.wire.BodySpans;
import dev.codeproxy.core.wire.JsonBytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a Messages request body into the parts the log stores once each: {@code system},
 * {@code tools} and every element of {@code messages} (top-level keys only); every other byte
 * (the envelope: model, max_tokens, metadata, the punctuation between parts, whitespace) stays
 * with the request. Nothing is parsed into values or re-serialised: the spans are byte ranges of
 * the body, so joining them back gives the body byte for byte.
 *
 * <p>The proxy's scan of the body finds the same spans on its one walk ({@link BodySpans}); a
 * record that comes with them is split by {@link #of} without reading the body, and {@link #split}
 * walks it only for a record without (or for a body the scan found too loose to vouch for).
 */
final class BodyParts {
    static final int ENVELOPE = 0;
    static final int SYSTEM = BodySpans.SYSTEM;
    static final int TOOLS = BodySpans.TOOLS;
    static final int MESSAGE = BodySpans.MESSAGE;

    private static final byte[] KEY_SYSTEM = "\"system\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_TOOLS = "\"tools\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_MESSAGES = "\"messages\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_METADATA = "\"metadata\"".getBytes(StandardCharsets.US_ASCII);

    /** A part's bytes: {@code body[start, end)}. */
    record Span(int kind, int start, int end) {
    }

    /**
     * @param parts    the parts in body order (not overlapping)
     * @param metadata the value of the top-level {@code metadata} key, or null
     */
    record Split(List<Span> parts, Span metadata) {
        /** The envelope: the body without its parts. */
        byte[] envelope(byte[] body) {
            int size = body.length;
            for (Span s : parts) {
                size -= s.end() - s.start();
            }
            byte[] out = new byte[size];
            int at = 0;
            int from = 0;
            for (Span s : parts) {
                System.arraycopy(body, from, out, at, s.start() - from);
                at += s.start() - from;
                from = s.end();
            }
            System.arraycopy(body, from, out, at, body.length - from);
            return out;
        }
    }

    private BodyParts() {
    }

    /** The parts as the proxy's scan found them (the caller checked that they describe the body). */
    static Split of(BodySpans spans) {
        List<Span> parts = new ArrayList<>(spans.parts());
        for (int p = 0; p < spans.parts(); p++) {
            parts.add(new Span(spans.kind(p), spans.start(p), spans.end(p)));
        }
        return new Split(parts, spans.metadataStart() < 0 ? null
                : new Span(ENVELOPE, spans.metadataStart(), spans.metadataEnd()));
    }

    /** The parts of a body that is one JSON object; null for anything else (then it is stored whole). */
    static Split split(byte[] b) {
        try {
            return scan(b);
        } catch (ArrayIndexOutOfBoundsException e) {
            return null; // ends in the middle of a value
        }
    }

    private static Split scan(byte[] b) {
        int i = ws(b, 0);
        if (i >= b.length || b[i] != '{') {
            return null;
        }
        List<Span> parts = new ArrayList<>();
        Span metadata = null;
        i = ws(b, i + 1);
        if (b[i] == '}') {
            return ws(b, i + 1) == b.length ? new Split(parts, null) : null;
        }
        while (true) {
            if (b[i] != '"') {
                return null;
            }
            int keyStart = i;
            int keyEnd = string(b, i);
            if (keyEnd < 0) {
                return null;
            }
            i = ws(b, keyEnd);
            if (b[i] != ':') {
                return null;
            }
            int v = ws(b, i + 1);
            int end = value(b, v);
            if (end < 0) {
                return null;
            }
            if (is(b, keyStart, keyEnd, KEY_SYSTEM)) {
                parts.add(new Span(SYSTEM, v, end));
            } else if (is(b, keyStart, keyEnd, KEY_TOOLS)) {
                parts.add(new Span(TOOLS, v, end));
            } else if (is(b, keyStart, keyEnd, KEY_METADATA)) {
                metadata = new Span(ENVELOPE, v, end);
            } else if (is(b, keyStart, keyEnd, KEY_MESSAGES) && b[v] == '[') {
                int j = ws(b, v + 1);
                if (b[j] != ']') {
                    while (true) {
                        int e = value(b, j);
                        if (e < 0) {
                            return null;
                        }
                        parts.add(new Span(MESSAGE, j, e));
                        j = ws(b, e);
                        if (b[j] == ']') {
                            break;
                        }
                        if (b[j] != ',') {
                            return null;
                        }
                        j = ws(b, j + 1);
                    }
                }
            }
            i = ws(b, end);
            if (b[i] == '}') {
                return ws(b, i + 1) == b.length ? new Split(parts, metadata) : null;
            }
            if (b[i] != ',') {
                return null;
            }
            i = ws(b, i + 1);
        }
    }

    private static boolean is(byte[] b, int from, int to, byte[] key) {
        return to - from == key.length && Arrays.equals(b, from, to, key, 0, key.length);
    }

    private static int ws(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The end (exclusive) of the string starting at {@code i}, or -1. */
    private static int string(byte[] b, int i) {
        try {
            return JsonBytes.stringEnd(b, i + 1); // eight bytes at a time, as the proxy's own scan
        } catch (ArrayIndexOutOfBoundsException e) {
            return -1; // not closed
        }
    }

    /** The end (exclusive) of the value starting at {@code i}, or -1 when it is not one. */
    private static int value(byte[] b, int i) {
        byte c = b[i];
        if (c == '"') {
            return string(b, i);
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i < b.length) {
                c = b[i];
                if (c == '"') {
                    i = string(b, i);
                    if (i < 0) {
                        return -1;
                    }
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                i++;
            }
            return -1;
        }
        int start = i;
        while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n'
                && b[i] != '\r' && b[i] != '\t' && b[i] != '"' && b[i] != '{' && b[i] != '[' && b[i] != ':') {
            i++;
        }
        return i > start ? i : -1;
    }
}
