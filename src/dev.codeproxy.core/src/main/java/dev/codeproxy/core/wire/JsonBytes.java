package dev.codeproxy.core.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

    /** A word with the high bit set in every byte of {@code v} that is zero (and maybe in bytes above one). */
    private static long zeroByte(long v) {
        return (v - ONES) & ~v & HIGHS;
    }
}
