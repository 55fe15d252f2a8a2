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
 * {@code --log-format json}, as one JSON object per line. The request's thread only queues the
 * record; one daemon thread formats and writes lines in bursts (a line per request would
 * otherwise cost a write system call on the hot path). A full queue drops lines, never waits.
 */
final class RequestLines implements ProxyListener {
    enum Format { TEXT, JSON }

    private final PrintStream out;
    private final Format format;
    private volatile Function<RequestRecord, Long> costMicros;
    private final java.util.concurrent.BlockingQueue<RequestRecord> queue =
            new java.util.concurrent.ArrayBlockingQueue<>(10_000);
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    RequestLines(PrintStream out, Format format, Function<RequestRecord, Long> costMicros) {
        this.out = out;
        this.format = format;
        this.costMicros = costMicros;
        Thread.ofPlatform().daemon().name("request-lines").start(this::drain);
    }

    @Override
    public void onEvent(ProxyEvent event) {
        // queued without headers and bodies: a slow output must not keep request bodies alive
        if (event instanceof ProxyEvent.RequestCompleted c && !queue.offer(c.record().withoutPayload())) {
            dropped.incrementAndGet();
        }
    }

    private void drain() {
        java.util.List<RequestRecord> batch = new java.util.ArrayList<>();
        StringBuilder sb = new StringBuilder();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, 999);
            for (RequestRecord r : batch) {
                sb.append(line(r)).append(System.lineSeparator());
            }
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                sb.append("(").append(lost).append(" request lines dropped: output too slow)")
                        .append(System.lineSeparator());
            }
            out.print(sb);
            out.flush();
            sb.setLength(0);
            batch.clear();
        }
    }

    /** Sets how a line's cost is computed (known once the database is open). */
    void costs(Function<RequestRecord, Long> f) {
        this.costMicros = f;
    }

    /** Waits (briefly) until every queued line is written; used at shutdown. */
    void flush() {
        long end = System.nanoTime() + 2_000_000_000L;
        while (!queue.isEmpty() && System.nanoTime() < end) {
            Thread.onSpinWait();
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
