package dev.codeproxy.admin.security;

import dev.codeproxy.core.secret.Secrets;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

/**
 * The admin credentials: the admin token (for scripts, as {@code authorization: Bearer}) and the
 * browser sessions it can open (through a single-use {@link LoginCodes login code}, never the
 * token itself). Rotating the token ends every session.
 */
public final class AdminAuth {
    /** Name of the session cookie (HttpOnly, SameSite=Strict, path /). */
    public static final String COOKIE = "cp_session";

    /** How a request presented itself. */
    public enum Credential {
        /** nothing presented */
        NONE,
        /** {@code authorization: Bearer} with the admin token */
        BEARER,
        /** a live session cookie */
        COOKIE,
        /** a bearer token that is not the admin token (counted as a failed login) */
        BAD_BEARER,
        /** a session cookie that names no live session (logged out, expired or ended) */
        BAD_COOKIE;

        public boolean ok() {
            return this == BEARER || this == COOKIE;
        }
    }

    private volatile String token;
    private final SessionStore sessions;
    private final LoginCodes codes;

    public AdminAuth(String token, SessionStore sessions, LoginCodes codes) {
        check(token);
        this.token = token;
        this.sessions = sessions;
        this.codes = codes;
    }

    public boolean tokenMatches(String candidate) {
        return Secrets.equalsConstantTime(candidate, token);
    }

    public SessionStore sessions() {
        return sessions;
    }

    public LoginCodes codes() {
        return codes;
    }

    /** Switches to a new admin token and ends every browser session. */
    public void rotate(String newToken) {
        check(newToken);
        token = newToken;
        sessions.revokeAll();
    }

    /** The {@code Set-Cookie} value that carries a new session. */
    public static String sessionCookie(String sessionId, boolean secure) {
        return COOKIE + "=" + sessionId + "; Path=/; Max-Age=" + SessionStore.cookieMaxAgeSeconds()
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The {@code Set-Cookie} value that makes a browser forget its session. */
    public static String expiredCookie() {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
    }

    /** A bearer header wins over a cookie (a script with the token is not a browser session). */
    public Credential credential(Headers headers) {
        String bearer = bearer(headers);
        if (bearer != null) {
            return tokenMatches(bearer) ? Credential.BEARER : Credential.BAD_BEARER;
        }
        String cookie = sessionId(headers);
        if (cookie != null) {
            return sessions.touch(cookie) ? Credential.COOKIE : Credential.BAD_COOKIE;
        }
        return Credential.NONE;
    }

    /** The session cookie's value, or null. */
    public static String sessionId(Headers headers) {
        return cookie(headers, COOKIE);
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

    private static void check(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("admin token is empty");
        }
    }

    @Override
    public String toString() {
        return "AdminAuth[token " + Secrets.mask(token) + "]";
    }
}
