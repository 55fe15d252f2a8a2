package dev.codeproxy.app;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table for the terminal: a header, a rule, rows and an optional total row under a
 * second rule. Columns whose every cell is a number or a cost are right-aligned, the others left.
 */
final class TextTable {
    private final String[] head;
    private final List<String[]> rows = new ArrayList<>();
    private String[] total;

    TextTable(String... head) {
        this.head = head;
    }

    void row(String... cells) {
        rows.add(cells);
    }

    void total(String... cells) {
        total = cells;
    }

    /** The table, or {@code empty} (one line) when it has no rows. */
    String render(String empty) {
        String nl = System.lineSeparator();
        if (rows.isEmpty()) {
            return empty + nl;
        }
        int[] w = new int[head.length];
        boolean[] right = new boolean[head.length];
        for (int c = 0; c < head.length; c++) {
            w[c] = head[c].length();
            right[c] = true;
            for (String[] r : all()) {
                w[c] = Math.max(w[c], r[c].length());
                if (!r[c].isEmpty() && !r[c].matches("\\$?-?[0-9][0-9.,]*")) {
                    right[c] = false;
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, head, w, right);
        rule(sb, w);
        for (String[] r : rows) {
            line(sb, r, w, right);
        }
        if (total != null) {
            rule(sb, w);
            line(sb, total, w, right);
        }
        return sb.toString();
    }

    private List<String[]> all() {
        List<String[]> l = new ArrayList<>(rows);
        if (total != null) {
            l.add(total);
        }
        return l;
    }

    private static void line(StringBuilder sb, String[] cells, int[] w, boolean[] right) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < w.length; c++) {
            if (c > 0) {
                l.append("  ");
            }
            String v = cells[c];
            String pad = " ".repeat(w[c] - v.length());
            l.append(right[c] ? pad + v : v + pad);
        }
        sb.append(l.toString().stripTrailing()).append(System.lineSeparator());
    }

    private static void rule(StringBuilder sb, int[] w) {
        int len = 0;
        for (int x : w) {
            len += x;
        }
        sb.append("-".repeat(len + 2 * (w.length - 1))).append(System.lineSeparator());
    }
}
