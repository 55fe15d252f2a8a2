package dev.codeproxy.admin.security;

import dev.codeproxy.core.wire.ApiError;
import dev.codeproxy.core.wire.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Who may reach which path, decided in one place for HTTP requests and WebSocket upgrades alike,
 * on the path the router matches: Helidon routes on the request target percent-decoded, with
 * matrix parameters stripped and dot segments and doubled slashes resolved, so the decision is
 * made on exactly that path, never on the raw target.
 * <ol>
 *   <li>every path: the {@code Host} must be one of ours ({@link HostCheck}), else 403;</li>
 *   <li>every path outside {@code /v1}: the raw target must already be in normal form (equal to
 *       the routed path: no percent-encoding, matrix parameters, dot segments, doubled slashes or
 *       absolute form), else 400 — {@code /_;/api}, {@code /%5F/api}, {@code /a/../_/api} and
 *       {@code http://host/_/api} are refused before anything else looks at them;</li>
 *   <li>{@code /_/login}: refused (429) while the address has too many failed logins;</li>
 *   <li>{@code /_/...} (API, live events): the admin token as {@code authorization: Bearer} or a
 *       live session cookie, else 401; a wrong bearer token counts as a failed login;</li>
 *   <li>{@code /_/...} state-changing methods and WebSocket upgrades: an {@code Origin} equal to
 *       the request's own origin; a bearer-authenticated request may omit it (a script, not a
 *       browser), but one that is present must match;</li>
 *   <li>{@code /_/...} state-changing methods: a body only as {@code application/json}, else 415
 *       (a cross-site page can send {@code text/plain} without a preflight, never JSON);</li>
 *   <li>{@code /observe/metrics}: the admin token unless the listener is on loopback.</li>
 *   <li>{@code /_/statusline}: a client token, checked by its handler like {@code /v1} (Claude
 *       Code's status line command holds only that).</li>
 * </ol>
 * {@code /v1/...} (client tokens, checked by the proxy) and {@code /observe/health} get only the
 * Host check. Errors on {@code /v1/...} use the Anthropic envelope, elsewhere {@code {"error": ...}}.
 * The admin routes check the credential again themselves ({@link #verify}), so a filter that
 * did not run opens nothing.
 */
public final class AccessPolicy {
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** Opened by a client token (its handler checks it), not the admin credential. */
    static final String STATUSLINE = "/_/statusline";

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
     * @param rawPath   the request target's path as sent (percent-encoded, with any matrix parameters)
     * @param path      the path the router matches (Helidon's {@code UriPath.path()})
     * @param remote    the client's address (for the failed-login limit), null when unknown
     * @param upgrade   a WebSocket upgrade request
     */
    public Decision check(String method, String rawPath, String path, Headers headers, String remote, boolean secure,
                          boolean upgrade) {
        boolean proxyPath = path != null && isProxyPath(path);
        String host = headers.contains(HeaderNames.HOST) ? headers.get(HeaderNames.HOST).get() : null;
        String hostProblem = hosts.problem(host);
        if (hostProblem != null) {
            return proxyPath ? anthropic(ApiError.permission(hostProblem)) : json(403, hostProblem);
        }
        if (path == null || !proxyPath && !path.equals(rawPath)) {
            return json(400, "the request target '" + HostCheck.printable(String.valueOf(rawPath)) + "' is not in "
                    + "normal form (it has percent-encoding, matrix parameters, dot segments, doubled slashes or a "
                    + "scheme); Code Proxy accepts only plain paths here"
                    + (path == null ? "" : ", e.g. '" + HostCheck.printable(path) + "'"));
        }
        if (path.equals(STATUSLINE)) {
            return Decision.allow(AdminAuth.Credential.NONE);
        }
        if (path.equals("/_/login")) {
            long wait = remote == null ? 0 : limiter.retryAfterSeconds(remote);
            return wait > 0 ? tooMany(wait) : Decision.allow(AdminAuth.Credential.NONE);
        }
        boolean admin = isAdminPath(path);
        boolean metrics = path.equals("/observe/metrics") || path.startsWith("/observe/metrics/");
        if (!admin && !(metrics && !loopback.getAsBoolean())) {
            return Decision.allow(AdminAuth.Credential.NONE);
        }
        if (path.equals("/_/logout")) {
            if (originProblem(method, headers, secure, upgrade, AdminAuth.Credential.COOKIE)) {
                return crossOrigin();
            }
            String type = contentTypeProblem(method, headers);
            return type != null ? json(415, type) : Decision.allow(AdminAuth.Credential.NONE);
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
            return unauthorized(c);
        }
        if (!metrics && originProblem(method, headers, secure, upgrade, c)) {
            return crossOrigin();
        }
        String type = admin && !upgrade ? contentTypeProblem(method, headers) : null;
        if (type != null) {
            return json(415, type);
        }
        return Decision.allow(c);
    }

    /**
     * The admin routes' own check, independent of the filter: the routed path is in normal form
     * and the request carries the admin token or a live session. Has no side effects on the
     * failed-login limit (the filter counted already).
     */
    public Decision verify(String rawPath, String path, Headers headers) {
        if (path == null || !path.equals(rawPath)) {
            return json(400, "the request target is not in normal form");
        }
        AdminAuth.Credential c = auth.credential(headers);
        return c.ok() ? Decision.allow(c) : unauthorized(c);
    }

    /** {@code /v1} and everything under it: the proxy path, where only client tokens count. */
    public static boolean isProxyPath(String path) {
        return path.equals("/v1") || path.startsWith("/v1/");
    }

    /** {@code /_} and everything under it: the admin API, the live channel, login and logout. */
    public static boolean isAdminPath(String path) {
        return path.equals("/_") || path.startsWith("/_/");
    }

    /**
     * Why a state-changing request's body type is refused, or null. A body must be
     * {@code application/json}; a request without a body may omit the type.
     */
    static String contentTypeProblem(String method, Headers headers) {
        if (!STATE_CHANGING.contains(method.toUpperCase(Locale.ROOT))) {
            return null;
        }
        String type = headers.contains(HeaderNames.CONTENT_TYPE) ? headers.get(HeaderNames.CONTENT_TYPE).get() : null;
        if (type == null) {
            boolean body = headers.contains(HeaderNames.TRANSFER_ENCODING)
                    || headers.contains(HeaderNames.CONTENT_LENGTH)
                    && !headers.get(HeaderNames.CONTENT_LENGTH).get().strip().equals("0");
            return body ? "a request body needs content-type: application/json; this request has a body and no "
                    + "content type" : null;
        }
        String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.equals("application/json") ? null : "content type '" + HostCheck.printable(media)
                + "' is not accepted; admin calls that change something take application/json only";
    }

    private static Decision unauthorized(AdminAuth.Credential c) {
        return json(401, switch (c) {
            case BAD_BEARER -> "the bearer token is not the admin token";
            case BAD_COOKIE -> "the dashboard session has ended (logged out, expired, or ended from Settings); "
                    + "run 'code-proxy login' for a new login link";
            default -> "admin token required: send authorization: Bearer <admin token> (file admin-token in the "
                    + "data directory, or CODE_PROXY_ADMIN_TOKEN), or run 'code-proxy login' for a login link";
        });
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
