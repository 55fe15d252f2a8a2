package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.LogHealthDto;
import dev.codeproxy.store.log.LogHealth;
import dev.codeproxy.store.log.RequestLog;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /_/api/log-health}: is the request log writing; the dashboard shows a banner while it is not. */
public final class LogHealthResource implements HttpService {
    private final RequestLog log;

    /** @param log the request log; null when the server runs without one (always healthy then) */
    public LogHealthResource(RequestLog log) {
        this.log = log;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/log-health", Api.guard(this::health));
    }

    private void health(ServerRequest req, ServerResponse res) {
        if (log == null) {
            Api.ok(res, new LogHealthDto(false, null, null, 0, 0));
            return;
        }
        LogHealth h = log.health();
        Api.ok(res, new LogHealthDto(h.failing(), h.reason(), h.failing() ? h.since() : null, h.waiting(), h.dropped()));
    }
}
