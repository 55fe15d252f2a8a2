package dev.codeproxy.core.wire;

import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The checked string end (for bytes not known to be JSON) and the string decoder. */
class JsonBytesCheckedTest {

    /** The byte-by-byte rules the word-at-a-time loop must keep: the reference. */
    private static int reference(byte[] a, int from, int to) {
        int j = from;
        while (j < to) {
            int c = a[j] & 0xff;
            if (c == '"') {
                return j + 1;
            }
            if (c < 0x20) {
                return -1;
            }
            if (c != '\\') {
                j++;
                continue;
            }
            if (j + 1 >= to) {
                return -1;
            }
            byte e = a[j + 1];
            if ("\"\\/bfnrt".indexOf(e) >= 0) {
                j += 2;
            } else if (e == 'u') {
                if (j + 6 > to) {
                    return -1;
                }
                for (int k = j + 2; k < j + 6; k++) {
                    if (Character.digit(a[k], 16) < 0) {
                        return -1;
                    }
                }
                j += 6;
            } else {
                return -1;
            }
        }
        return -1;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theStringEndIsFoundOrTheStringRefused() {
        String[] cases = {"\"", "abc\"", "0123456\"", "01234567\"x", "a\\\"b\"", "\\\\\"", "\\u00e9\\uD83D\\ude00\"",
            "é€😀\"", "tab\there\"", "\u001f\"", "\u007f\"", "bad \\x\"", "\\u12\"", "\\u12G4\"", "\\", "open",
            "xxxxxxxx\\", "xxxxxxx\u0001xxxxxxxx\"", "\\/\\b\\f\\n\\r\\t\""};
        for (String s : cases) {
            for (int pad = 0; pad < 9; pad++) {
                byte[] a = utf8("~".repeat(pad) + s + "\"tail\"");
                int to = pad + utf8(s).length; // the bytes after it are not the string's, however they look
                assertEquals(reference(a, pad, to), JsonBytes.checkedStringEnd(a, pad, to), s + " at " + pad);
            }
        }
    }

    @Test
    void agreesWithTheByteLoopOnRandomBytes() {
        Random r = new Random(7);
        byte[] alphabet = utf8("ab \"\\u0fF9é\t\n/bnrtx");
        for (int n = 0; n < 50_000; n++) {
            int len = 1 + r.nextInt(60);
            byte[] a = new byte[len];
            for (int k = 0; k < len; k++) {
                a[k] = r.nextInt(6) == 0 ? (byte) r.nextInt(256) : alphabet[r.nextInt(alphabet.length)];
            }
            int from = r.nextInt(len);
            int to = from + r.nextInt(len - from + 1);
            assertEquals(reference(a, from, to), JsonBytes.checkedStringEnd(a, from, to),
                    () -> new String(a, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void decodesAsJsonPDoes() {
        Random r = new Random(3);
        String[] pieces = {"a", "é", "😀", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041",
            "\\u00E9", "\\ud83d\\ude00", "\\ud83d", " ", "xyz12345"};
        for (int n = 0; n < 5_000; n++) {
            StringBuilder sb = new StringBuilder("\"");
            int parts = r.nextInt(12);
            for (int k = 0; k < parts; k++) {
                sb.append(pieces[r.nextInt(pieces.length)]);
            }
            String token = sb.append('"').toString();
            byte[] a = utf8("[" + token + "]");
            String expected;
            try (JsonReader reader = Json.provider().createReader(new StringReader("[" + token + "]"))) {
                expected = reader.readArray().getString(0);
            }
            assertEquals(expected, JsonBytes.string(a, 1, a.length - 1), token);
        }
    }

    @Test
    void aLineEndsAtTheFirstLineFeedOrCarriageReturn() {
        Random r = new Random(9);
        byte[] alphabet = utf8("ab:{}\"\n\ré ");
        for (int n = 0; n < 20_000; n++) {
            byte[] a = new byte[r.nextInt(40)];
            for (int k = 0; k < a.length; k++) {
                a[k] = r.nextInt(8) == 0 ? (byte) r.nextInt(256) : alphabet[r.nextInt(alphabet.length)];
            }
            int from = a.length == 0 ? 0 : r.nextInt(a.length);
            int to = from + r.nextInt(a.length - from + 1);
            int expected = from;
            while (expected < to && a[expected] != '\n' && a[expected] != '\r') {
                expected++;
            }
            assertEquals(expected, JsonBytes.lineEnd(a, from, to), () -> new String(a, StandardCharsets.ISO_8859_1));
        }
    }
}
