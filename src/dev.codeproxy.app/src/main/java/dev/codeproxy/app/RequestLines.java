package dev.codeproxy.app;

import dev.codeproxy.core.Json;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.usage.Usage;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Function;

/**
 * Headless mode's access log: one line per finished request on standard output — time, endpoint,
 * model, status, time to first token, duration, tokens, cost — as text or, with
 * {@code --log-format json}, as one JSON object per line. Printing happens on the request's
 * thread but is a single buffered write.
 */
final class RequestLines implements ProxyListener {
    enum Format { TEXT, JSON }

    private final PrintStream out;
    private final Format format;
    private final Function<RequestRecord, Long> costMicros;

    RequestLines(PrintStream out, Format format, Function<RequestRecord, Long> costMicros) {
        this.out = out;
        this.format = format;
        this.costMicros = costMicros;
    }

    @Override
    public void onEvent(ProxyEvent event) {
        if (event instanceof ProxyEvent.RequestCompleted c) {
            out.println(line(c.record()));
        }
    }

    String line(RequestRecord r) {
        Usage u = r.usage() == null ? Usage.NONE : r.usage();
        Long cost = costMicros.apply(r);
        String time = Instant.ofEpochMilli(r.startedAtEpochMs()).truncatedTo(ChronoUnit.MILLIS).toString();
        String model = r.sentModel() != null ? r.sentModel() : r.model() != null ? r.model() : "-";
        if (format == Format.JSON) {
            return "{\"time\":\"" + time + "\",\"method\":\"" + r.method() + "\",\"path\":\"" + Json.escape(r.path())
                    + "\",\"endpoint\":" + str(r.endpoint()) + ",\"model\":" + str(r.model())
                    + ",\"sentModel\":" + str(r.sentModel()) + ",\"status\":" + r.status()
                    + ",\"stream\":" + r.stream() + ",\"attempts\":" + r.attempts()
                    + ",\"ttftMs\":" + r.firstTokenMs() + ",\"durationMs\":" + r.totalMs()
                    + ",\"inputTokens\":" + u.input() + ",\"outputTokens\":" + u.output()
                    + ",\"cacheWrite5mTokens\":" + u.cacheWrite5m() + ",\"cacheWrite1hTokens\":" + u.cacheWrite1h()
                    + ",\"cacheReadTokens\":" + u.cacheRead()
                    + ",\"costUsd\":" + (cost == null ? "null" : String.format(Locale.ROOT, "%.6f", cost / 1e6))
                    + ",\"error\":" + str(r.error()) + "}";
        }
        return String.format(Locale.ROOT, "%s %s %s %s %d ttft=%s %s tokens in=%d out=%d cw=%d cr=%d cost=%s%s%s",
                time, r.method(), r.endpoint() == null ? "-" : r.endpoint(), model, r.status(),
                r.firstTokenMs() < 0 ? "-" : r.firstTokenMs() + "ms", r.totalMs() + "ms",
                u.input(), u.output(), u.cacheWrite5m() + u.cacheWrite1h(), u.cacheRead(),
                cost == null ? "unpriced" : String.format(Locale.ROOT, "$%.4f", cost / 1e6),
                r.attempts() > 1 ? " attempts=" + r.attempts() : "",
                r.error() == null ? "" : " error=\"" + r.error() + "\"");
    }

    private static String str(String s) {
        return s == null ? "null" : "\"" + Json.escape(s) + "\"";
    }
}
