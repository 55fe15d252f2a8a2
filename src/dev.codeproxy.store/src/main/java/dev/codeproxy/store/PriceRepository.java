package dev.codeproxy.store;

import dev.codeproxy.core.pricing.ModelPrice;
import dev.codeproxy.core.pricing.PriceOverride;
import dev.codeproxy.core.pricing.PriceTable;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The user's price overrides over the bundled table. Every change bumps
 * {@code store_meta.price_overrides_version} in the same transaction, so {@link #table()} (used
 * by the request-log writer for every batch) rereads overrides only after a change, made by any
 * process. New prices apply to requests logged after the change; stored costs are not rewritten.
 */
public final class PriceRepository {
    private static final String VERSION_KEY = "price_overrides_version";

    private final DbClient db;
    private volatile Cached cached;

    private record Cached(long version, PriceTable table) {
    }

    public PriceRepository(DbClient db) {
        this.db = db;
    }

    public PriceRepository(Database database) {
        this(database.client());
    }

    /** Every override, by pattern. */
    public List<PriceOverride> overrides() {
        return overrides(db.execute());
    }

    /** Adds or replaces the override for its pattern. */
    public void put(PriceOverride o) {
        change(tx -> upsert(tx, o));
    }

    /** Removes the override for a pattern (as written, case-insensitive); false when there was none. */
    public boolean remove(String pattern) {
        String p = pattern == null ? "" : pattern.strip().toLowerCase(Locale.ROOT);
        boolean[] removed = new boolean[1];
        change(tx -> removed[0] = tx.delete("DELETE FROM price_overrides WHERE pattern = ?", p) > 0);
        return removed[0];
    }

    /** Makes the overrides exactly {@code overrides}. */
    public void replaceAll(Collection<PriceOverride> overrides) {
        change(tx -> {
            tx.delete("DELETE FROM price_overrides");
            for (PriceOverride o : overrides) {
                upsert(tx, o);
            }
        });
    }

    /** Drops every override: the bundled table alone prices requests again. */
    public void resetToBundled() {
        change(tx -> tx.delete("DELETE FROM price_overrides"));
    }

    /** Changes so far (0 before the first). */
    public long version() {
        return db.execute().get("SELECT value FROM store_meta WHERE key = ?", VERSION_KEY)
                .map(r -> Rows.lng(r, "value")).orElse(0L);
    }

    /** The bundled table with the current overrides; reread only when {@link #version()} moved. */
    public PriceTable table() {
        long v = version();
        Cached c = cached;
        if (c == null || c.version() != v) {
            c = new Cached(v, PriceTable.bundled().withOverrides(overrides()));
            cached = c;
        }
        return c.table();
    }

    private void change(Consumer<DbTransaction> work) {
        Transactions.inTransaction(db, tx -> {
            work.accept(tx);
            tx.dml("INSERT INTO store_meta(key, value) VALUES (?, 1) "
                    + "ON CONFLICT(key) DO UPDATE SET value = store_meta.value + 1", VERSION_KEY);
            return null;
        });
    }

    private static void upsert(DbExecute tx, PriceOverride o) {
        ModelPrice p = o.price();
        tx.dml("INSERT INTO price_overrides(pattern, input, output, cache_write_5m, cache_write_1h, cache_read, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(pattern) DO UPDATE SET input = excluded.input, "
                        + "output = excluded.output, cache_write_5m = excluded.cache_write_5m, "
                        + "cache_write_1h = excluded.cache_write_1h, cache_read = excluded.cache_read, "
                        + "updated_at = excluded.updated_at",
                o.pattern(), p.input().toPlainString(), p.output().toPlainString(), p.cacheWrite5m().toPlainString(),
                p.cacheWrite1h().toPlainString(), p.cacheRead().toPlainString(), System.currentTimeMillis());
    }

    private static List<PriceOverride> overrides(DbExecute ex) {
        try (var rows = ex.query("SELECT pattern, input, output, cache_write_5m, cache_write_1h, cache_read "
                + "FROM price_overrides ORDER BY pattern")) {
            return rows.map(PriceRepository::map).toList();
        }
    }

    private static PriceOverride map(DbRow r) {
        return new PriceOverride(Rows.str(r, "pattern"), ModelPrice.of(Rows.str(r, "input"), Rows.str(r, "output"),
                Rows.str(r, "cache_write_5m"), Rows.str(r, "cache_write_1h"), Rows.str(r, "cache_read")));
    }
}
