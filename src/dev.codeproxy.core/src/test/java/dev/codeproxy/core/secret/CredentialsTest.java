package dev.codeproxy.core.secret;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The credential-name rule on headers, queries and matrix parameters. */
class CredentialsTest {
    @Test
    void namesAreCredentialsByRuleInAnyCase() {
        for (String name : List.of("authorization", "x-api-key", "anthropic-api-key", "api-key", "x-goog-api-key",
                "X-My-Gateway-Token", "X-CUSTOM-SECRET", "cookie", "Set-Cookie", "proxy-authorization",
                "x-amz-security-token", "x-amz-signature", "X-Amz-Credential", "db_password", "x-claude-code-session-id",
                "access_token", "apiKey", "KEY", "www-authenticate", "idempotency-key")) {
            assertTrue(Credentials.isCredentialName(name), name);
        }
        for (String name : List.of("anthropic-beta", "content-type", "anthropic-version", "user-agent", "x-app",
                "accept-encoding", "x-stainless-retry-count", "keep-alive", "request-id", "retry-after", "beta", "",
                "x-forwarded-for")) {
            assertFalse(Credentials.isCredentialName(name), name);
        }
        assertFalse(Credentials.isCredentialName(null));
    }

    @Test
    void headersAreMaskedMergedAndLowerCased() {
        Map<String, List<String>> in = new LinkedHashMap<>();
        in.put("Anthropic-Api-Key", List.of("sk-live-1"));
        in.put("anthropic-api-key", List.of("sk-live-2"));
        in.put("anthropic-beta", List.of("claude-code-20250219,context-1m-2025-08-07"));
        in.put("Content-Type", List.of("application/json"));
        in.put("anthropic-ratelimit-input-tokens-remaining", List.of("39000"));
        in.put("anthropic-ratelimit-tokens-reset", List.of("2026-11-26T12:00:01Z"));
        in.put("anthropic-ratelimit-token", List.of("not-a-number-secret"));
        Map<String, List<String>> out = Credentials.headers(in);
        assertEquals(List.of("[redacted]", "[redacted]"), out.get("anthropic-api-key"));
        assertEquals(List.of("claude-code-20250219,context-1m-2025-08-07"), out.get("anthropic-beta"));
        assertEquals(List.of("application/json"), out.get("content-type"));
        assertEquals(List.of("39000"), out.get("anthropic-ratelimit-input-tokens-remaining"));
        assertEquals(List.of("2026-11-26T12:00:01Z"), out.get("anthropic-ratelimit-tokens-reset"));
        assertEquals(List.of("[redacted]"), out.get("anthropic-ratelimit-token"), "only counts and times are kept");
        assertEquals("sk-live-1", in.get("Anthropic-Api-Key").getFirst(), "the argument is not changed");
    }

    @Test
    void queryParametersAreMaskedByNameEvenWhenEncoded() {
        assertEquals("beta=true&key=[redacted]", Credentials.query("beta=true&key=AIzaSyA-secret"));
        assertEquals("access_token=[redacted]&x=1", Credentials.query("access_token=abc&x=1"));
        assertEquals("API_KEY=[redacted];Token=[redacted]", Credentials.query("API_KEY=a;Token=b"));
        assertEquals("%6Bey=[redacted]", Credentials.query("%6Bey=s3cret"));
        assertEquals("%256B%2565y=[redacted]", Credentials.query("%256B%2565y=s3cret"), "encoded twice");
        assertEquals("my+session=[redacted]", Credentials.query("my+session=s"));
        assertEquals("key=[redacted]&key=[redacted]", Credentials.query("key=1&key=2"));
        assertEquals("key=[redacted]", Credentials.query("key="), "an empty value is masked too");
        assertEquals("beta=true&flag&x=%ZZ", Credentials.query("beta=true&flag&x=%ZZ"));
        assertEquals("key", Credentials.query("key"), "a name without a value has nothing to mask");
        assertEquals("a=key%3Dvalue", Credentials.query("a=key%3Dvalue"), "an encoded = is part of a value");
        assertEquals("&&key=[redacted]&", Credentials.query("&&key=x&"));
        assertNull(Credentials.query(null));
        assertEquals("", Credentials.query(""));
    }

    @Test
    void matrixParametersAndTargetsAreMasked() {
        assertEquals("/v1/messages", Credentials.path("/v1/messages"));
        assertEquals("/v1;token=[redacted]/messages;a=1;apikey=[redacted]",
                Credentials.path("/v1;token=abc/messages;a=1;apikey=def"));
        assertEquals("/v1/messages?beta=true&key=[redacted]", Credentials.target("/v1/messages?beta=true&key=k"));
        assertEquals("/x;session=[redacted]?auth=[redacted]", Credentials.target("/x;session=s?auth=a"));
        assertEquals("/a/", Credentials.path("/a/"));
        assertNull(Credentials.target(null));
    }
}
