package dev.codeproxy.app;

import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.core.wire.Json;
import dev.codeproxy.store.usage.Block;
import dev.codeproxy.store.usage.ModelUsage;
import dev.codeproxy.store.usage.PeriodUsage;
import dev.codeproxy.store.usage.SessionUsage;
import dev.codeproxy.store.usage.UsageQueries;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.stream.JsonGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code code-proxy usage daily|monthly|session|blocks [--since D] [--until D] [--json]}: usage
 * reports from the statistics tables (they survive log pruning). {@code --json} uses ccusage's
 * field names so tools written for ccusage read it; costs are dollars there.
 */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Token usage and cost reports: by day, month, Claude Code session or 5-hour block.",
        subcommands = {UsageCommand.Daily.class, UsageCommand.Monthly.class, UsageCommand.Session.class,
                UsageCommand.Blocks.class})
final class UsageCommand implements Callable<Integer> {
    UsageCommand(Cli.Context ctx) {
    }

    @Override
    public Integer call() {
        throw new UsageError("usage: missing report; expected daily, monthly, session or blocks");
    }

    /** What every report shares: the date range, --json and the data directory. */
    abstract static class Report extends StoreCommand {
        @Option(names = "--since", paramLabel = "YYYY-MM-DD", description = "First day to include (also YYYYMMDD).")
        String since;

        @Option(names = "--until", paramLabel = "YYYY-MM-DD", description = "Last day to include (also YYYYMMDD).")
        String until;

        @Option(names = "--json", description = "JSON with ccusage's field names instead of a table.")
        boolean json;

        LocalDate sinceDay;
        LocalDate untilDay;

        Report(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        void validate() {
            sinceDay = day("--since", since);
            untilDay = day("--until", until);
            if (sinceDay != null && untilDay != null && untilDay.isBefore(sinceDay)) {
                throw new UsageError(commandName() + ": --until " + untilDay + " is before --since " + sinceDay
                        + "; expected a range whose end is not before its start");
            }
        }

        private LocalDate day(String flag, String raw) {
            if (raw == null) {
                return null;
            }
            String t = raw.strip();
            try {
                return t.matches("\\d{8}") ? LocalDate.parse(t, DateTimeFormatter.BASIC_ISO_DATE) : LocalDate.parse(t);
            } catch (DateTimeParseException e) {
                throw new UsageError(commandName() + ": " + flag + ": '" + CliErrors.printable(raw)
                        + "' is not accepted; expected a date YYYY-MM-DD (or YYYYMMDD)");
            }
        }

        /** Days, months and "today" are in $TZ when it names a zone, else the system's zone. */
        ZoneId zone() {
            String tz = ctx.env().get("TZ");
            if (tz != null && !tz.isBlank()) {
                try {
                    return ZoneId.of(tz.startsWith(":") ? tz.substring(1) : tz);
                } catch (DateTimeException e) {
                    // not a zone Java knows (e.g. a POSIX rule): the system's zone, as the JVM does
                }
            }
            return ZoneId.systemDefault();
        }

        @Override
        final int run(Store store) {
            UsageQueries q = new UsageQueries(store.db, Clock.system(zone()));
            ctx.out().print(json ? pretty(json(q)) : table(q));
            return 0;
        }

        abstract JsonObject json(UsageQueries q);

        abstract String table(UsageQueries q);
    }

    @Command(name = "daily", mixinStandardHelpOptions = true, description = "Usage by day and model.")
    static final class Daily extends Report {
        Daily(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        JsonObject json(UsageQueries q) {
            return periodsJson("daily", "date", q.daily(sinceDay, untilDay));
        }

        @Override
        String table(UsageQueries q) {
            return periodsTable("Date", q.daily(sinceDay, untilDay));
        }
    }

    @Command(name = "monthly", mixinStandardHelpOptions = true, description = "Usage by month and model.")
    static final class Monthly extends Report {
        Monthly(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        JsonObject json(UsageQueries q) {
            return periodsJson("monthly", "month", q.monthly(sinceDay, untilDay));
        }

        @Override
        String table(UsageQueries q) {
            return periodsTable("Month", q.monthly(sinceDay, untilDay));
        }
    }

