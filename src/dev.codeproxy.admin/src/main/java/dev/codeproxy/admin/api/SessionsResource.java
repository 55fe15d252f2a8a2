package dev.codeproxy.admin.api;

import dev.codeproxy.admin.ServerControl;
import dev.codeproxy.admin.api.dto.SessionDtos;
import dev.codeproxy.admin.security.AdminAuth;
import dev.codeproxy.admin.security.LoginCodes;
import dev.codeproxy.admin.security.SessionStore;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who is logged in and how to get in:
 * <ul>
 *   <li>{@code GET /sessions}: the live dashboard sessions; {@code DELETE /sessions/{handle}} ends
 *       one; {@code POST /sessions/revoke-all} ends them all ("log out everywhere").</li>
 *   <li>{@code POST /login-codes}: a new single-use login link (what {@code code-proxy login}
 *       prints).</li>
 *   <li>{@code POST /admin-token/rotate}: a new admin token, written to the data directory's
 *       {@code admin-token} file (never into the response); every session ends.</li>
 * </ul>
 */
public final class SessionsResource implements HttpService {
    private final AdminAuth auth;
    private final ServerControl server;

    public SessionsResource(AdminAuth auth, ServerControl server) {
        this.auth = auth;
        this.server = server;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/sessions", Api.guard(this::list))
                .post("/sessions/revoke-all", Api.guard(this::revokeAll))
                .delete("/sessions/{handle}", Api.guard(this::revoke))
                .post("/login-codes", Api.guard(this::loginCode))
                .post("/admin-token/rotate", Api.guard(this::rotate));
    }

    private void list(ServerRequest req, ServerResponse res) {
        String current = auth.sessions().handleOf(AdminAuth.sessionId(req.headers()));
        List<SessionDtos.View> out = new ArrayList<>();
        for (SessionStore.Info i : auth.sessions().list()) {
            out.add(new SessionDtos.View(i.handle(), i.createdAt(), i.lastSeenAt(), i.expiresAt(), i.remote(),
                    i.userAgent(), i.handle().equals(current)));
        }
        Api.ok(res, new SessionDtos.ListView(out, SessionStore.IDLE_MS, SessionStore.ABSOLUTE_MS));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        String handle = req.path().pathParameters().first("handle").orElse("");
        if (!auth.sessions().revokeHandle(handle)) {
            throw ApiException.notFound("no live session '" + Api.clip(handle) + "'");
        }
        Api.noContent(res);
    }

    private void revokeAll(ServerRequest req, ServerResponse res) {
        Api.ok(res, new SessionDtos.Revoked(auth.sessions().revokeAll()));
    }

    private void loginCode(ServerRequest req, ServerResponse res) {
        Api.send(res, 201, new SessionDtos.LoginLink(server.url() + "/_/login?code=" + auth.codes().issue(),
                LoginCodes.TTL_MS / 1000));
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        String file;
        int ended = auth.sessions().list().size();
        try {
            ServerControl.RotatedToken t = server.rotateAdminToken();
            auth.rotate(t.token());
            file = t.file();
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage(), Map.of());
        }
        Api.ok(res, new SessionDtos.Rotated(file, ended));
    }
}
