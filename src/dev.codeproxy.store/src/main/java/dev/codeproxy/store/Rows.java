package dev.codeproxy.store;

import io.helidon.dbclient.DbRow;

/** Column readers that accept what sqlite-jdbc actually returns (Integer or Long for INTEGER columns). */
final class Rows {
    private Rows() {
    }

    static long lng(DbRow r, String col) {
        Object v = r.column(col).get();
        return v == null ? 0 : ((Number) v).longValue();
    }

    static int integer(DbRow r, String col) {
        return (int) lng(r, col);
    }

    static String str(DbRow r, String col) {
        Object v = r.column(col).get();
        return v == null ? "" : v.toString();
    }
}
