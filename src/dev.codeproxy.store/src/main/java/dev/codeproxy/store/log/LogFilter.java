package dev.codeproxy.store.log;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * Filters of the log list; null fields do not filter.
 *
 * @param statusClass {@code 1xx} .. {@code 5xx}
 * @param outcome     {@code success}, {@code failed_over}, {@code client_error} or {@code upstream_error}
 * @param endpoint    endpoint that served (or was tried last), exact
 * @param model       matches the requested or the sent model, exact
 * @param from        started at or after
 * @param to          started before
 * @param text        contained in the path or the error (case-insensitive)
 * @param route       the route taken ({@code default} or a rule's match), exact
 */
public record LogFilter(String statusClass, String outcome, String endpoint, String model, Boolean stream, Instant from,
                        Instant to, String text, String route) {
    public static final LogFilter ALL = new LogFilter(null, null, null, null, null, null, null, null, null);

    /** Filters without a route (the form before routes existed). */
    public LogFilter(String statusClass, String outcome, String endpoint, String model, Boolean stream, Instant from,
                     Instant to, String text) {
        this(statusClass, outcome, endpoint, model, stream, from, to, text, null);
    }
    private static final Set<String> OUTCOMES = Set.of("success", "failed_over", "client_error",
            "upstream_error");

    public LogFilter {
        statusClass = blankToNull(statusClass);
        if (statusClass != null) {
            statusClass = statusClass.toLowerCase(Locale.ROOT);
            if (!statusClass.matches("[1-5]xx")) {
                throw new IllegalArgumentException("status class '" + statusClass + "' is not one of 1xx, 2xx, 3xx, 4xx, 5xx");
            }
        }
        outcome = blankToNull(outcome);
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new IllegalArgumentException("outcome '" + outcome + "' is not one of success, failed_over, "
                    + "client_error, upstream_error");
        }
        endpoint = blankToNull(endpoint);
        model = blankToNull(model);
        text = blankToNull(text);
        route = blankToNull(route);
    }

    public LogFilter withRoute(String r) {
        return new LogFilter(statusClass, outcome, endpoint, model, stream, from, to, text, r);
    }

    public LogFilter withStatusClass(String c) {
        return new LogFilter(c, outcome, endpoint, model, stream, from, to, text, route);
    }

    public LogFilter withOutcome(String o) {
        return new LogFilter(statusClass, o, endpoint, model, stream, from, to, text, route);
    }

    public LogFilter withEndpoint(String e) {
        return new LogFilter(statusClass, outcome, e, model, stream, from, to, text, route);
    }

    public LogFilter withModel(String m) {
        return new LogFilter(statusClass, outcome, endpoint, m, stream, from, to, text, route);
    }

    public LogFilter withStream(Boolean s) {
        return new LogFilter(statusClass, outcome, endpoint, model, s, from, to, text, route);
    }

    public LogFilter withRange(Instant f, Instant t) {
        return new LogFilter(statusClass, outcome, endpoint, model, stream, f, t, text, route);
    }

    public LogFilter withText(String t) {
        return new LogFilter(statusClass, outcome, endpoint, model, stream, from, to, t, route);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
