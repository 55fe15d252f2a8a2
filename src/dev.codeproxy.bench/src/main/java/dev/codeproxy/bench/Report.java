package dev.codeproxy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The result table (metric | measured | target | met?) and free-form notes. */
final class Report {
    record Row(String metric, String measured, String target, String met) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** A row with a target; {@code met} null means "could not be measured". */
    void row(String metric, String measured, String target, Boolean met) {
        rows.add(new Row(metric, measured, target, met == null ? "n/a" : met ? "yes" : "**no**"));
        System.out.printf("  %-58s %s%n", metric, measured);
    }

    /** An informational row (no target). */
    void info(String metric, String measured) {
        rows.add(new Row(metric, measured, "", ""));
        System.out.printf("  %-58s %s%n", metric, measured);
    }

    void note(String text) {
        notes.add(text);
        System.out.println("  note: " + text);
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| metric | measured | target | met? |\n|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.metric).append(" | ").append(r.measured).append(" | ").append(r.target)
                    .append(" | ").append(r.met).append(" |\n");
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
        }
        return sb.toString();
    }

    static String ms(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.3f ms" : "%.1f ms", v);
    }

    static String num(double v, String fmt) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, fmt, v);
    }
}
