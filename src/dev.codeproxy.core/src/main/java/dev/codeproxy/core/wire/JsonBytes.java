package dev.codeproxy.core.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The inner loop of the proxy's one pass over a request body: finding the end of a JSON string.
 * Most of a Claude Code request is string content (messages, tool results, file contents), so
 * this is where the scan spends its time. It looks at eight bytes at a time for a quote or a
 * backslash (the classic "has a zero byte" test on the bytes xor'ed with the character), and
 * steps byte by byte only around the characters that matter.
 */
public final class JsonBytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    /** For the "has a byte below 0x20" test: raw control characters are not allowed in a JSON string. */
    private static final long SPACES = ONES * 0x20;
    private static final long LFS = ONES * '\n';
    private static final long CRS = ONES * '\r';

    private JsonBytes() {
    }

    /**
     * The index just after the closing quote of the string whose contents start at {@code from}
     * (the index after its opening quote). Escapes ({@code \"}, {@code \\}) are stepped over.
     *
     * @throws ArrayIndexOutOfBoundsException when the string is not closed before the end
     */
    public static int stringEnd(byte[] a, int from) {
        int j = from;
        while (true) {
            // eight at a time while no quote or backslash is among them
            while (j + 8 <= a.length) {
                long w = (long) LONGS.get(a, j);
                long hit = zeroByte(w ^ QUOTES) | zeroByte(w ^ BACKSLASHES);
                if (hit != 0) {
                    // the lowest flagged byte is exact (the test can only misflag bytes above a real hit)
                    j += Long.numberOfTrailingZeros(hit) >>> 3;
                    break;
                }
                j += 8;
            }
            byte c = a[j];
            if (c == '"') {
                return j + 1;
            }
            // a backslash escapes the next byte; anything else (the tail of the array) one by one
            j += c == '\\' ? 2 : 1;
        }
    }

    /**
     * The first index at or after {@code from} where {@code needle} (not empty) occurs in
     * {@code hay}, or -1. Looks for the needle's first byte eight bytes at a time, the way
     * {@link #stringEnd} looks for a quote, and compares the rest only there.
     */
    public static int indexOf(byte[] hay, byte[] needle, int from) {
        return indexOf(hay, needle, from, hay.length);
    }

    /**
     * The first index in {@code [from, to)} where {@code needle} (not empty) occurs wholly inside
     * {@code hay[from, to)}, or -1: a search of one part of a body, which goes at most a word past
     * {@code to} (never past the array).
     */
    public static int indexOf(byte[] hay, byte[] needle, int from, int to) {
        int last = Math.min(to, hay.length) - needle.length;
        long firsts = ONES * (needle[0] & 0xff);
        int i = Math.max(0, from);
        while (i <= last) {
            if (i + 8 <= hay.length) {
                long hit = zeroByte((long) LONGS.get(hay, i) ^ firsts);
                if (hit == 0) {
                    i += 8;
                    continue;
                }
                i += Long.numberOfTrailingZeros(hit) >>> 3;
                if (i > last) {
                    return -1;
                }
            } else if (hay[i] != needle[0]) {
                i++;
                continue;
            }
            if (hay[i] == needle[0] && Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
            i++;
        }
        return -1;
    }

    /**
     * Like {@link #stringEnd}, but for bytes that are not known to be JSON: stops at {@code to}
     * and checks what it passes. The index just after the closing quote, or -1 when the string is
     * not closed before {@code to}, holds a raw control character (below 0x20), or has an escape
     * that is not one of the nine JSON allows (a backslash and one of {@code " \ / b f n r t}, or {@code u}
     * and four hex digits). Eight bytes at a time as well: a
     * control character is one more flagged byte.
     */
    public static int checkedStringEnd(byte[] a, int from, int to) {
        int j = from;
        while (true) {
            while (j + 8 <= to) {
                long w = (long) LONGS.get(a, j);
                long hit = zeroByte(w ^ QUOTES) | zeroByte(w ^ BACKSLASHES) | ((w - SPACES) & ~w & HIGHS);
                if (hit != 0) {
                    j += Long.numberOfTrailingZeros(hit) >>> 3;
                    break;
                }
                j += 8;
            }
            if (j >= to) {
                return -1;
            }
            byte c = a[j];
            if (c == '"') {
                return j + 1;
            }
            if (c == '\\') {
                j = escapeEnd(a, j + 1, to);
                if (j < 0) {
                    return -1;
                }
            } else if ((c & 0xff) < 0x20) {
                return -1;
            } else {
                j++;
            }
        }
    }

    /**
     * The first index in {@code a[from, to)} that holds a line feed or a carriage return, or
     * {@code to}: where an SSE line ends. Eight bytes at a time, as {@link #stringEnd}.
     */
    public static int lineEnd(byte[] a, int from, int to) {
        int j = from;
        while (j + 8 <= to) {
            long w = (long) LONGS.get(a, j);
            long hit = zeroByte(w ^ LFS) | zeroByte(w ^ CRS);
            if (hit != 0) {
                return j + (Long.numberOfTrailingZeros(hit) >>> 3);
            }
            j += 8;
        }
        while (j < to && a[j] != '\n' && a[j] != '\r') {
            j++;
        }
        return j;
    }

    /** The index after the escape whose letter is at {@code j} (after the backslash), or -1. */
    private static int escapeEnd(byte[] a, int j, int to) {
        if (j >= to) {
            return -1;
        }
        switch (a[j]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return j + 1;
            }
            case 'u' -> {
                if (j + 5 > to) {
                    return -1;
                }
                for (int k = j + 1; k < j + 5; k++) {
                    if (hex(a[k]) < 0) {
                        return -1;
                    }
                }
                return j + 5;
            }
            default -> {
                return -1;
            }
        }
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * The text of the JSON string token {@code a[start, end)} (its quotes included), escapes
     * decoded; the token must be well formed (as {@link #checkedStringEnd} checks). A string
     * without a backslash is one UTF-8 decode; a {@code u} escape that is half of a surrogate pair
     * becomes that char, so a pair of them becomes the one code point.
     */
    public static String string(byte[] a, int start, int end) {
        int from = start + 1;
        int to = end - 1;
        int j = from;
        while (j < to && a[j] != '\\') {
            j++;
        }
        if (j == to) {
            return new String(a, from, to - from, StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(to - from);
        int run = from;
        while (j < to) {
            if (a[j] != '\\') {
                j++;
                continue;
            }
            if (j > run) {
                // escapes are ASCII, so a run between them never splits a UTF-8 sequence
                sb.append(new String(a, run, j - run, StandardCharsets.UTF_8));
            }
            byte e = a[j + 1];
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append((char) (hex(a[j + 2]) << 12 | hex(a[j + 3]) << 8 | hex(a[j + 4]) << 4
                        | hex(a[j + 5])));
                default -> sb.append((char) e);
            }
            j += e == 'u' ? 6 : 2;
            run = j;
        }
        if (to > run) {
            sb.append(new String(a, run, to - run, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** A word with the high bit set in every byte of {@code v} that is zero (and maybe in bytes above one). */
    private static long zeroByte(long v) {
        return (v - ONES) & ~v & HIGHS;
    }
}
