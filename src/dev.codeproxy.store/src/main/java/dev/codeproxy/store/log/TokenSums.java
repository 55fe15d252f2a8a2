package dev.codeproxy.store.log;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What every aggregate table sums per row: the five token kinds, the cost and the count of rows
 * without a price. One place adds them up from a log row and binds them in the order the tables'
 * columns have (input, output, 5-minute and 1-hour cache writes, cache reads, cost).
 */
final class TokenSums {
    long input;
    long output;
    long cacheWrite5m;
    long cacheWrite1h;
    long cacheRead;
    long cost;
    long unpriced;

    void add(LogRow r) {
        input += r.usage.input();
        output += r.usage.output();
        cacheWrite5m += r.usage.cacheWrite5m();
        cacheWrite1h += r.usage.cacheWrite1h();
        cacheRead += r.usage.cacheRead();
        cost += r.costMicros;
        if (!r.priced) {
            unpriced++;
        }
    }

    /** The five token kinds and the cost from parameter {@code i}; returns the next index. */
    int bind(PreparedStatement p, int i) throws SQLException {
        p.setLong(i++, input);
        p.setLong(i++, output);
        p.setLong(i++, cacheWrite5m);
        p.setLong(i++, cacheWrite1h);
        p.setLong(i++, cacheRead);
        p.setLong(i++, cost);
        return i;
    }
}
