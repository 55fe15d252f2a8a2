package dev.codeproxy.admin.security;

import dev.codeproxy.core.Secrets;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The admin token and the session cookie derived from it. The cookie's value is an HMAC of a fixed
 * string keyed by the token, so the browser never holds the token itself, a cookie cannot be
 * forged without it, and a new token invalidates every cookie.
 */
public final class AdminAuth {
    /** Name of the session cookie (HttpOnly, SameSite=Strict, path /). */
    public static final String COOKIE = "cp_session";
    /** How long a browser keeps the session: 30 days. */
    public static final long COOKIE_MAX_AGE_SECONDS = 30L * 24 * 3600;
    private static final String COOKIE_PURPOSE = "code-proxy admin session v1";

    /** How a request presented itself. */
    public enum Credential {
        /** nothing presented */
        NONE,
        /** {@code authorization: Bearer} with the admin token */
        BEARER,
        /** the session cookie */
        COOKIE,
        /** a bearer token that is not the admin token (counted as a failed login) */
        BAD_BEARER,
        /** a session cookie that is not this token's (e.g. from an earlier admin token) */
        BAD_COOKIE;

        public boolean ok() {
            return this == BEARER || this == COOKIE;
        }
    }

    private final String token;
    private final String cookieValue;

    public AdminAuth(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("admin token is empty");
        }
        this.token = token;
        this.cookieValue = hmac(token, COOKIE_PURPOSE);
    }

    public boolean tokenMatches(String candidate) {
        return Secrets.equalsConstantTime(candidate, token);
    }

    /** The session cookie's value for this token. */
    public String cookieValue() {
        return cookieValue;
    }

    /** The {@code Set-Cookie} value that logs a browser in. */
    public String sessionCookie() {
        return COOKIE + "=" + cookieValue + "; Path=/; Max-Age=" + COOKIE_MAX_AGE_SECONDS + "; HttpOnly; SameSite=Strict";
    }

    /** The {@code Set-Cookie} value that logs a browser out. */
    public static String expiredCookie() {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
    }

    /** A bearer header wins over a cookie (a script with the token is not a browser session). */
    public Credential credential(Headers headers) {
        String bearer = bearer(headers);
        if (bearer != null) {
            return tokenMatches(bearer) ? Credential.BEARER : Credential.BAD_BEARER;
        }
        String cookie = cookie(headers, COOKIE);
        if (cookie != null) {
            return Secrets.equalsConstantTime(cookie, cookieValue) ? Credential.COOKIE : Credential.BAD_COOKIE;
        }
        return Credential.NONE;
    }

    static String bearer(Headers headers) {
        if (!headers.contains(HeaderNames.AUTHORIZATION)) {
            return null;
        }
        String v = headers.get(HeaderNames.AUTHORIZATION).get().strip();
        return v.regionMatches(true, 0, "Bearer ", 0, 7) ? v.substring(7).strip() : null;
    }

    /** The value of one cookie from every {@code Cookie} header, or null. */
    static String cookie(Headers headers, String name) {
        if (!headers.contains(HeaderNames.COOKIE)) {
            return null;
        }
        for (String line : headers.get(HeaderNames.COOKIE).allValues()) {
            for (String part : line.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                    String v = part.substring(eq + 1).strip();
                    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
                }
            }
        }
        return null;
    }

    private static String hmac(String key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "AdminAuth[token " + Secrets.mask(token) + "]";
    }
}
