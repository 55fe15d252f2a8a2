package dev.codeproxy.store;

import io.helidon.dbclient.DbRow;

/**
 * Column readers that accept what sqlite-jdbc actually returns (Integer or Long for INTEGER
 * columns) and what PostgreSQL's driver does (Long, BigDecimal for sums, Boolean for
 * {@code EXISTS} and comparisons), shared by the repositories (DB Client rows) and the log,
 * statistics and usage queries ({@link Query} rows). Both kinds of row are read the same way.
 */
public final class Rows {
    private Rows() {
    }

    public static long lng(DbRow r, String col) {
        return lng(value(r, col));
    }

    public static int integer(DbRow r, String col) {
        return (int) lng(r, col);
    }

    /** Text, or null when the column is NULL. */
    public static String str(DbRow r, String col) {
        return str(value(r, col));
    }

    /** Text, or the empty string when the column is NULL. */
    public static String text(DbRow r, String col) {
        return text(value(r, col));
    }

    public static long lng(Query.Row r, String col) {
        return lng(r.get(col));
    }

    public static int integer(Query.Row r, String col) {
        return (int) lng(r, col);
    }

    public static boolean bool(Query.Row r, String col) {
        return lng(r, col) != 0;
    }

    /** Text, or null when the column is NULL. */
    public static String str(Query.Row r, String col) {
        return str(r.get(col));
    }

    /** Text, or the empty string when the column is NULL. */
    public static String text(Query.Row r, String col) {
        return text(r.get(col));
    }

    /** Bytes, or null when the column is NULL. */
    public static byte[] bytes(Query.Row r, String col) {
        return (byte[]) r.get(col);
    }

    private static Object value(DbRow r, String col) {
        return r.column(col).orElse(null);
    }

    private static long lng(Object v) {
        return v == null ? 0 : v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
    }

    private static String str(Object v) {
        return v == null ? null : v.toString();
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }
}
