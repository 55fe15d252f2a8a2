package dev.codeproxy.admin.security;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /_/login?token=...}: the one-time link Code Proxy prints at start. A right token sets
 * the session cookie and redirects (303) to the dashboard; a wrong one counts as a failed login.
 * {@code POST /_/logout} drops the cookie.
 */
public final class LoginService implements HttpService {
    private final AdminAuth auth;
    private final LoginLimiter limiter;

    public LoginService(AdminAuth auth, LoginLimiter limiter) {
        this.auth = auth;
        this.limiter = limiter;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/_/login", this::login)
                .post("/_/logout", this::logout);
    }

    private void login(ServerRequest req, ServerResponse res) {
        String token = req.query().first("token").orElse(null);
        noStore(res);
        if (token == null || token.isBlank()) {
            page(res, Status.BAD_REQUEST_400, "This login link has no token. Open the link Code Proxy printed when it "
                    + "started (it ends with ?token=...).");
            return;
        }
        if (!auth.tokenMatches(token.strip())) {
            limiter.failed(SecurityFilter.remote(req.remotePeer().address()));
            page(res, Status.UNAUTHORIZED_401, "This login link is not valid (the admin token is wrong or has changed). "
                    + "Open the link Code Proxy printed when it started.");
            return;
        }
        res.header(HeaderNames.SET_COOKIE, auth.sessionCookie());
        res.header(HeaderNames.LOCATION, "/");
        res.status(Status.SEE_OTHER_303).send();
    }

    private void logout(ServerRequest req, ServerResponse res) {
        noStore(res);
        res.header(HeaderNames.SET_COOKIE, AdminAuth.expiredCookie());
        res.status(Status.NO_CONTENT_204).send();
    }

    private static void noStore(ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        // the link carries the token: never pass it on as a referrer
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
    }

    private static void page(ServerResponse res, Status status, String message) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.create("Content-Security-Policy"), "default-src 'none'");
        res.send("<!doctype html><meta charset=utf-8><title>Code Proxy</title><p>" + message + "</p>\n");
    }
}
