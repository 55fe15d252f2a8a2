package dev.codeproxy.admin.security;

import dev.codeproxy.core.ApiError;
import dev.codeproxy.core.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Who may reach which path, decided in one place for HTTP requests and WebSocket upgrades alike:
 * <ol>
 *   <li>every path: the {@code Host} must be one of ours ({@link HostCheck}), else 403;</li>
 *   <li>{@code /_/login}: refused (429) while the address has too many failed logins;</li>
 *   <li>{@code /_/...} (API, live events): the admin token as {@code authorization: Bearer} or the
 *       session cookie, else 401; a wrong bearer token counts as a failed login;</li>
 *   <li>{@code /_/...} state-changing methods and WebSocket upgrades: an {@code Origin} equal to
 *       the request's own origin; a bearer-authenticated request may omit it (a script, not a
 *       browser), but one that is present must match;</li>
 *   <li>{@code /observe/metrics}: the admin token unless the listener is on loopback.</li>
 * </ol>
 * {@code /v1/...} (client tokens, checked by the proxy) and {@code /observe/health} get only the
 * Host check. Errors on {@code /v1/...} use the Anthropic envelope, elsewhere {@code {"error": ...}}.
 */
public final class AccessPolicy {
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    /**
     * The verdict. {@code status} 0 means go on.
     *
     * @param retryAfter seconds for a {@code retry-after} header, 0 for none
     * @param credential how the request authenticated (for the handlers), NONE when it needed not
     */
    public record Decision(int status, String contentType, String body, long retryAfter,
                           AdminAuth.Credential credential) {
        public boolean allowed() {
            return status == 0;
        }

        static Decision allow(AdminAuth.Credential c) {
            return new Decision(0, null, null, 0, c);
        }
    }

    private final HostCheck hosts;
    private final AdminAuth auth;
    private final LoginLimiter limiter;
    private final BooleanSupplier loopback;

    public AccessPolicy(HostCheck hosts, AdminAuth auth, LoginLimiter limiter, BooleanSupplier loopback) {
        this.hosts = hosts;
        this.auth = auth;
        this.limiter = limiter;
        this.loopback = loopback;
    }

    public AdminAuth auth() {
        return auth;
    }

    public LoginLimiter limiter() {
        return limiter;
    }

    /**
     * @param remote    the client's address (for the failed-login limit), null when unknown
     * @param upgrade   a WebSocket upgrade request
     */
    public Decision check(String method, String rawPath, Headers headers, String remote, boolean secure,
                          boolean upgrade) {
        String path = normalize(rawPath);
        boolean proxyPath = path.equals("/v1") || path.startsWith("/v1/");
        String host = headers.contains(HeaderNames.HOST) ? headers.get(HeaderNames.HOST).get() : null;
        String hostProblem = hosts.problem(host);
        if (hostProblem != null) {
            return proxyPath ? anthropic(ApiError.permission(hostProblem)) : json(403, hostProblem);
        }
        if (path.equals("/_/login")) {
            long wait = remote == null ? 0 : limiter.retryAfterSeconds(remote);
            return wait > 0 ? tooMany(wait) : Decision.allow(AdminAuth.Credential.NONE);
        }
        boolean admin = path.equals("/_") || path.startsWith("/_/");
        boolean metrics = path.equals("/observe/metrics") || path.startsWith("/observe/metrics/");
        if (!admin && !(metrics && !loopback.getAsBoolean())) {
            return Decision.allow(AdminAuth.Credential.NONE);
        }
        if (path.equals("/_/logout")) {
            return originProblem(method, headers, secure, upgrade, AdminAuth.Credential.COOKIE) ? crossOrigin()
                    : Decision.allow(AdminAuth.Credential.NONE);
        }
        long wait = remote == null ? 0 : limiter.retryAfterSeconds(remote);
        AdminAuth.Credential c = auth.credential(headers);
        if (c == AdminAuth.Credential.BAD_BEARER && remote != null) {
            limiter.failed(remote);
        }
        if (wait > 0 && c != AdminAuth.Credential.COOKIE) {
            return tooMany(wait);
        }
        if (!c.ok()) {
            return json(401, switch (c) {
                case BAD_BEARER -> "the bearer token is not the admin token";
                case BAD_COOKIE -> "the session cookie is no longer valid (the admin token changed); open the login "
                        + "link Code Proxy printed at start";
                default -> "admin token required: send authorization: Bearer <admin token> (file admin-token in the "
                        + "data directory, or CODE_PROXY_ADMIN_TOKEN), or open the login link Code Proxy printed at start";
            });
        }
        if (!metrics && originProblem(method, headers, secure, upgrade, c)) {
            return crossOrigin();
        }
        return Decision.allow(c);
    }

    private static boolean originProblem(String method, Headers headers, boolean secure, boolean upgrade,
                                         AdminAuth.Credential c) {
        boolean changing = upgrade || STATE_CHANGING.contains(method.toUpperCase(Locale.ROOT));
        if (!changing) {
            return false;
        }
        String origin = headers.contains(HeaderNames.ORIGIN) ? headers.get(HeaderNames.ORIGIN).get() : null;
        if (origin == null) {
            return c != AdminAuth.Credential.BEARER;
        }
        String host = headers.contains(HeaderNames.HOST) ? headers.get(HeaderNames.HOST).get() : null;
        return !OriginCheck.sameOrigin(origin, host, secure);
    }

    /** Collapses repeated slashes so a prefix test cannot be dodged with {@code //_/api}. */
    static String normalize(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        String p = path;
        while (p.contains("//")) {
            p = p.replace("//", "/");
        }
        return p;
    }

    private static Decision crossOrigin() {
        return json(403, "cross-origin request refused: a request that changes something (or opens the live "
                + "channel) must carry an Origin header equal to this server's own origin");
    }

    private static Decision tooMany(long wait) {
        return new Decision(429, "application/json", "{\"error\":\"too many failed admin logins from this address; try "
                + "again in " + wait + " s\",\"fields\":{}}", wait, AdminAuth.Credential.NONE);
    }

    private static Decision json(int status, String message) {
        return new Decision(status, "application/json", "{\"error\":\"" + Json.escape(message) + "\",\"fields\":{}}", 0,
                AdminAuth.Credential.NONE);
    }

    private static Decision anthropic(ApiError e) {
        return new Decision(e.status(), "application/json", e.json(), 0, AdminAuth.Credential.NONE);
    }
}
