package dev.codeproxy.core.usage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Pattern;

import static dev.codeproxy.core.usage.UsageScannerTest.MODEL;
import static dev.codeproxy.core.usage.UsageScannerTest.START_USAGE;
import static dev.codeproxy.core.usage.UsageScannerTest.answer;
import static dev.codeproxy.core.usage.UsageScannerTest.messageDelta;
import static dev.codeproxy.core.usage.UsageScannerTest.messageStart;
import static dev.codeproxy.core.usage.UsageScannerTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The byte-level reader against the JSON-P one it replaced ({@link ParssonReference}), on answers
 * and events broken in random ways: the same bodies are complete JSON, and where they are, the
 * same usage and model are read. The differences on purpose:
 * <ul>
 *   <li>a count that is not a plain non-negative integer (JSON-P took {@code longValue()} of it: 2
 *       for 2.5, 1000 for 1e3, the low bits of an overflow); where such a number is in the body
 *       the usage is not compared;</li>
 *   <li>a one-byte body: JSON-P refused all of them (it needs two bytes to guess the encoding), a
 *       single digit is JSON;</li>
 *   <li>an event whose data is one object followed by more bytes: JSON-P's readObject stopped
 *       after the object and read it, the byte reader refuses the event as malformed and reads
 *       nothing from it.</li>
 * </ul>
 */
class UsageScannerAgreementTest {
    private static final byte[] ALPHABET = utf8("{}[]:,\"\\ \n\t0123456789-+.eEtrufalsn/bu\u00e9x");
    /** A number JSON-P and the byte reader may read differently (see above). */
    private static final Pattern NOT_PLAIN = Pattern.compile("[0-9][.eE]|-[0-9]|[0-9]{19}");

    private static final String[] ANSWERS = {
        answer("Hello"),
        answer("esc \\\"q\\\" \\\\ \\u00e9 \\ud83d\\ude00 \\n"),
        answer("m\\u0031", "t", "{\"input_tokens\":3,\"cache_creation\":{\"ephemeral_1h_input_tokens\":4},"
                + "\"output_tokens\":5}"),
        "{\"content\":[{\"type\":\"tool_use\",\"input\":{\"usage\":{\"input_tokens\":9},"
                + "\"a\":[1,2.5,-3,true,false,null]}}],"
                + "\"usage\":{\"output_tokens\":1},\"model\":\"x\",\"usage\":{\"input_tokens\":2}}",
        "[{\"a\":[[{\"b\":{}}]]},\"s\",0,-1.5e-3,true]",
        " { \"model\" : \"sp\" , \"usage\" : { \"input_tokens\" : 12 , \"output_tokens\" : 0 } } ",
    };

    private static final String[] EVENTS = {
        messageStart(MODEL, START_USAGE),
        messageDelta("{\"output_tokens\":32}"),
        messageDelta("{\"input_tokens\":1,\"cache_read_input_tokens\":2,\"cache_creation\":"
                + "{\"ephemeral_5m_input_tokens\":3}}"),
        "{\"message\":{\"model\":\"a\\u0062\",\"usage\":{\"input_tokens\":4}},\"usage\":{\"output_tokens\":5}}",
    };

    private static byte[] mutate(byte[] b, Random r) {
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            byte x = r.nextInt(10) == 0 ? (byte) r.nextInt(256) : ALPHABET[r.nextInt(ALPHABET.length)];
            b = switch (r.nextInt(5)) {
                case 0 -> Arrays.copyOf(b, at); // cut short
                case 1 -> { // drop a byte
                    byte[] o = new byte[b.length - 1];
                    System.arraycopy(b, 0, o, 0, at);
                    System.arraycopy(b, at + 1, o, at, b.length - at - 1);
                    yield o;
                }
                case 2 -> { // insert a byte
                    byte[] o = new byte[b.length + 1];
                    System.arraycopy(b, 0, o, 0, at);
                    o[at] = x;
                    System.arraycopy(b, at, o, at + 1, b.length - at);
                    yield o;
                }
                case 3 -> { // replace a byte
                    byte[] o = b.clone();
                    o[at] = x;
                    yield o;
                }
                default -> { // repeat a slice (a key or a value twice, brackets doubled)
                    int len = 1 + r.nextInt(Math.min(40, b.length - at));
                    byte[] o = new byte[b.length + len];
                    System.arraycopy(b, 0, o, 0, at + len);
                    System.arraycopy(b, at, o, at + len, b.length - at);
                    yield o;
                }
            };
        }
        return b;
    }

    @Test
    void answersBrokenAtRandomAreJudgedAndReadAsBefore() {
        Random r = new Random(20261205);
        int valid = 0;
        for (int n = 0; n < 100_000; n++) {
            byte[] body = mutate(utf8(ANSWERS[r.nextInt(ANSWERS.length)]), r);
            ParssonReference old = new ParssonReference();
            UsageScanner now = new UsageScanner();
            boolean expected = old.json(body);
            boolean actual = now.json(body);
            String text = new String(body, StandardCharsets.UTF_8);
            if (body.length == 1) {
                assertEquals(body[0] >= '0' && body[0] <= '9', actual, text);
                continue;
            }
            if (expected != actual) {
                fail("JSON-P said " + expected + ", the byte reader " + actual + ": " + text);
            }
            if (expected) {
                valid++;
                assertEquals(old.model(), now.model(), text);
                if (!NOT_PLAIN.matcher(text).find()) {
                    assertEquals(old.usage(), now.usage(), text);
                }
            }
        }
        // the mutations must leave enough bodies whole for the reading to be compared at all
        assertTrue(valid > 5_000, "valid bodies: " + valid);
    }

    @Test
    void eventsBrokenAtRandomAreReadAsBefore() {
        Random r = new Random(5);
        for (int n = 0; n < 50_000; n++) {
            String name = r.nextBoolean() ? "message_start" : "message_delta";
            byte[] data = mutate(utf8(EVENTS[r.nextInt(EVENTS.length)]), r);
            String text = new String(data, StandardCharsets.UTF_8);
            ParssonReference old = new ParssonReference();
            UsageScanner now = new UsageScanner();
            UsageScanner framed = new UsageScanner();
            old.event(name, text);
            now.event(name, text);
            if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
                byte[] ev = utf8("event: " + name + "\ndata: " + text + "\n\n");
                framed.frame(name, ev, 0, ev.length);
                assertEquals(now.usage(), framed.usage(), text);
                assertEquals(now.model(), framed.model(), text);
            }
            if (!ParssonReference.complete(text)) {
                // malformed: JSON-P may have read an object before junk, the byte reader reads nothing
                assertEquals(Usage.NONE, now.usage(), text);
                assertEquals(null, now.model(), text);
                continue;
            }
            assertEquals(old.model(), now.model(), text);
            if (!NOT_PLAIN.matcher(text).find()) {
                assertEquals(old.usage(), now.usage(), text);
            }
        }
    }
}
