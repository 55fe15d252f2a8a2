package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.admin.api.dto.UsageDtos;
import dev.codeproxy.store.usage.Block;
import dev.codeproxy.store.usage.ModelUsage;
import dev.codeproxy.store.usage.PeriodUsage;
import dev.codeproxy.store.usage.SessionRequest;
import dev.codeproxy.store.usage.SessionUsage;
import dev.codeproxy.store.usage.UsageQueries;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code /_/api/usage}: Claude Code sessions ({@code sessions?limit=}, {@code sessions/{id}} with
 * its timeline) and the reports of {@code code-proxy usage} ({@code daily}, {@code monthly},
 * {@code blocks}, each with {@code since} and {@code until} days). Read from the session and usage
 * tables, so they cover requests the log has pruned (a session's timeline only what it still holds).
 */
public final class UsageResource implements HttpService {
    /** A session with a request this recent counts as active (the page updates it live). */
    public static final long ACTIVE_MS = 5 * 60_000L;
    static final int TIMELINE_MAX = 500;

    private final UsageQueries usage;
    private final Clock clock;

    public UsageResource(UsageQueries usage, Clock clock) {
        this.usage = usage;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/usage/sessions", Api.guard(this::sessions))
                .get("/usage/sessions/{id}", Api.guard(this::session))
                .get("/usage/daily", Api.guard((req, res) -> Api.ok(res, periods("day",
                        usage.daily(day(req, "since"), day(req, "until"))))))
                .get("/usage/monthly", Api.guard((req, res) -> Api.ok(res, periods("month",
                        usage.monthly(day(req, "since"), day(req, "until"))))))
                .get("/usage/blocks", Api.guard(this::blocks));
    }

    private void sessions(ServerRequest req, ServerResponse res) {
        String l = Api.query(req, "limit");
        int limit = 200;
        if (l != null) {
            try {
                limit = Integer.parseInt(l.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 5000) {
                throw ApiException.invalid("limit", "'" + Api.clip(l) + "' is not accepted; expected 1 to 5000");
            }
        }
        long now = clock.millis();
        Api.ok(res, new UsageDtos.Sessions(usage.recentSessions(limit).stream().map(s -> view(s, now)).toList(),
                ACTIVE_MS));
    }

    private void session(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        SessionUsage s = usage.session(id).orElseThrow(() -> ApiException.notFound("no session '" + Api.clip(id)
                + "' in the usage tables"));
        List<UsageDtos.TimelineRow> rows = usage.timeline(id, TIMELINE_MAX).stream().map(UsageResource::row).toList();
        Api.ok(res, new UsageDtos.SessionDetail(view(s, clock.millis()), rows));
    }

    private void blocks(ServerRequest req, ServerResponse res) {
        List<UsageDtos.Block> out = usage.blocks(day(req, "since"), day(req, "until")).stream().map(b ->
                new UsageDtos.Block(b.start(), b.end(), b.firstAt(), b.lastAt(), b.active(), b.requests(),
                        Shared.Tokens.of(b.tokens()), b.costMicros(), b.models(),
                        b.burn() == null ? null : b.burn().tokensPerMinute(),
                        b.burn() == null ? null : b.burn().costMicrosPerHour(),
                        b.projection() == null ? null : b.projection().totalTokens(),
                        b.projection() == null ? null : b.projection().costMicros(),
                        b.projection() == null ? null : b.projection().remainingMinutes())).toList();
        Api.ok(res, new UsageDtos.Blocks(out));
    }

    static UsageDtos.Session view(SessionUsage s, long now) {
        return new UsageDtos.Session(s.sessionId(), s.project(), s.firstAt(), s.lastAt(),
                Math.max(0, s.lastAt() - s.firstAt()), now - s.lastAt() < ACTIVE_MS, s.requests(), s.errors(),
                s.failedOver(), Shared.Tokens.of(s.tokens()), s.costMicros(), s.unpriced(), s.cacheHitRatio(),
                s.endpoints(), s.lastEndpoint(), s.endpointSwitches(), s.failoverCacheWriteTokens(),
                s.failoverCostMicros(), models(s.models()));
    }

    private static UsageDtos.TimelineRow row(SessionRequest r) {
        return new UsageDtos.TimelineRow(r.id(), r.startedAt(), r.model(), r.endpoint(), r.status(), r.outcome(),
                r.attempts(), r.totalMs(), Shared.Tokens.of(r.tokens()), r.costMicros(), r.switched());
    }

    private static UsageDtos.Periods periods(String by, List<PeriodUsage> list) {
        return new UsageDtos.Periods(by, list.stream().map(p -> new UsageDtos.Period(p.period(), p.requests(),
                Shared.Tokens.of(p.tokens()), p.costMicros(), models(p.models()))).toList());
    }

    private static List<UsageDtos.ModelRow> models(List<ModelUsage> models) {
        return models.stream().map(m -> new UsageDtos.ModelRow(m.model(), m.requests(), Shared.Tokens.of(m.tokens()),
                m.costMicros())).toList();
    }

    private static LocalDate day(ServerRequest req, String name) {
        String v = Api.query(req, name);
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name, "'" + Api.clip(v) + "' is not accepted; expected a day YYYY-MM-DD");
        }
    }
}
