package dev.codeproxy.store.log;

import dev.codeproxy.core.secret.Secrets;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class RedactorTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void masksEveryOccurrenceLongestSecretFirst() {
        Redactor r = Redactor.of(List.of("abcd", "abcdefgh"));
        assertEquals("[redacted] and [redacted] and [redacted]", r.text("abcdefgh and abcd and abcdefgh"));
        assertEquals("x[redacted]y[redacted]", s(r.bytes(b("xabcdefghyabcd"))));
    }

    @Test
    void ignoresBlankNullAndTooShortSecrets() {
        Redactor r = Redactor.of(Arrays.asList(null, "", "  ", "abc"));
        assertSame(Redactor.NONE, r);
        byte[] body = b("abc");
        assertSame(body, r.bytes(body), "nothing to mask, no copy");
        assertEquals(null, r.text(null));
    }

    @Test
    void credentialHeadersAreMaskedWholeAndNamesLowerCased() {
        Redactor r = Redactor.of(List.of("secret-token"));
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Authorization", List.of("Bearer x"));
        h.put("X-Api-Key", List.of("k"));
        h.put("Proxy-Authorization", List.of("Basic y"));
        h.put("Cookie", List.of("a=b"));
        h.put("Set-Cookie", List.of("c=d", "e=f"));
        h.put("X-Other", List.of("has secret-token inside"));
        h.put("x-other", List.of("second"));
        assertEquals(Map.of("authorization", List.of("[redacted]"), "x-api-key", List.of("[redacted]"),
                "proxy-authorization", List.of("[redacted]"), "cookie", List.of("[redacted]"),
                "set-cookie", List.of("[redacted]", "[redacted]"),
                "x-other", List.of("has [redacted] inside", "second")), r.headers(h));
    }

    @Test
    void aCutBodyLosesATailThatStartsASecret() {
        Redactor r = Redactor.of(List.of("sk-ant-0123456789"));
        assertEquals("data [redacted]", s(r.cutTail(b("data sk-ant-01"))));
        assertEquals("data sk-", s(r.cutTail(b("data sk-"))), "3 bytes are too few to mean anything");
        assertEquals("data [redacted]", s(r.cutTail(b("data sk-a"))));
        assertEquals("complete", s(r.cutTail(b("complete"))));
    }

    @Test
    void credentialShapesAreMaskedWithoutBeingKnown() {
        String token = Secrets.newToken("cp-");
        String key = "sk-ant-api03-" + "A1b2C3d4E5f6G7h8I9j0_-x";
        Redactor none = Redactor.of(List.of());
        assertEquals("auth [redacted] and [redacted].", s(none.bytes(b("auth " + token + " and " + key + "."))));
        assertEquals("{\"k\":\"[redacted]\"}", none.text("{\"k\":\"" + key + "\"}"));
        String almost = "cp-" + "a".repeat(63);
        assertEquals(almost, none.text(almost), "63 hex digits are not a generated token");
        assertEquals("tcp-" + "a".repeat(64), none.text("tcp-" + "a".repeat(64)), "part of a longer word");
        assertEquals("sk-ant-short", none.text("sk-ant-short"), "too short to be a key");
        assertEquals("cut [redacted]", s(none.cutTail(b("cut cp-0123abc"))), "a cut token");
        assertEquals("cut [redacted]", s(none.cutTail(b("cut sk-ant-api"))), "a cut key");
    }

    /**
     * The one-pass body scan masks exactly what one pass per secret followed by the shape pass
     * masked (the previous implementation, kept here as the reference), on bodies mixing text,
     * known secrets, key shapes, near misses and multi-byte characters.
     */
    @Test
    void onePassMasksWhatSeparatePassesMasked() {
        List<String> secrets = List.of("gw-secret-token-1234", "wxyz", "sk-endpoint-key-000");
        Redactor r = Redactor.of(secrets);
        String[] parts = {"plain text ", "é日本 ", "gw-secret-token-1234", "wxyz", "wxy ", "abcd", "sk-endpoint-key-000",
                "sk-ant-api03-" + "x".repeat(40), "sk-ant-short ", "cp-" + "0123456789abcdef".repeat(4),
                "cp-" + "0123456789abcdef".repeat(3), "xcp-" + "a".repeat(64), " sk-", "\"model\":\"x\", ", "c", "s"};
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(12);
            for (int i = 0; i < n; i++) {
                sb.append(parts[random.nextInt(parts.length)]).append(random.nextBoolean() ? " " : "\"");
            }
            byte[] body = b(sb.toString());
            assertEquals(s(reference(r, body)), s(r.bytes(body)), "body: " + sb);
            // glued together (a shape may then run into a secret and mask it with itself): no secret is left
            StringBuilder glued = new StringBuilder();
            for (int i = 0; i < n; i++) {
                glued.append(parts[random.nextInt(parts.length)]);
            }
            byte[] out = r.bytes(b(glued.toString()));
            for (String secret : secrets) {
                Assertions.assertFalse(s(out).contains(secret), "body: " + glued);
            }
        }
        // a secret inside a token shape: the separate passes cut the token into visible pieces, one pass masks it whole
        String token = "cp-" + "0123456789abcdef".repeat(4);
        assertEquals("[redacted] x", s(Redactor.of(List.of("abcd")).bytes(b(token + " x"))));
    }

    /** The former algorithm: every secret (longest first) replaced everywhere, then the shape pass. */
    private static byte[] reference(Redactor r, byte[] body) {
        byte[] out = body;
        for (String secret : r.secrets()) {
            out = b(s(out).replace(secret, Redactor.MASK));
        }
        return Redactor.Shapes.mask(out, false);
    }
}
