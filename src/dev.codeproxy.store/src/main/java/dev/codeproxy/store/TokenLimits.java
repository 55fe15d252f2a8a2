package dev.codeproxy.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The limits of one client token: who holds it, a budget per UTC day or month, requests and
 * tokens per minute, the models it may ask for, and the date it stops working. Zero, empty or
 * null means "no limit" for each. The parse methods are the one place that says what is
 * accepted, for the command line and the admin API alike: each returns the value or throws an
 * {@link IllegalArgumentException} whose message names what is accepted.
 *
 * @param owner        who holds the token ({@code ""}: not said)
 * @param budgetMicros budget per period in micro-dollars, 0 for none
 * @param period       the budget's period (UTC)
 * @param rpm          requests per minute, 0 for no limit
 * @param tpm          tokens per minute (input, output and cache writes; cache reads are not
 *                     counted, as Anthropic's own input-token limits do not), 0 for no limit
 * @param models       allowed models ({@code []}: every model); a request's model is allowed when
 *                     it contains one of them, case-insensitive
 * @param expires      the UTC day from whose start the token no longer works; null: never
 */
public record TokenLimits(String owner, long budgetMicros, Period period, long rpm, long tpm, List<String> models,
                          LocalDate expires) {
    /** The largest budget accepted, in dollars. */
    public static final long MAX_BUDGET_USD = 1_000_000;
    public static final long MAX_RPM = 1_000_000;
    public static final long MAX_TPM = 1_000_000_000;
    public static final int MAX_MODELS = 32;
    public static final int MAX_MODEL_LENGTH = 100;
    public static final int MAX_OWNER = 100;
    public static final TokenLimits NONE = new TokenLimits("", 0, Period.MONTH, 0, 0, List.of(), null);

    private static final Pattern DOLLARS = Pattern.compile("\\d{1,7}(\\.\\d{1,6})?");
    private static final Pattern COUNT = Pattern.compile("\\d{1,10}");
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._:@/+-]{1," + MAX_MODEL_LENGTH + "}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);

    /** A budget's period; both start at 00:00 UTC. */
    public enum Period {
        DAY, MONTH;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The start of the period that holds {@code at}. */
        public Instant start(Instant at) {
            ZonedDateTime d = at.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
            return (this == DAY ? d : d.withDayOfMonth(1)).toInstant();
        }

        /** The start of the next period after the one that starts at {@code start}. */
        public Instant next(Instant start) {
            ZonedDateTime d = start.atZone(ZoneOffset.UTC);
            return (this == DAY ? d.plusDays(1) : d.plusMonths(1)).toInstant();
        }

        /** {@code day} or {@code month}. */
        public static Period parse(String s) {
            if ("day".equals(s)) {
                return DAY;
            }
            if ("month".equals(s)) {
                return MONTH;
            }
            throw new IllegalArgumentException("is " + quote(s) + "; expected day or month");
        }
    }

    public TokenLimits {
        owner = owner == null ? "" : owner;
        period = period == null ? Period.MONTH : period;
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** Whether anything is limited: a token without limits is admitted as before, with no database work. */
    public boolean enforced() {
        return budgetMicros > 0 || rpm > 0 || tpm > 0 || !models.isEmpty() || expires != null;
    }

    /** Whether admitting a request needs the database: a budget or a rate. */
    public boolean metered() {
        return budgetMicros > 0 || rpm > 0 || tpm > 0;
    }

    /** The instant the token stops working (00:00 UTC of {@link #expires}), null when never. */
    public Instant expiresAt() {
        return expires == null ? null : expires.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expiresAt());
    }

    /** Whether a request for {@code model} may go through (null: a request that names none, always). */
    public boolean allows(String model) {
        if (models.isEmpty() || model == null) {
            return true;
        }
        String m = model.toLowerCase(Locale.ROOT);
        for (String allowed : models) {
            if (m.contains(allowed.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The models as stored and as the command line takes them: {@code a,b}. */
    public String modelsText() {
        return String.join(",", models);
    }

    public TokenLimits withOwner(String v) {
        return new TokenLimits(v, budgetMicros, period, rpm, tpm, models, expires);
    }

    public TokenLimits withBudget(long micros) {
        return new TokenLimits(owner, micros, period, rpm, tpm, models, expires);
    }

    public TokenLimits withPeriod(Period p) {
        return new TokenLimits(owner, budgetMicros, p, rpm, tpm, models, expires);
    }

    public TokenLimits withRpm(long v) {
        return new TokenLimits(owner, budgetMicros, period, v, tpm, models, expires);
    }

    public TokenLimits withTpm(long v) {
        return new TokenLimits(owner, budgetMicros, period, rpm, v, models, expires);
    }

    public TokenLimits withModels(List<String> v) {
        return new TokenLimits(owner, budgetMicros, period, rpm, tpm, v, expires);
    }

    public TokenLimits withExpires(LocalDate v) {
        return new TokenLimits(owner, budgetMicros, period, rpm, tpm, models, v);
    }

    // ------------------------------------------------------------------ parsing, one rule per field

    /** Dollars as text ({@code 25}, {@code 2.50}) to micro-dollars. */
    public static long parseBudgetUsd(String s) {
        if (s == null || !DOLLARS.matcher(s).matches()) {
            throw new IllegalArgumentException("is " + quote(s) + "; expected an amount of dollars greater than 0 and "
                    + "at most " + MAX_BUDGET_USD + ", with at most 6 decimals, e.g. 25 or 2.50");
        }
        return budgetMicros(new BigDecimal(s));
    }

    /** Dollars as a number (the admin API's JSON) to micro-dollars. */
    public static long budgetMicros(BigDecimal usd) {
        String accepted = "; expected an amount of dollars greater than 0 and at most " + MAX_BUDGET_USD
                + ", with at most 6 decimals, e.g. 25 or 2.50";
        if (usd.signum() <= 0 || usd.compareTo(BigDecimal.valueOf(MAX_BUDGET_USD)) > 0) {
            throw new IllegalArgumentException("is " + clip(usd.toString()) + accepted);
        }
        BigDecimal micros = usd.movePointRight(6).stripTrailingZeros();
        if (micros.scale() > 0) {
            throw new IllegalArgumentException("is " + clip(usd.toPlainString()) + ", finer than a micro-dollar"
                    + accepted);
        }
        return micros.longValueExact();
    }

    /** Requests per minute as text. */
    public static long parseRpm(String s) {
        return count(s, MAX_RPM, "requests per minute");
    }

    /** Tokens per minute as text. */
    public static long parseTpm(String s) {
        return count(s, MAX_TPM, "tokens per minute");
    }

    /** Requests per minute as a number (the admin API's JSON). */
    public static long checkRpm(long v) {
        return range(v, MAX_RPM, "requests per minute");
    }

    /** Tokens per minute as a number (the admin API's JSON). */
    public static long checkTpm(long v) {
        return range(v, MAX_TPM, "tokens per minute");
    }

    private static long count(String s, long max, String what) {
        if (s == null || !COUNT.matcher(s).matches()) {
            throw new IllegalArgumentException("is " + quote(s) + "; expected a whole number of " + what + " from 1 to "
                    + max);
        }
        return range(Long.parseLong(s), max, what);
    }

    private static long range(long v, long max, String what) {
        if (v < 1 || v > max) {
            throw new IllegalArgumentException("is " + v + "; expected a whole number of " + what + " from 1 to " + max);
        }
        return v;
    }

    /** {@code a,b}: model names (or parts of them) separated by commas, no spaces. */
    public static List<String> parseModels(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("is empty; expected model names separated by commas, e.g. "
                    + "claude-sonnet-4-5,claude-haiku-4-5");
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        while (true) {
            int comma = s.indexOf(',', from);
            parts.add(comma < 0 ? s.substring(from) : s.substring(from, comma));
            if (comma < 0) {
                break;
            }
            from = comma + 1;
        }
        return checkModels(parts);
    }

    /** A list of model names (the admin API's JSON array). */
    public static List<String> checkModels(List<String> names) {
        String accepted = "; expected model names (letters, digits and . _ : @ / + -, at most " + MAX_MODEL_LENGTH
                + " characters each) separated by commas, e.g. claude-sonnet-4-5,claude-haiku-4-5";
        if (names.isEmpty()) {
            throw new IllegalArgumentException("is empty" + accepted);
        }
        if (names.size() > MAX_MODELS) {
            throw new IllegalArgumentException("has " + names.size() + " models; at most " + MAX_MODELS
                    + " are accepted");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (n == null || n.isEmpty()) {
                throw new IllegalArgumentException("has an empty model name" + accepted);
            }
            if (!MODEL.matcher(n).matches()) {
                throw new IllegalArgumentException("has " + quote(n) + accepted);
            }
            out.add(n);
        }
        return List.copyOf(out);
    }

    /**
     * {@code YYYY-MM-DD}: the UTC day from whose start the token no longer works; it must be after
     * {@code today} (UTC).
     */
    public static LocalDate parseExpires(String s, LocalDate today) {
        LocalDate d;
        try {
            d = s == null || s.length() != 10 ? null : LocalDate.parse(s, DATE);
        } catch (DateTimeParseException e) {
            d = null;
        }
        if (d == null) {
            throw new IllegalArgumentException("is " + quote(s) + "; expected a date as YYYY-MM-DD, e.g. "
                    + today.plusMonths(1));
        }
        if (!d.isAfter(today)) {
            throw new IllegalArgumentException("is " + d + "; expected a day after today (" + today
                    + ", UTC): the token stops working at 00:00 UTC that day");
        }
        return d;
    }

    /** Who holds the token: free text, one line, at most {@value #MAX_OWNER} characters. */
    public static String checkOwner(String s) {
        String o = s == null ? "" : s.strip();
        if (o.length() > MAX_OWNER) {
            throw new IllegalArgumentException("is " + o.length() + " characters; at most " + MAX_OWNER
                    + " are accepted");
        }
        if (o.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("contains control characters; expected one line of text");
        }
        return o;
    }

    /** Micro-dollars as dollars for messages: {@code $2.50}, {@code $0.000123}. */
    public static String dollars(long micros) {
        BigDecimal d = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        if (d.scale() < 2) {
            d = d.setScale(2);
        }
        return "$" + d.toPlainString();
    }

    static String quote(String s) {
        return s == null ? "missing" : "'" + clip(s) + "'";
    }

    private static String clip(String s) {
        String c = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder b = new StringBuilder();
        c.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                b.append('?');
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
