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

    private static int naiveIndexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void indexOfAgreesWithTheByteLoopAtEveryPlaceAndAlignment() {
        Random r = new Random(7);
        byte[] alphabet = "Pri mary:\\\"working directory".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 4000; round++) {
            byte[] hay = new byte[r.nextInt(80)];
            for (int i = 0; i < hay.length; i++) {
                hay[i] = alphabet[r.nextInt(alphabet.length)];
            }
            byte[] needle = new byte[1 + r.nextInt(4)];
            for (int i = 0; i < needle.length; i++) {
                needle[i] = alphabet[r.nextInt(alphabet.length)];
            }
            if (r.nextBoolean() && hay.length >= needle.length) {
                System.arraycopy(needle, 0, hay, r.nextInt(hay.length - needle.length + 1), needle.length);
            }
            int from = r.nextInt(hay.length + 2) - 1;
            assertEquals(naiveIndexOf(hay, needle, from), JsonBytes.indexOf(hay, needle, from),
                    () -> new String(hay, StandardCharsets.UTF_8) + " / " + new String(needle, StandardCharsets.UTF_8));
        }
    }

    @Test
    void indexOfFindsANeedleAtTheVeryEndAndNotPastIt() {
        byte[] hay = "0123456789abcdefPrimary working directory: ".getBytes(StandardCharsets.UTF_8);
        byte[] needle = "Primary working directory: ".getBytes(StandardCharsets.UTF_8);
        assertEquals(16, JsonBytes.indexOf(hay, needle, 0));
        assertEquals(-1, JsonBytes.indexOf(hay, needle, 17));
        assertEquals(-1, JsonBytes.indexOf("Primary".getBytes(StandardCharsets.UTF_8), needle, 0));
    }
}
