package dev.codeproxy.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 2xx non-streaming body is usable only when it is JSON; anything else (empty, HTML, cut) fails over. */
class ResponseCheckTest {
    private static final String MESSAGE = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"hi \\u00e9\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {MESSAGE, "{}", "[]", "[1,2,{\"a\":null}]", "  {\"a\":true}\n"})
    void jsonIsUsable(String body) {
        assertTrue(ResponseCheck.isJson(utf8(body), null), body);
        assertTrue(ResponseCheck.isJson(utf8(body), "identity"), body);
        assertTrue(ResponseCheck.isJson(utf8(body), ""), body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html><body>502 Bad Gateway</body></html>", "upstream connect error", "{\"a\":",
            "{\"a\":1", "{\"a\" 1}", "{'a':1}", "[1,2,", "\"unterminated", "{} {}", "{}garbage", "   ",
            "\u0000\u0000"})
    void notJsonFailsOver(String body) {
        assertFalse(ResponseCheck.isJson(utf8(body), "identity"), body);
    }

    @Test
    void anEmptyBodyFailsOverWhateverItsEncoding() {
        for (String enc : new String[]{null, "identity", "gzip", "deflate", "br"}) {
            assertFalse(ResponseCheck.isJson(new byte[0], enc), String.valueOf(enc));
        }
    }

    @Test
    void gzipAndDeflateBodiesAreReadBeforeTheyAreJudged() throws IOException {
        assertTrue(ResponseCheck.isJson(gzip(utf8(MESSAGE)), "gzip"));
        assertTrue(ResponseCheck.isJson(gzip(utf8(MESSAGE)), " GZip "), "the encoding name is trimmed, any case");
        assertTrue(ResponseCheck.isJson(gzip(utf8(MESSAGE)), "x-gzip"));
        assertTrue(ResponseCheck.isJson(deflate(utf8(MESSAGE)), "deflate"));
        assertFalse(ResponseCheck.isJson(gzip(utf8("<html>oops</html>")), "gzip"), "an HTML page, compressed");
        assertFalse(ResponseCheck.isJson(deflate(utf8("{\"cut\":")), "deflate"));
    }

    @Test
    void aCorruptOrCutCompressedBodyFailsOver() throws IOException {
        byte[] z = gzip(utf8(MESSAGE));
        assertFalse(ResponseCheck.isJson(Arrays.copyOf(z, z.length / 2), "gzip"), "cut in half");
        assertFalse(ResponseCheck.isJson(utf8(MESSAGE), "gzip"), "says gzip, is not");
        byte[] bad = z.clone();
        bad[bad.length / 2] ^= 0x55;
        assertFalse(ResponseCheck.isJson(bad, "gzip"), "a flipped byte fails the gzip check or the JSON");
    }

    @Test
    void anEncodingWeCannotReadIsTrustedWhenNotEmpty() {
        // br and zstd are never asked for (accept-encoding: identity); a non-empty body is passed on
        assertTrue(ResponseCheck.isJson(utf8("\u0001\u0002binary"), "br"));
        assertTrue(ResponseCheck.isJson(utf8("x"), "zstd"));
    }

    @Test
    void hostileNestingIsRefusedWithoutBlowingTheStack() {
        int depth = 1_000_000;
        byte[] deep = utf8("[".repeat(depth) + "]".repeat(depth));
        // the parser's depth limit (Parsson: 1,000) refuses it; a StackOverflowError must never escape
        assertFalse(ResponseCheck.isJson(deep, "identity"));
        assertTrue(ResponseCheck.isJson(utf8("[".repeat(500) + "]".repeat(500)), "identity"), "ordinary depth");
        byte[] open = utf8("{\"a\":".repeat(200_000));
        assertFalse(ResponseCheck.isJson(open, "identity"));
    }

    @Test
    void aLargeValidBodyIsUsable() {
        StringBuilder b = new StringBuilder("{\"content\":[");
        for (int i = 0; i < 100_000; i++) {
            b.append(i == 0 ? "" : ",").append("{\"type\":\"text\",\"text\":\"line ").append(i).append("\"}");
        }
        b.append("]}");
        assertTrue(ResponseCheck.isJson(utf8(b.toString()), null));
    }
}
