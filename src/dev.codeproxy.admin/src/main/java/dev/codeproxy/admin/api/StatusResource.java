package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.StatusDto;
import dev.codeproxy.admin.security.AdminAuth;
import dev.codeproxy.proxy.ProxyService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.Locale;

/** {@code GET /_/api/status}: version, where the server listens, load, and how this request authenticated. */
public final class StatusResource implements HttpService {
    private final Services s;

    public StatusResource(Services services) {
        this.s = services;
    }

    /** When this process started (the dashboard's uptime card). */
    private static final long STARTED = ProcessHandle.current().info().startInstant()
            .map(Instant::toEpochMilli).orElse(System.currentTimeMillis());

    @Override
    public void routing(HttpRules rules) {
        rules.get("/status", Api.guard(this::status));
    }

    private void status(ServerRequest req, ServerResponse res) {
        ProxyService p = s.proxy().get();
        String auth = req.context().get(AdminAuth.Credential.class).map(c -> c.name().toLowerCase(Locale.ROOT))
                .orElse("none");
        Api.ok(res, new StatusDto(s.server().version(), s.server().url(), s.server().host(), s.server().port(),
                s.server().loopback(), p == null ? 0 : p.inFlight(), s.broker().clients(), auth, STARTED,
                System.currentTimeMillis() - STARTED));
    }
}
