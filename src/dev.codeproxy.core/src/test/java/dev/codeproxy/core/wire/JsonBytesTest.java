package dev.codeproxy.core.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonBytesTest {

    /** The byte-by-byte loop the word-at-a-time search replaces: the reference. */
    private static int reference(byte[] a, int from) {
        int j = from;
        while (a[j] != '"') {
            if (a[j] == '\\') {
                j++;
            }
            j++;
        }
        return j + 1;
    }

    @Test
    void findsTheClosingQuoteAtEveryOffsetAndAlignment() {
        for (String s : new String[] {"\"", "abc\"", "0123456\"", "01234567\"x", "012345678901234567\"",
            "a\\\"b\"", "\\\\\"", "\\\\\\\"\"", "é€😀 \\u0022 \"", "xxxxxxx\\\"xxxxxxxx\"", "\\n\\t\\\\\\\"ok\""}) {
            for (int pad = 0; pad < 9; pad++) {
                byte[] a = ("~".repeat(pad) + s + "tail:{\"k\":1}").getBytes(StandardCharsets.UTF_8);
                assertEquals(reference(a, pad), JsonBytes.stringEnd(a, pad), s + " at " + pad);
            }
        }
    }

    @Test
    void agreesWithTheByteLoopOnRandomStrings() {
        Random r = new Random(42);
        byte[] alphabet = "abc \"\\\u00e9{}[]:,\n".getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n < 20_000; n++) {
            int len = 1 + r.nextInt(70);
            byte[] a = new byte[len + 1];
            for (int k = 0; k < len; k++) {
                a[k] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : alphabet[r.nextInt(alphabet.length)];
            }
            a[len] = '"'; // always closed at the end (an escape may swallow it: then both must throw)
            int from = r.nextInt(len);
            Integer expected;
            try {
                expected = reference(a, from);
            } catch (ArrayIndexOutOfBoundsException e) {
                expected = null;
            }
            if (expected == null) {
                int f = from;
                assertThrows(ArrayIndexOutOfBoundsException.class, () -> JsonBytes.stringEnd(a, f));
            } else {
                assertEquals(expected, JsonBytes.stringEnd(a, from), () -> new String(a, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void anUnclosedStringRunsOffTheEnd() {
        byte[] a = "\"never closed, not even by \\\"".getBytes(StandardCharsets.UTF_8);
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> JsonBytes.stringEnd(a, 1));
    }
}
