package dev.codeproxy.store.log;

import io.helidon.dbclient.DbRow;

/** Column readers that accept what sqlite-jdbc returns (Integer or Long for INTEGER columns). */
final class Cols {
    private Cols() {
    }

    static long lng(DbRow r, String col) {
        Object v = r.column(col).orElse(null);
        return v == null ? 0 : ((Number) v).longValue();
    }

    static int integer(DbRow r, String col) {
        return (int) lng(r, col);
    }

    static boolean bool(DbRow r, String col) {
        return lng(r, col) != 0;
    }

    /** Text, or null when the column is NULL. */
    static String str(DbRow r, String col) {
        Object v = r.column(col).orElse(null);
        return v == null ? null : v.toString();
    }

    static byte[] bytes(DbRow r, String col) {
        Object v = r.column(col).orElse(null);
        return v == null ? null : (byte[]) v;
    }
}
