package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.admin.api.dto.StatsDtos;
import dev.codeproxy.store.stats.EndpointStats;
import dev.codeproxy.store.stats.HeatmapDay;
import dev.codeproxy.store.stats.Latency;
import dev.codeproxy.store.stats.ModelStats;
import dev.codeproxy.store.stats.RouteStats;
import dev.codeproxy.store.stats.SeriesPoint;
import dev.codeproxy.store.stats.StatsQueries;
import dev.codeproxy.store.stats.StatsRange;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /_/api/stats}: {@code summary?range=today|7d|30d|all}, {@code series?range=&by=hour|day},
 * {@code models?range=}, {@code endpoints?range=} (with each endpoint's breaker state),
 * {@code heatmap?year=} (the last 365 days when no year is given) and {@code years} (the years
 * with data, newest first). Ranges: {@code today}, {@code 24h} (rolling, by hour), {@code 7d},
 * {@code 30d}, {@code month} (the calendar month so far), {@code all}. Read from the aggregates,
 * so they cover requests the log has pruned.
 */
public final class StatsResource implements HttpService {
    private static final long HOUR_MS = 3_600_000L;

    private final Services s;

    public StatsResource(Services services) {
        this.s = services;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/stats/summary", Api.guard(this::summary))
                .get("/stats/series", Api.guard(this::series))
                .get("/stats/models", Api.guard(this::models))
                .get("/stats/endpoints", Api.guard(this::endpoints))
                .get("/stats/heatmap", Api.guard(this::heatmap))
                .get("/stats/routes", Api.guard(this::routes))
                .get("/stats/years", Api.guard((req, res) -> Api.ok(res, new StatsDtos.Years(s.stats().years()))));
    }

    private void summary(ServerRequest req, ServerResponse res) {
        Api.ok(res, Shared.SummaryView.of(s.stats().summary(range(req, StatsRange.TODAY))));
    }

    private void series(ServerRequest req, ServerResponse res) {
        StatsRange range = range(req, StatsRange.TODAY);
        String by = Api.query(req, "by");
        if (by == null) {
            by = range == StatsRange.TODAY || range.hourly() ? "hour" : "day";
        }
        StatsQueries q = s.stats();
        List<SeriesPoint> points;
        switch (by) {
            case "hour" -> {
                long now = s.clock().millis();
                Instant end = Instant.ofEpochMilli(Math.floorDiv(now, HOUR_MS) * HOUR_MS + HOUR_MS);
                Instant start = range == StatsRange.ALL ? end.minusMillis(StatsQueries.MAX_HOURS * HOUR_MS)
                        : range.start(s.clock());
                points = q.hourly(start, end);
            }
            case "day" -> {
                LocalDate today = q.today();
                LocalDate first = range.firstDay(today).orElse(null);
                if (first == null) {
                    // all: the daily series from the first day with data (the store picks it)
                    points = q.series(StatsRange.ALL);
                } else {
                    points = q.daily(first, today);
                }
            }
            default -> throw ApiException.invalid("by", "'" + Api.clip(by) + "' is not accepted; expected hour or day");
        }
        List<StatsDtos.Point> out = new ArrayList<>();
        for (SeriesPoint p : points) {
            out.add(new StatsDtos.Point(p.start().toEpochMilli(), p.requests(), p.errors(), p.failedOver(),
                    Shared.Tokens.of(p.tokens()), p.costMicros()));
        }
        Api.ok(res, new StatsDtos.Series(range.wire(), by, out));
    }

    private void models(ServerRequest req, ServerResponse res) {
        StatsRange range = range(req, StatsRange.TODAY);
        List<StatsDtos.ModelRow> out = new ArrayList<>();
        for (ModelStats m : s.stats().byModel(range)) {
            out.add(new StatsDtos.ModelRow(m.model(), m.sentModel(), m.requests(), m.errors(), m.failedOver(),
                    Shared.Tokens.of(m.tokens()), m.costMicros(), m.unpriced()));
        }
        Api.ok(res, new StatsDtos.Models(range.wire(), out));
    }

    private void routes(ServerRequest req, ServerResponse res) {
        StatsRange range = range(req, StatsRange.TODAY);
        List<StatsDtos.RouteRow> out = new ArrayList<>();
        for (RouteStats r : s.stats().byRoute(range)) {
            out.add(new StatsDtos.RouteRow(r.route(), r.requests(), r.errors(), Shared.Tokens.of(r.tokens()),
                    r.costMicros(), r.unpriced()));
        }
        Api.ok(res, new StatsDtos.Routes(range.wire(), out));
    }

    private void endpoints(ServerRequest req, ServerResponse res) {
        StatsRange range = range(req, StatsRange.TODAY);
        Map<String, Shared.EndpointState> states = new HashMap<>();
        s.endpointStates().forEach(e -> states.put(e.name(), e));
        List<StatsDtos.EndpointRow> out = new ArrayList<>();
        for (EndpointStats e : s.stats().byEndpoint(range)) {
            Shared.EndpointState st = states.get(e.endpoint());
            out.add(new StatsDtos.EndpointRow(e.endpoint(), e.requests(), e.success(), e.failedOver(), e.clientErrors(),
                    e.upstreamErrors(), e.errorRate(), e.attempts(), e.attemptFailures(), e.attemptFailureRate(),
                    latency(e.total()), latency(e.firstToken()), st == null ? "unknown" : st.state(),
                    st == null ? null : st.until()));
        }
        Api.ok(res, new StatsDtos.Endpoints(range.wire(), out));
    }

    private void heatmap(ServerRequest req, ServerResponse res) {
        String y = Api.query(req, "year");
        List<HeatmapDay> days;
        if (y == null) {
            days = s.stats().heatmapYear();
        } else {
            int year;
            try {
                year = Integer.parseInt(y);
            } catch (NumberFormatException e) {
                year = -1;
            }
            if (year < 2000 || year > 2999) {
                throw ApiException.invalid("year", "'" + Api.clip(y) + "' is not accepted; expected a year such as "
                        + s.stats().today().getYear());
            }
            days = s.stats().heatmap(LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31));
        }
        List<StatsDtos.Day> out = new ArrayList<>();
        days.forEach(d -> out.add(new StatsDtos.Day(d.day().toString(), d.tokens(), d.requests(), d.costMicros())));
        Api.ok(res, new StatsDtos.Heatmap(out.isEmpty() ? null : out.getFirst().day(),
                out.isEmpty() ? null : out.getLast().day(), out));
    }

    private static StatsDtos.Latency latency(Latency l) {
        return new StatsDtos.Latency(l.count(), l.mean(), l.p50(), l.p95(), l.p99(), l.max());
    }

    private static StatsRange range(ServerRequest req, StatsRange dflt) {
        String r = Api.query(req, "range");
        if (r == null) {
            return dflt;
        }
        return StatsRange.parse(r).orElseThrow(() -> ApiException.invalid("range", "'" + Api.clip(r)
                + "' is not accepted; expected today, 24h, 7d, 30d, month or all"));
    }
}
