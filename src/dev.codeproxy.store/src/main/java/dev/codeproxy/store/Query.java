package dev.codeproxy.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Read queries over plain JDBC, for the statistics, usage and log pages, which read up to
 * thousands of rows per call. Helidon's DB Client builds each row's column metadata anew (the
 * column's Java class by {@code Class.forName}, its name and declared type through the driver):
 * about 50 us a row, so that one dashboard reload over a 30-day range of hourly aggregates took
 * 100-250 ms of CPU. Here the columns are looked up once per query and a row is its values.
 *
 * <p>Same shape as the DB Client's {@code execute().query / get}: positional parameters, a
 * stream to close (it holds the connection), values as the driver returns them.
 */
public final class Query {
    private final Database database;

    public Query(Database database) {
        this.database = database;
    }

    /** One row: the values of its columns, read by label (case does not matter). */
    public static final class Row {
        private final Map<String, Integer> columns;
        private final Object[] values;

        private Row(Map<String, Integer> columns, Object[] values) {
            this.columns = columns;
            this.values = values;
        }

        /** The column's value (null for SQL NULL); an unknown label is a programming error. */
        public Object get(String column) {
            Integer i = columns.get(column);
            if (i == null) {
                i = columns.get(column.toLowerCase(Locale.ROOT));
                if (i == null) {
                    throw new IllegalArgumentException("no column " + column + " in this row; it has " + columns.keySet());
                }
            }
            return values[i];
        }
    }

    /** The rows of a query, in order. Close the stream (try-with-resources): it holds a connection. */
    public Stream<Row> query(String sql, Object... params) {
        Connection c = null;
        PreparedStatement ps = null;
        ResultSet rs = null;
        try {
            c = database.connection();
            ps = c.prepareStatement(sql);
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            rs = ps.executeQuery();
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            Map<String, Integer> columns = new HashMap<>(n * 2);
            for (int i = 1; i <= n; i++) {
                columns.putIfAbsent(md.getColumnLabel(i), i - 1);
                columns.putIfAbsent(md.getColumnLabel(i).toLowerCase(Locale.ROOT), i - 1);
            }
            ResultSet cursor = rs;
            AutoCloseable[] held = {rs, ps, c};
            Spliterator<Row> rows = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
                @Override
                public boolean tryAdvance(Consumer<? super Row> action) {
                    try {
                        if (!cursor.next()) {
                            return false;
                        }
                        Object[] values = new Object[n];
                        for (int i = 0; i < n; i++) {
                            values[i] = cursor.getObject(i + 1);
                        }
                        action.accept(new Row(columns, values));
                        return true;
                    } catch (SQLException e) {
                        throw failed(sql, e);
                    }
                }
            };
            return StreamSupport.stream(rows, false).onClose(() -> closeAll(held));
        } catch (SQLException | RuntimeException e) {
            closeAll(new AutoCloseable[] {rs, ps, c});
            throw e instanceof SQLException s ? failed(sql, s) : (RuntimeException) e;
        }
    }

    /** The first row of a query, if it has one. */
    public Optional<Row> get(String sql, Object... params) {
        try (Stream<Row> rows = query(sql, params)) {
            return rows.findFirst();
        }
    }

    private static IllegalStateException failed(String sql, SQLException e) {
        return new IllegalStateException("query failed: " + e.getMessage() + " (" + sql + ")", e);
    }

    private static void closeAll(AutoCloseable[] held) {
        for (AutoCloseable a : held) {
            if (a != null) {
                try {
                    a.close();
                } catch (Exception ignored) {
                    // closing after the rows were read (or after a failure): nothing more to do
                }
            }
        }
    }
}