    @Command(name = "session", mixinStandardHelpOptions = true,
            description = "Usage by Claude Code session (latest activity in the range), latest first.")
    static final class Session extends Report {
        Session(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        JsonObject json(UsageQueries q) {
            JsonArrayBuilder rows = Json.provider().createArrayBuilder();
            long[] tot = new long[6];
            for (SessionUsage s : q.sessions(sinceDay, untilDay)) {
                JsonObjectBuilder o = Json.provider().createObjectBuilder().add("sessionId", s.sessionId())
                        .add("projectPath", s.project());
                tokens(o, s.tokens(), s.costMicros(), "totalCost");
                o.add("lastActivity", day(s.lastAt(), zone()));
                models(o, s.models());
                o.add("requests", s.requests())
                        .add("firstActivity", iso(s.firstAt()))
                        .add("endpoints", strings(s.endpoints()))
                        .add("endpointSwitches", s.endpointSwitches())
                        .add("failoverCacheWriteTokens", s.failoverCacheWriteTokens())
                        .add("failoverCost", dollars(s.failoverCostMicros()));
                rows.add(o);
                add(tot, s.tokens(), s.costMicros());
            }
            return Json.provider().createObjectBuilder().add("sessions", rows).add("totals", totals(tot)).build();
        }

        @Override
        String table(UsageQueries q) {
            TextTable t = new TextTable("Session", "Project", "Last activity", "Requests", "Input", "Output",
                    "Cache write", "Cache read", "Total tokens", "Cost", "Failover cost");
            long[] tot = new long[6];
            long failover = 0;
            long requests = 0;
            for (SessionUsage s : q.sessions(sinceDay, untilDay)) {
                Usage u = s.tokens();
                t.row(s.sessionId(), s.project().isEmpty() ? "-" : s.project(), day(s.lastAt(), zone()),
                        n(s.requests()), n(u.input()), n(u.output()), n(u.cacheWrite5m() + u.cacheWrite1h()),
                        n(u.cacheRead()), n(UsageQueries.total(u)), usd(s.costMicros()), usd(s.failoverCostMicros()));
                add(tot, u, s.costMicros());
                failover += s.failoverCostMicros();
                requests += s.requests();
            }
            t.total("Total", "", "", n(requests), n(tot[0]), n(tot[1]), n(tot[2]), n(tot[3]), n(tot[4]), usd(tot[5]),
                    usd(failover));
            return t.render("No sessions in this range.");
        }
    }

    @Command(name = "blocks", mixinStandardHelpOptions = true,
            description = "Usage by 5-hour block; the active block with its burn rate and projection.")
    static final class Blocks extends Report {
        Blocks(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        JsonObject json(UsageQueries q) {
            JsonArrayBuilder rows = Json.provider().createArrayBuilder();
            for (Block b : q.blocks(sinceDay, untilDay)) {
                Usage u = b.tokens();
                JsonObjectBuilder o = Json.provider().createObjectBuilder()
                        .add("id", iso(b.start()))
                        .add("startTime", iso(b.start()))
                        .add("endTime", iso(b.end()))
                        .add("actualEndTime", iso(b.lastAt()))
                        .add("isActive", b.active())
                        .add("isGap", false)
                        .add("entries", b.requests())
                        .add("tokenCounts", Json.provider().createObjectBuilder()
                                .add("inputTokens", u.input())
                                .add("outputTokens", u.output())
                                .add("cacheCreationInputTokens", u.cacheWrite5m() + u.cacheWrite1h())
                                .add("cacheReadInputTokens", u.cacheRead()))
                        .add("totalTokens", UsageQueries.total(u))
                        .add("costUSD", dollars(b.costMicros()))
                        .add("models", strings(b.models()));
                if (b.burn() == null) {
                    o.addNull("burnRate");
                } else {
                    o.add("burnRate", Json.provider().createObjectBuilder()
                            .add("tokensPerMinute", BigDecimal.valueOf(b.burn().tokensPerMinute()))
                            .add("costPerHour", dollars(b.burn().costMicrosPerHour())));
                }
                if (b.projection() == null) {
                    o.addNull("projection");
                } else {
                    o.add("projection", Json.provider().createObjectBuilder()
                            .add("totalTokens", b.projection().totalTokens())
                            .add("totalCost", dollars(b.projection().costMicros()))
                            .add("remainingMinutes", b.projection().remainingMinutes()));
                }
                rows.add(o);
            }
            return Json.provider().createObjectBuilder().add("blocks", rows).build();
        }

        @Override
        String table(UsageQueries q) {
            TextTable t = new TextTable("Block start", "End", "Status", "Requests", "Models", "Total tokens", "Cost");
            DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(zone());
            DateTimeFormatter hm = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(zone());
            Block active = null;
            for (Block b : q.blocks(sinceDay, untilDay)) {
                t.row(f.format(Instant.ofEpochMilli(b.start())), hm.format(Instant.ofEpochMilli(b.end())),
                        b.active() ? "ACTIVE" : "", n(b.requests()), shortModels(b.models()),
                        n(UsageQueries.total(b.tokens())), usd(b.costMicros()));
                if (b.active()) {
                    active = b;
                }
            }
            String out = t.render("No usage in this range.");
            if (active != null) {
                long left = active.projection().remainingMinutes();
                out += System.lineSeparator() + "Active block: " + (left / 60) + "h" + String.format("%02d", left % 60)
                        + "m left; burn rate " + String.format(Locale.ROOT, "%,.2f", active.burn().tokensPerMinute())
                        + " tokens/min, " + usd(active.burn().costMicrosPerHour()) + "/h; projected at "
                        + hm.format(Instant.ofEpochMilli(active.end())) + ": " + n(active.projection().totalTokens())
                        + " tokens, " + usd(active.projection().costMicros()) + System.lineSeparator();
            }
            return out;
        }
    }

