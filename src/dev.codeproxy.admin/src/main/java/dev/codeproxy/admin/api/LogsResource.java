package dev.codeproxy.admin.api;

import dev.codeproxy.admin.api.dto.LogDtos;
import dev.codeproxy.admin.api.dto.Shared;
import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.secret.Credentials;
import dev.codeproxy.store.log.LogDetail;
import dev.codeproxy.store.log.LogEntry;
import dev.codeproxy.store.log.LogFilter;
import dev.codeproxy.store.log.LogPage;
import dev.codeproxy.store.log.LogQueries;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /_/api/logs}: the request log, newest first, filtered
 * ({@code ?status=2xx&outcome=&endpoint=&model=&stream=&from=&to=&q=}) and paged by cursor
 * ({@code ?before=<id>&limit=}); {@code /_/api/logs/{id}} with attempts, headers and bodies.
 * {@code from} / {@code to} are ISO-8601 instants, epoch milliseconds or days (local midnight).
 */
public final class LogsResource implements HttpService {
    /** Page size when none is asked for. */
    public static final int DEFAULT_LIMIT = 50;

    private final Services s;

    public LogsResource(Services services) {
        this.s = services;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/logs", Api.guard(this::list))
                .get("/logs/{id}", Api.guard(this::detail))
                .get("/logs/{id}/request-body", Api.guard(this::rawRequestBody));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Api.Problems p = new Api.Problems();
        LogFilter f = LogFilter.ALL;
        try {
            f = f.withStatusClass(Api.query(req, "status"));
        } catch (IllegalArgumentException e) {
            p.add("status", "'" + Api.query(req, "status") + "' is not accepted; expected 1xx, 2xx, 3xx, 4xx or 5xx");
        }
        try {
            f = f.withOutcome(Api.query(req, "outcome"));
        } catch (IllegalArgumentException e) {
            p.add("outcome", "'" + Api.query(req, "outcome") + "' is not accepted; expected success, failed_over, "
                    + "client_error or upstream_error");
        }
        f = f.withEndpoint(Api.query(req, "endpoint")).withModel(Api.query(req, "model")).withText(Api.query(req, "q"))
                .withRoute(Api.query(req, "route"));
        try {
            String st = Api.query(req, "stream");
            f = f.withStream(st == null ? null : Api.flag(req, "stream", false));
        } catch (ApiException e) {
            p.add("stream", e.fields().getOrDefault("stream", e.getMessage()));
        }
        Instant from = instant(req, "from", p);
        Instant to = instant(req, "to", p);
        f = f.withRange(from, to);
        Long before = number(req, "before", p, 1, Long.MAX_VALUE);
        Long limit = number(req, "limit", p, 1, LogQueries.MAX_LIMIT);
        p.throwIfAny("log query not accepted");
        LogPage page = s.logs().list(f, before, limit == null ? DEFAULT_LIMIT : limit.intValue());
        List<LogDtos.Entry> out = new ArrayList<>();
        page.entries().forEach(e -> out.add(entry(e)));
        Api.ok(res, new LogDtos.Page(out, page.nextBefore()));
    }

    private void detail(ServerRequest req, ServerResponse res) {
        long id = Api.id(req, "request");
        LogDetail d = s.logs().detail(id).orElseThrow(() -> ApiException.notFound("no request " + id
                + " in the log (it may have been pruned by the logRetention setting)"));
        List<LogDtos.Attempt> attempts = new ArrayList<>();
        for (AttemptRecord a : d.attempts()) {
            attempts.add(new LogDtos.Attempt(a.attempt(), a.endpoint(), a.sentModel(), a.outcome(), a.status(),
                    a.startedMs(), a.headersMs(), a.durationMs()));
        }
        // rows are redacted when written; masking again on the way out also covers rows written
        // before the credential rule existed (Credentials: by name, whatever the header)
        Api.ok(res, new LogDtos.Detail(entry(d.entry()), attempts, Credentials.headers(d.requestHeaders()),
                Credentials.headers(d.sentHeaders()), Credentials.headers(d.responseHeaders()),
                Bodies.of(d.requestBody(), d.requestBodyTruncated(), d.requestHeaders()),
                Bodies.of(d.responseBody(), d.responseBodyTruncated(), d.responseHeaders()),
                d.messages() == null ? null : new LogDtos.Messages(d.messages().total(), d.messages().fresh(),
                        d.messages().newIndexes(), d.messages().previousId(), d.messages().changed())));
    }

    /**
     * {@code GET /_/api/logs/{id}/request-body}: the request body byte for byte as stored (as the
     * client sent it, secrets masked), as a download; 404 when none is stored.
     */
    private void rawRequestBody(ServerRequest req, ServerResponse res) {
        long id = Api.id(req, "request");
        LogDetail d = s.logs().detail(id).orElseThrow(() -> ApiException.notFound("no request " + id
                + " in the log (it may have been pruned by the logRetention setting)"));
        if (d.requestBody() == null) {
            throw ApiException.notFound("request " + id + " has no stored body (capture mode, or pruned by the "
                    + "bodyRetention setting)");
        }
        res.headers().set(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        res.headers().set(HeaderNames.create("x-content-type-options"), "nosniff");
        res.headers().set(HeaderNames.CONTENT_DISPOSITION,
                "attachment; filename=\"request-" + id + (d.requestBodyTruncated() ? "-truncated" : "") + ".json\"");
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(d.requestBody());
    }

    static LogDtos.Entry entry(LogEntry e) {
        return new LogDtos.Entry(e.id(), e.startedAtEpochMs(), e.method(), Credentials.path(e.path()),
                emptyToNull(Credentials.query(e.query())), e.model(),
                e.sentModel(), e.stream(), e.status(), e.endpoint(), e.attempts(), e.failedOver(), e.outcome(),
                e.headersMs(), e.firstTokenMs(), e.totalMs(), Shared.Tokens.of(e.tokens()), e.costMicros(), e.priced(),
                emptyToNull(e.error()), e.detailsKept(), emptyToNull(e.route()), emptyToNull(e.instance()));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private Instant instant(ServerRequest req, String name, Api.Problems p) {
        String v = Api.query(req, name);
        if (v == null) {
            return null;
        }
        try {
            if (v.matches("-?[0-9]{1,18}")) {
                return Instant.ofEpochMilli(Long.parseLong(v));
            }
            if (v.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                return LocalDate.parse(v).atStartOfDay(s.clock().getZone()).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeParseException | ArithmeticException e) {
            p.add(name, "'" + Api.clip(v) + "' is not accepted; expected an ISO-8601 instant (2026-01-31T12:00:00Z), "
                    + "a day (2026-01-31) or epoch milliseconds");
            return null;
        }
    }

    private static Long number(ServerRequest req, String name, Api.Problems p, long min, long max) {
        String v = Api.query(req, name);
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        p.add(name, "'" + Api.clip(v) + "' is not accepted; expected an integer from " + min + " to " + max);
        return null;
    }
}
