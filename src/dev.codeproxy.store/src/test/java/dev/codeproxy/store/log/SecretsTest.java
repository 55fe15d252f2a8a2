package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** No stored byte, in any table, holds a key or token the log was told about. */
class SecretsTest {
    static final String KEY = "sk-ant-api03-Zx9QpL2mN8vB4cR7tY1uW6eA3sD5fG0hJ-KlMnOpQrStUvWxYz_0123456789";
    static final String KEY2 = "third-party-key-77f1c0ffee";
    static final String TOKEN = "cp_4f1d9e7a2b6c8d0e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e";
    /** Values no known shape matches and the log was not told about: only the credential-name rule catches them. */
    static final String UNKNOWN_HEADER = "gw-unknown-header-value-8812aa";
    static final String UNKNOWN_QUERY = "qs-unknown-query-value-77cd01";
    static final String UNKNOWN_RESPONSE = "rs-unknown-response-value-3f3f";
    static final List<String> SECRETS = List.of(KEY, KEY2, TOKEN, UNKNOWN_HEADER, UNKNOWN_QUERY, UNKNOWN_RESPONSE);

    @TempDir
    Path dir;

    @Test
    void secretsAppearNowhereInTheDatabase() throws IOException {
        try (TestStore s = new TestStore(dir)) {
            s.secrets.set(SECRETS);
            s.set(Map.of("maxBodyBytes", "4096"));

            Rec inBodies = Rec.of(1).bodies("{\"messages\":[{\"role\":\"user\",\"content\":\"my key is " + KEY
                    + " and again " + KEY + "\"}]}", "{\"echo\":\"" + TOKEN + "\"}");
            Rec inHeaders = Rec.of(2).header("x-custom-auth", "Token " + TOKEN)
                    .header("X-Goog-Api-Key", UNKNOWN_HEADER)
                    .header("anthropic-api-key", UNKNOWN_HEADER)
                    .header("X-My-Gateway-TOKEN", UNKNOWN_HEADER)
                    .header("anthropic-beta", "claude-code-20250219")
                    .header("authorization", "Bearer " + TOKEN) // as if the proxy had not redacted it
                    .header("x-api-key", KEY)
                    .header("cookie", "session=abc")
                    .header("x-forwarded-key", KEY2);
            inHeaders.responseHeaders.put("set-cookie", List.of("sid=xyz; HttpOnly"));
            inHeaders.responseHeaders.put("x-echo", List.of("got " + KEY2));
            inHeaders.responseHeaders.put("X-Upstream-Session", List.of(UNKNOWN_RESPONSE));
            inHeaders.sentHeaders.put("x-api-key", List.of(KEY2));
            Rec inFields = Rec.of(3).status(401, "endpoint rejected key " + KEY2);
            inFields.query = "key=" + KEY + "&Access_Token=" + UNKNOWN_QUERY + "&beta=true";
            inFields.path = "/v1/messages/" + TOKEN;
            inFields.attempts = List.of(new AttemptRecord(1, "anthropic", "claude-sonnet-4-5", "http_401 " + KEY2, 401, 0, 5,
                    6));
            // a body cut in the middle of a key: the remaining beginning of the key must go too
            String filler = "x".repeat(4096 - 30);
            Rec cut = Rec.of(4).bodies(filler + KEY.substring(0, 40), filler + TOKEN.substring(0, 40));
            cut.requestTruncated = true;
            cut.responseTruncated = true;
            Rec capped = Rec.of(6).bodies("y".repeat(5000) + KEY, "ok");
            // long-secret-in-JSON-escapes and a secret in an unknown response header name
            Rec other = Rec.of(5);
            other.responseHeaders.put("x-" + KEY2, List.of("v"));
            s.write(inBodies, inHeaders, inFields, cut, other, capped);

            List<String> found = scanTables(s);
            assertTrue(found.isEmpty(), "secrets stored in: " + found);

            // what is left is still useful
            LogQueries q = new LogQueries(s.db);
            LogDetail d1 = q.detail(1).orElseThrow();
            assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"my key is [redacted] and again [redacted]\"}]}",
                    new String(d1.requestBody(), StandardCharsets.UTF_8));
            LogDetail d2 = q.detail(2).orElseThrow();
            // by name: the whole value, whatever it holds
            assertEquals(List.of("[redacted]"), d2.requestHeaders().get("x-custom-auth"));
            assertEquals(List.of("[redacted]"), d2.requestHeaders().get("x-goog-api-key"));
            assertEquals(List.of("[redacted]"), d2.requestHeaders().get("x-my-gateway-token"));
            assertEquals(List.of("[redacted]"), d2.responseHeaders().get("x-upstream-session"));
            assertEquals(List.of("claude-code-20250219"), d2.requestHeaders().get("anthropic-beta"));
            assertEquals(List.of("[redacted]"), d2.requestHeaders().get("authorization"));
            assertEquals(List.of("[redacted]"), d2.requestHeaders().get("cookie"));
            assertEquals(List.of("[redacted]"), d2.responseHeaders().get("set-cookie"));
            assertEquals(List.of("application/json"), d2.requestHeaders().get("content-type"));
            LogDetail d4 = q.detail(4).orElseThrow();
            assertTrue(d4.requestBodyTruncated());
            String cutBody = new String(d4.requestBody(), StandardCharsets.UTF_8);
            assertTrue(cutBody.endsWith("x[redacted]"), cutBody.substring(cutBody.length() - 40));
            assertFalse(cutBody.contains(KEY.substring(0, 12)));
            String cutResponse = new String(d4.responseBody(), StandardCharsets.UTF_8);
            assertTrue(cutResponse.endsWith("x[redacted]"), "a proxy-truncated body ending in part of a token");
            assertEquals("key=[redacted]&Access_Token=[redacted]&beta=true", q.detail(3).orElseThrow().entry().query());
            LogDetail d6 = q.detail(6).orElseThrow();
            assertTrue(d6.requestBodyTruncated());
            assertEquals("y".repeat(4096), new String(d6.requestBody(), StandardCharsets.UTF_8), "capped at maxBodyBytes");
        }
        // and the raw files: no endpoints are stored here, so no secret may appear anywhere in them
        for (String name : new String[] {"code-proxy.db", "code-proxy.db-wal"}) {
            Path f = dir.resolve(name);
            if (Files.exists(f)) {
                byte[] bytes = Files.readAllBytes(f);
                for (String secret : SECRETS) {
                    assertEquals(-1, Redactor.indexOf(bytes, secret.getBytes(StandardCharsets.UTF_8), 0),
                            "raw " + name + " holds a secret");
                    assertEquals(-1, Redactor.indexOf(bytes, secret.substring(0, 16).getBytes(StandardCharsets.UTF_8), 0),
                            "raw " + name + " holds the start of a secret");
                }
            }
        }
    }

    @Test
    void secretsAreReadLive() {
        try (TestStore s = new TestStore(dir)) {
            s.write(Rec.of(1).bodies("before " + KEY, "x"));
            s.secrets.set(List.of(KEY));
            s.write(Rec.of(2).bodies("after " + KEY, "x"));
            LogQueries q = new LogQueries(s.db);
            assertEquals("after [redacted]", new String(q.detail(2).orElseThrow().requestBody(), StandardCharsets.UTF_8));
        }
    }

    /** Every value of every table but endpoints (which stores keys by design), bodies decompressed too. */
    static List<String> scanTables(TestStore s) {
        List<String> found = new ArrayList<>();
        for (List<Object> t : s.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'endpoints'")) {
            String table = (String) t.get(0);
            int row = 0;
            for (List<Object> values : s.rows("SELECT * FROM \"" + table + "\"")) {
                row++;
                for (Object v : values) {
                    List<byte[]> forms = new ArrayList<>();
                    if (v instanceof byte[] b) {
                        forms.add(b);
                        if (table.equals("request_bodies") || table.equals("request_parts")) {
                            try {
                                forms.add(BodyCodec.decompress(b)); // bodies and parts (layouts and hashes are not zlib)
                            } catch (IllegalStateException notZlib) {
                                // stored as is: scanned above
                            }
                        }
                    } else if (v != null) {
                        forms.add(v.toString().getBytes(StandardCharsets.UTF_8));
                    }
                    for (byte[] f : forms) {
                        for (String secret : SECRETS) {
                            if (Redactor.indexOf(f, secret.getBytes(StandardCharsets.UTF_8), 0) >= 0
                                    || Redactor.indexOf(f, secret.substring(0, 16).getBytes(StandardCharsets.UTF_8), 0) >= 0) {
                                found.add(table + " row " + row + ": " + secret.substring(0, 8) + "...");
                            }
                        }
                    }
                }
            }
        }
        if (s.scalar("SELECT count(*) FROM requests") != 6) {
            fail("expected the 6 requests to be stored");
        }
        return found;
    }
}
