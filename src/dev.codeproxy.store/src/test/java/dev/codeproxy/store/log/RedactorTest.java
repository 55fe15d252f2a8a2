package dev.codeproxy.store.log;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        String token = dev.codeproxy.core.Secrets.newToken("cp-");
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
}
