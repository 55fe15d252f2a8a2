package dev.codeproxy.admin.security;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /_/login?code=...}: the link Code Proxy prints at start (and {@code code-proxy login}
 * prints on demand). A single-use code of at most two minutes' validity opens a new server-side
 * session: the cookie is set and the browser is sent (303) to the dashboard. A wrong, used or
 * expired code counts as a failed login. The admin token is never accepted here: it belongs in
 * an {@code authorization} header, not in a URL that lands in histories and logs.
 * {@code POST /_/logout} ends this browser's session.
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
        String code = req.query().first("code").orElse(null);
        noStore(res);
        if (code == null || code.isBlank()) {
            page(res, Status.BAD_REQUEST_400, "This login link has no code. Open the link Code Proxy printed when it "
                    + "started, or run <code>code-proxy login</code> for a new one (links end with ?code=... and "
                    + "work once, within two minutes).");
            return;
        }
        if (!auth.codes().redeem(code)) {
            limiter.failed(SecurityFilter.remote(req.remotePeer().address()));
            page(res, Status.UNAUTHORIZED_401, "This login link is not valid: it was used already, is older than two "
                    + "minutes, or is wrong. Run <code>code-proxy login</code> for a new one.");
            return;
        }
        String ua = req.headers().first(HeaderNames.USER_AGENT).orElse("");
        String id = auth.sessions().create(SecurityFilter.remote(req.remotePeer().address()), ua);
        res.header(HeaderNames.SET_COOKIE, AdminAuth.sessionCookie(id, req.isSecure()));
        res.header(HeaderNames.LOCATION, "/");
        res.status(Status.SEE_OTHER_303).send();
    }

    private void logout(ServerRequest req, ServerResponse res) {
        noStore(res);
        auth.sessions().revoke(AdminAuth.sessionId(req.headers()));
        res.header(HeaderNames.SET_COOKIE, AdminAuth.expiredCookie());
        res.status(Status.NO_CONTENT_204).send();
    }

    private static void noStore(ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        // the link carries a code: never pass it on as a referrer
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
    }

    private static void page(ServerResponse res, Status status, String message) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.create("Content-Security-Policy"), "default-src 'none'");
        res.send("<!doctype html><meta charset=utf-8><title>Code Proxy</title><p>" + message + "</p>\n");
    }
}
