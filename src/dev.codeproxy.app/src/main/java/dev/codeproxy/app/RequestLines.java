package dev.codeproxy.app;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.secret.Credentials;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.Json;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Headless mode's access log: one line per finished request on standard output — time, method,
 * path, endpoint, model (asked -> sent when mapped), status, time to first token, duration,
 * tokens, cost ("-" without tokens) — as text or, with
 * {@code --log-format json}, as one JSON object per line. The request's thread only queues the
 * record; one daemon thread formats and writes lines in bursts (a line per request would
 * otherwise cost a write system call on the hot path). A full queue drops lines, never waits.
 */
final class RequestLines implements ProxyListener {
    enum Format { TEXT, JSON }

    private final PrintStream out;
    private final Format format;
    private volatile Function<RequestRecord, Long> costMicros;
    private final BlockingQueue<RequestRecord> queue =
            new ArrayBlockingQueue<>(10_000);
    private final AtomicLong dropped = new AtomicLong();

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
        List<RequestRecord> batch = new ArrayList<>();
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
        Long cost = u.isEmpty() ? null : costMicros.apply(r);
        String time = Instant.ofEpochMilli(r.startedAtEpochMs()).truncatedTo(ChronoUnit.MILLIS).toString();
        if (format == Format.JSON) {
            return "{\"time\":\"" + time + "\",\"method\":" + str(r.method()) + ",\"path\":"
                    + str(Credentials.path(r.path()))
                    + ",\"endpoint\":" + str(r.endpoint()) + ",\"model\":" + str(r.model())
                    + ",\"sentModel\":" + str(r.sentModel()) + ",\"status\":" + r.status()
                    + ",\"stream\":" + r.stream() + ",\"attempts\":" + r.attempts()
                    + ",\"ttftMs\":" + r.firstTokenMs() + ",\"durationMs\":" + r.totalMs()
                    + ",\"inputTokens\":" + u.input() + ",\"outputTokens\":" + u.output()
                    + ",\"cacheWrite5mTokens\":" + u.cacheWrite5m() + ",\"cacheWrite1hTokens\":" + u.cacheWrite1h()
                    + ",\"cacheReadTokens\":" + u.cacheRead()
                    + ",\"costUsd\":" + (cost == null ? "null" : dollars(cost, 6))
                    + ",\"error\":" + str(r.error()) + "}";
        }
        // the model asked for, and the one sent when a mapping changed it: "claude-sonnet-5->glm-4.6"
        String model = r.model() == null || r.model().isEmpty() ? (r.sentModel() == null ? "-" : field(r.sentModel()))
                : field(r.model()) + (r.sentModel() != null && !r.sentModel().isEmpty()
                && !r.sentModel().equals(r.model()) ? "->" + field(r.sentModel()) : "");
        // appended, not String.format: formatting was most of this thread's 4-5 % of the proxy's CPU
        StringBuilder b = new StringBuilder(160).append(time).append(' ').append(field(r.method())).append(' ')
                .append(field(Credentials.path(r.path()))).append(' ')
                .append(r.endpoint() == null ? "-" : field(r.endpoint())).append(' ').append(model).append(' ')
                .append(r.status()).append(" ttft=");
        if (r.firstTokenMs() < 0) {
            b.append('-');
        } else {
            b.append(r.firstTokenMs()).append("ms");
        }
        b.append(' ').append(r.totalMs()).append("ms tokens in=").append(u.input()).append(" out=").append(u.output())
                .append(" cw=").append(u.cacheWrite5m() + u.cacheWrite1h()).append(" cr=").append(u.cacheRead())
                .append(" cost=");
        if (u.isEmpty()) {
            b.append('-');
        } else if (cost == null) {
            b.append("unpriced");
        } else {
            b.append('$').append(dollars(cost, 4));
        }
        if (r.attempts() > 1) {
            b.append(" attempts=").append(r.attempts());
        }
        if (r.error() != null) {
            b.append(" error=\"").append(quoted(r.error())).append('"');
        }
        return b.toString();
    }

    /**
     * Micro-dollars as dollars with {@code decimals} places, rounded half up as
     * {@code String.format("%.4f")} rounded them (and as the status line rounds).
     */
    static String dollars(long micros, int decimals) {
        return BigDecimal.valueOf(micros, 6).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }

    /**
     * A space-separated field from client-supplied text (model, path, method...): characters
     * that could forge a line or a column, or drive the terminal, become {@code \xNN} or
     * {@code \\uNNNN}: controls (newlines, ESC of ANSI sequences, DEL, C1), spaces, backslashes,
     * Unicode line separators and bidirectional overrides. Empty becomes "-".
     */
    static String field(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        return escape(s, true);
    }

    /** Inside a double-quoted field: as {@link #field} but spaces stay and quotes are escaped. */
    static String quoted(String s) {
        return escape(s, false);
    }

    private static String escape(String s, boolean spaces) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\\' || c == '"'
                    || (spaces && c == ' ') || unsafeUnicode(c);
            if (bad && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (!bad) {
                    b.append(c);
                } else if (c == '\\' || c == '"') {
                    b.append('\\').append(c);
                } else if (c < 0x100) {
                    b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                } else {
                    b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /** Line/paragraph separators, bidi embeddings, overrides and isolates, BOM. */
    private static boolean unsafeUnicode(char c) {
        return c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200e || c == 0x200f || c == 0x061c || c == 0xfeff;
    }

    /** A JSON string; besides JSON's own escapes, DEL, C1 controls, line separators and bidi controls. */
    static String str(String s) {
        if (s == null) {
            return "null";
        }
        String j = Json.escape(s);
        StringBuilder b = new StringBuilder(j.length() + 2).append('"');
        for (int i = 0; i < j.length(); i++) {
            char c = j.charAt(i);
            if (c == 0x7f || (c >= 0x80 && c < 0xa0) || unsafeUnicode(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
