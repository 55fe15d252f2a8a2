package dev.codeproxy.store.log;

import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.Cost;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.secret.Credentials;
import dev.codeproxy.core.session.SessionKeys;
import dev.codeproxy.core.settings.CaptureMode;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.BodySpans;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One {@link RequestRecord} made ready for the database, off the transaction: secrets removed,
 * cost computed, bodies captured per the capture mode, capped and compressed. The write side only;
 * what a query reads back is a {@link LogEntry}, a different shape (no detail, attempts or billing
 * split; {@code detailsKept} instead).
 */
final class LogRow {
    long id;
    final long startedAt;
    final String method;
    final String path;
    final String query;
    final String model;
    final String sentModel;
    final boolean stream;
    final int status;
    final String endpoint;
    final int attempts;
    final boolean failedOver;
    final String outcome;
    final long headersMs;
    final long firstTokenMs;
    final long totalMs;
    final Usage usage;
    final long costMicros;
    final boolean priced;
    final String error;
    final List<AttemptRecord> attemptList;
    /** The route the request took, '' when it ended before it was classified. */
    final String route;
    /** Session key and project ('' when none); see {@code SessionKeys}. */
    final String sessionId;
    final String project;
    /** The instance that served it, when several share the database ('' otherwise); set by the request log. */
    String instance = "";
    /** The model billed (sent upstream, else asked for), '' when none. */
    final String billedModel;
    /** The part of {@link #costMicros} that paid for cache writes (the cost of an endpoint switch). */
    final long cacheWriteCostMicros;

    /** Detail row (headers and bodies); null when this request keeps none. */
    Detail detail;
    /** The request body's layout once its parts are stored (the writer sets it); null when stored whole. */
    byte[] requestLayout;

    record Detail(String requestHeaders, String sentHeaders, String responseHeaders, byte[] requestBody,
                  int requestBodySize, boolean requestBodyTruncated, byte[] responseBody, int responseBodySize,
                  boolean responseBodyTruncated, PartPreparer.Prepared requestParts) {
    }

    private LogRow(RequestRecord r, BodySpans spans, Redactor red, PriceTable prices, PartPreparer parts) {
        id = r.id();
        startedAt = r.startedAtEpochMs();
        method = nn(red.text(r.method()));
        // credential query and matrix parameters (?key=..., ;token=...) by name, then known secrets and shapes
        path = nn(red.text(Credentials.path(r.path())));
        query = red.text(Credentials.query(r.query()));
        model = nn(red.text(r.model()));
        sentModel = nn(red.text(r.sentModel()));
        stream = r.stream();
        status = r.status();
        endpoint = nn(red.text(r.endpoint()));
        attempts = r.attempts();
        failedOver = r.failedOver();
        outcome = r.outcomeClass();
        headersMs = r.headersMs();
        firstTokenMs = r.firstTokenMs();
        totalMs = r.totalMs();
        usage = r.usage() == null ? Usage.NONE : r.usage();
        // the one cost function (the upstream bills the model it was sent), on the raw record
        Cost cost = Cost.of(r, prices);
        costMicros = cost.micros();
        priced = cost.priced();
        error = red.text(r.error());
        List<AttemptRecord> list = r.attemptList() == null ? List.of() : r.attemptList();
        List<AttemptRecord> clean = new ArrayList<>(list.size());
        for (AttemptRecord a : list) {
            if (a != null) {
                clean.add(new AttemptRecord(a.attempt(), nn(red.text(a.endpoint())), nn(red.text(a.sentModel())),
                        nn(red.text(a.outcome())), a.status(), a.startedMs(), a.headersMs(), a.durationMs()));
            }
        }
        attemptList = clean;
        route = nn(red.text(r.route()));
        sessionId = nn(red.text(r.sessionId()));
        // the proxy leaves the project to this (preparer) thread when the record holds the whole body
        project = nn(red.text(r.project() != null || sessionId.isEmpty() ? r.project()
                : parts != null ? parts.project(sessionId, r.requestBody(), spans)
                : spans != null ? SessionKeys.project(r.requestBody(), spans) : SessionKeys.project(r.requestBody())));
        billedModel = sentModel.isEmpty() ? model : sentModel;
        cacheWriteCostMicros = priced ? Cost.cacheWriteMicros(r, prices) : 0;
    }

    /** Prepares a record; {@code keepDetail} false when it is outside the body-retention window already. */
    static LogRow of(RequestRecord r, Redactor red, PriceTable prices, Settings s, boolean keepDetail, BodyCodec codec,
                     PartPreparer parts) {
        // the proxy's scan of this very body, if it came with the record: then the body is not walked again
        BodySpans spans = r.requestSpans() != null && r.requestSpans().describes(r.requestBody()) ? r.requestSpans()
                : null;
        LogRow row = new LogRow(r, spans, red, prices, parts);
        if (keepDetail) {
            boolean served = row.outcome.equals("success") || row.outcome.equals("failed_over");
            boolean bodies = switch (s.captureMode() == null ? CaptureMode.ALL : s.captureMode()) {
                case ALL -> true;
                case ERRORS -> !served;
                case NONE -> false;
            };
            int cap = (int) Math.max(0, Math.min(s.maxBodyBytes(), Integer.MAX_VALUE - 16));
            // a whole request body is stored by its parts, each once (see PartPreparer); a cut one whole
            byte[] raw = r.requestBody();
            PartPreparer.Prepared byParts = bodies && raw != null && !r.requestBodyTruncated() && raw.length <= cap
                    ? parts.prepare(raw, spans, r.requestHeaders(), r.sessionId(), red) : null;
            Body req = byParts != null || !bodies ? Body.NONE : Body.of(raw, r.requestBodyTruncated(), cap, red);
            Body res = bodies ? Body.of(r.responseBody(), r.responseBodyTruncated(), cap, red) : Body.NONE;
            String requestHeaders = HeadersJson.write(r.requestHeaders(), red);
            String sentHeaders = r.sentHeaders() == r.requestHeaders() ? requestHeaders
                    : HeadersJson.write(r.sentHeaders(), red);
            row.detail = new Detail(requestHeaders, sentHeaders, HeadersJson.write(r.responseHeaders(), red),
                    codec.compress(req.bytes), byParts != null ? byParts.size() : req.size(), req.truncated,
                    codec.compress(res.bytes), res.size(), res.truncated, byParts);
        }
        return row;
    }

    private record Body(byte[] bytes, boolean truncated) {
        static final Body NONE = new Body(null, false);

        static Body of(byte[] raw, boolean truncated, int cap, Redactor red) {
            if (raw == null) {
                // not captured, or shed under a backlog (then flagged truncated)
                return truncated ? new Body(null, true) : NONE;
            }
            byte[] b = red.bytes(raw);
            boolean cut = truncated;
            if (b.length > cap) {
                b = Arrays.copyOf(b, cap);
                cut = true;
            }
            if (cut) {
                b = red.cutTail(b);
            }
            return new Body(b, cut);
        }

        int size() {
            return bytes == null ? 0 : bytes.length;
        }
    }

    private static String nn(String s) {
        return s == null ? "" : s;
    }
}