    // ---- shared formatting

    static JsonObject periodsJson(String key, String field, List<PeriodUsage> periods) {
        JsonArrayBuilder rows = Json.provider().createArrayBuilder();
        long[] tot = new long[6];
        for (PeriodUsage p : periods) {
            JsonObjectBuilder o = Json.provider().createObjectBuilder().add(field, p.period());
            tokens(o, p.tokens(), p.costMicros(), "totalCost");
            models(o, p.models());
            rows.add(o);
            add(tot, p.tokens(), p.costMicros());
        }
        return Json.provider().createObjectBuilder().add(key, rows).add("totals", totals(tot)).build();
    }

    static String periodsTable(String first, List<PeriodUsage> periods) {
        TextTable t = new TextTable(first, "Models", "Input", "Output", "Cache write", "Cache read", "Total tokens",
                "Cost");
        long[] tot = new long[6];
        for (PeriodUsage p : periods) {
            Usage u = p.tokens();
            t.row(p.period(), shortModels(p.models().stream().map(ModelUsage::model).toList()), n(u.input()),
                    n(u.output()), n(u.cacheWrite5m() + u.cacheWrite1h()), n(u.cacheRead()), n(UsageQueries.total(u)),
                    usd(p.costMicros()));
            add(tot, u, p.costMicros());
        }
        t.total("Total", "", n(tot[0]), n(tot[1]), n(tot[2]), n(tot[3]), n(tot[4]), usd(tot[5]));
        return t.render("No usage in this range.");
    }

    private static void tokens(JsonObjectBuilder o, Usage u, long costMicros, String costKey) {
        o.add("inputTokens", u.input())
                .add("outputTokens", u.output())
                .add("cacheCreationTokens", u.cacheWrite5m() + u.cacheWrite1h())
                .add("cacheReadTokens", u.cacheRead())
                .add("totalTokens", UsageQueries.total(u))
                .add(costKey, dollars(costMicros));
    }

    private static void models(JsonObjectBuilder o, List<ModelUsage> models) {
        JsonArrayBuilder used = Json.provider().createArrayBuilder();
        JsonArrayBuilder breakdowns = Json.provider().createArrayBuilder();
        for (ModelUsage m : models) {
            used.add(m.model());
            Usage u = m.tokens();
            breakdowns.add(Json.provider().createObjectBuilder()
                    .add("modelName", m.model())
                    .add("inputTokens", u.input())
                    .add("outputTokens", u.output())
                    .add("cacheCreationTokens", u.cacheWrite5m() + u.cacheWrite1h())
                    .add("cacheReadTokens", u.cacheRead())
                    .add("cost", dollars(m.costMicros())));
        }
        o.add("modelsUsed", used).add("modelBreakdowns", breakdowns);
    }

    /** [input, output, cache creation, cache read, total, cost micros] += */
    private static void add(long[] tot, Usage u, long cost) {
        tot[0] += u.input();
        tot[1] += u.output();
        tot[2] += u.cacheWrite5m() + u.cacheWrite1h();
        tot[3] += u.cacheRead();
        tot[4] += UsageQueries.total(u);
        tot[5] += cost;
    }

    private static JsonObjectBuilder totals(long[] tot) {
        return Json.provider().createObjectBuilder()
                .add("inputTokens", tot[0])
                .add("outputTokens", tot[1])
                .add("cacheCreationTokens", tot[2])
                .add("cacheReadTokens", tot[3])
                .add("totalTokens", tot[4])
                .add("totalCost", dollars(tot[5]));
    }

    private static JsonArrayBuilder strings(List<String> l) {
        JsonArrayBuilder a = Json.provider().createArrayBuilder();
        l.forEach(a::add);
        return a;
    }

    /** Micro-USD as an exact decimal number of dollars (0.0381, 12, 0.5). */
    static BigDecimal dollars(long micros) {
        BigDecimal d = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    /** $12.34, or 4 decimals under a dollar ($0.0381) so small costs do not read as zero. */
    static String usd(long micros) {
        BigDecimal d = BigDecimal.valueOf(micros, 6);
        int scale = Math.abs(micros) >= 1_000_000 ? 2 : 4;
        return "$" + String.format(Locale.ROOT, "%,." + scale + "f", d);
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** Model ids without the "claude-" prefix and the date suffix, comma-separated. */
    static String shortModels(List<String> models) {
        List<String> out = new ArrayList<>();
        for (String m : models) {
            String s = m.startsWith("claude-") ? m.substring(7) : m;
            out.add(s.replaceFirst("-\\d{8}$", ""));
        }
        return out.isEmpty() ? "-" : String.join(", ", out);
    }

    static String iso(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    static String day(long epochMs, ZoneId zone) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMs), zone).toString();
    }

    static String pretty(JsonObject o) {
        StringWriter w = new StringWriter();
        try (var jw = Json.provider().createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(w)) {
            jw.writeObject(o);
        }
        return w.toString().strip() + System.lineSeparator();
    }
}
