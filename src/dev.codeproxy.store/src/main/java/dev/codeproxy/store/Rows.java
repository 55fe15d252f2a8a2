package dev.codeproxy.store;

import io.helidon.dbclient.DbRow;

/**
 * Column readers that accept what sqlite-jdbc actually returns (Integer or Long for INTEGER
 * columns) and what PostgreSQL's driver does (Long, BigDecimal for sums, Boolean for
 * {@code EXISTS} and comparisons), shared by the repositories, the log and the statistics queries.
 */
public final class Rows {
    private Rows() {
    }

    public static long lng(DbRow r, String col) {
        return lng(r.column(col).orElse(null));
    }

    public static long lng(Query.Row r, String col) {
        return lng(r.get(col));
    }

    private static long lng(Object v) {
        return v == null ? 0 : v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
    }

    public static int integer(Query.Row r, String col) {
        return (int) lng(r, col);
    }

    public static String str(Query.Row r, String col) {
        Object v = r.get(col);
        return v == null ? null : v.toString();
    }

    public static String text(Query.Row r, String col) {
        String s = str(r, col);
        return s == null ? "" : s;
    }

    public static boolean bool(Query.Row r, String col) {
        return lng(r, col) != 0;
    }

    public static byte[] bytes(Query.Row r, String col) {
        return (byte[]) r.get(col);
    }

    public static int integer(DbRow r, String col) {
        return (int) lng(r, col);
    }

    public static boolean bool(DbRow r, String col) {
        return lng(r, col) != 0;
    }

    /** Text, or null when the column is NULL. */
    public static String str(DbRow r, String col) {
        Object v = r.column(col).orElse(null);
        return v == null ? null : v.toString();
    }

    /** Text, or the empty string when the column is NULL. */
    public static String text(DbRow r, String col) {
        String s = str(r, col);
        return s == null ? "" : s;
    }

    public static byte[] bytes(DbRow r, String col) {
        Object v = r.column(col).orElse(null);
        return v == null ? null : (byte[]) v;
    }
}
