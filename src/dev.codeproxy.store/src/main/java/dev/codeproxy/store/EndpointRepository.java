package dev.codeproxy.store;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.EndpointCompat;
import dev.codeproxy.core.endpoint.ModelMap;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Endpoints in the database. Priorities are kept dense (1..n) so "first" always means something. */
public final class EndpointRepository {
    private static final String COLUMNS = "id, name, note, enabled, priority, weight, base_url, api_key, auth_style, "
            + "timeout_ms, model_default, model_small_fast, model_haiku, model_sonnet, model_opus, disable_nonessential, "
            + "headers_timeout_ms, compat";

    private final DbClient db;

    public EndpointRepository(DbClient db) {
        this.db = db;
    }

    /** Every endpoint, in priority order. */
    public List<Endpoint> list() {
        return list(db.execute());
    }

    private static List<Endpoint> list(DbExecute ex) {
        try (var rows = ex.query("SELECT " + COLUMNS + " FROM endpoints ORDER BY priority, id")) {
            return rows.map(EndpointRepository::map).toList();
        }
    }

    public Optional<Endpoint> byName(String name) {
        return db.execute().get("SELECT " + COLUMNS + " FROM endpoints WHERE name = ?", name).map(EndpointRepository::map);
    }

    public Optional<Endpoint> byId(long id) {
        return db.execute().get("SELECT " + COLUMNS + " FROM endpoints WHERE id = ?", id).map(EndpointRepository::map);
    }

    /**
     * Adds an endpoint at the end of the priority order, or at its priority when it has one
     * within the list (the others move down). Returns it with its id.
     */
    public Endpoint add(Endpoint e) {
        return inTransaction(tx -> {
            Endpoint stored = insert(tx, e);
            renumber(tx, stored.id(), e.priority());
            return byId(tx, stored.id());
        });
    }

    /** Replaces an endpoint's fields; an empty key keeps the stored key. */
    public Optional<Endpoint> update(Endpoint e) {
        return inTransaction(tx -> {
            Optional<Endpoint> old = tx.get("SELECT " + COLUMNS + " FROM endpoints WHERE id = ?", e.id())
                    .map(EndpointRepository::map);
            if (old.isEmpty()) {
                return Optional.<Endpoint>empty();
            }
            String key = e.apiKey().isEmpty() ? old.get().apiKey() : e.apiKey();
            tx.update("UPDATE endpoints SET name = ?, note = ?, enabled = ?, weight = ?, base_url = ?, api_key = ?, "
                            + "auth_style = ?, timeout_ms = ?, model_default = ?, model_small_fast = ?, model_haiku = ?, "
                            + "model_sonnet = ?, model_opus = ?, disable_nonessential = ?, headers_timeout_ms = ?, compat = ?, updated_at = ? "
                            + "WHERE id = ?",
                    e.name(), e.note(), e.enabled() ? 1 : 0, e.weight(), e.baseUrl(), key, e.authStyle().wire(),
                    e.timeoutMs(), e.models().defaultModel(), e.models().smallFast(), e.models().haiku(),
                    e.models().sonnet(), e.models().opus(), e.disableNonessentialTraffic() ? 1 : 0,
                    e.headersTimeoutMs(), e.compat().json(), System.currentTimeMillis(), e.id());
            if (e.priority() != old.get().priority()) {
                renumber(tx, e.id(), e.priority());
            }
            return Optional.of(byId(tx, e.id()));
        });
    }

    public boolean delete(long id) {
        return inTransaction(tx -> {
            boolean gone = tx.delete("DELETE FROM endpoints WHERE id = ?", id) > 0;
            renumber(tx, -1, 0);
            return gone;
        });
    }

    public boolean setEnabled(long id, boolean enabled) {
        return db.execute().update("UPDATE endpoints SET enabled = ?, updated_at = ? WHERE id = ?", enabled ? 1 : 0,
                System.currentTimeMillis(), id) > 0;
    }

    /**
     * Imports endpoints. {@code replace}: the stored list becomes exactly the file's. Merge:
     * endpoints are matched by name (case-insensitive) and updated, new ones are appended; an
     * empty key in the file keeps the stored key (exports leave keys out by default).
     */
    public List<Endpoint> importAll(List<Endpoint> incoming, boolean replace) {
        return inTransaction(tx -> {
            Map<String, Endpoint> existing = list(tx).stream()
                    .collect(Collectors.toMap(x -> x.name().toLowerCase(Locale.ROOT), Function.identity()));
            if (replace) {
                tx.delete("DELETE FROM endpoints");
            }
            List<Endpoint> sorted = new ArrayList<>(incoming);
            sorted.sort(Comparator.comparingInt(Endpoint::priority));
            for (Endpoint e : sorted) {
                Endpoint old = existing.get(e.name().toLowerCase(Locale.ROOT));
                Endpoint withKey = e.apiKey().isEmpty() && old != null ? e.withApiKey(old.apiKey()) : e;
                if (!replace && old != null) {
                    tx.delete("DELETE FROM endpoints WHERE id = ?", old.id());
                }
                insert(tx, withKey.withPriority(Integer.MAX_VALUE));
            }
            if (replace) {
                // file order is the priority order
                renumber(tx, -1, 0);
            } else {
                for (Endpoint e : sorted) {
                    long id = Rows.lng(tx.get("SELECT id FROM endpoints WHERE name = ?", e.name()).orElseThrow(), "id");
                    renumber(tx, id, e.priority());
                }
            }
            return list(tx);
        });
    }

    /** Moves endpoints into the given id order (ids not listed keep their relative order after them). */
    public List<Endpoint> reorder(List<Long> ids) {
        return inTransaction(tx -> {
            List<Endpoint> all = list(tx);
            List<Long> order = new ArrayList<>(ids);
            for (Endpoint e : all) {
                if (!order.contains(e.id())) {
                    order.add(e.id());
                }
            }
            int p = 1;
            for (Long id : order) {
                tx.update("UPDATE endpoints SET priority = ? WHERE id = ?", p++, id);
            }
            return list(tx);
        });
    }

    private static Endpoint insert(DbExecute tx, Endpoint e) {
        long now = System.currentTimeMillis();
        tx.insert("INSERT INTO endpoints(name, note, enabled, priority, weight, base_url, api_key, auth_style, timeout_ms, "
                        + "model_default, model_small_fast, model_haiku, model_sonnet, model_opus, disable_nonessential, "
                        + "headers_timeout_ms, compat, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "?, ?)",
                e.name(), e.note(), e.enabled() ? 1 : 0, Integer.MAX_VALUE, e.weight(), e.baseUrl(), e.apiKey(),
                e.authStyle().wire(), e.timeoutMs(), e.models().defaultModel(), e.models().smallFast(),
                e.models().haiku(), e.models().sonnet(), e.models().opus(), e.disableNonessentialTraffic() ? 1 : 0,
                e.headersTimeoutMs(), e.compat().json(), now, now);
        long id = Rows.lng(tx.get("SELECT id FROM endpoints WHERE name = ?", e.name()).orElseThrow(), "id");
        return e.withId(id);
    }

    /** Puts {@code id} at {@code priority} (clamped to 1..n) and renumbers everyone densely. */
    private static void renumber(DbExecute tx, long id, int priority) {
        List<Endpoint> all = new ArrayList<>(list(tx));
        Endpoint moved = null;
        for (Endpoint e : all) {
            if (e.id() == id) {
                moved = e;
            }
        }
        if (moved != null) {
            all.remove(moved);
            int at = Math.max(0, Math.min(all.size(), priority - 1));
            all.add(at, moved);
        }
        int p = 1;
        for (Endpoint e : all) {
            if (e.priority() != p) {
                tx.update("UPDATE endpoints SET priority = ? WHERE id = ?", p, e.id());
            }
            p++;
        }
    }

    private static Endpoint byId(DbExecute tx, long id) {
        return tx.get("SELECT " + COLUMNS + " FROM endpoints WHERE id = ?", id).map(EndpointRepository::map).orElseThrow();
    }

    private <T> T inTransaction(Function<DbTransaction, T> work) {
        return Transactions.inTransaction(db, work);
    }

    private static Endpoint map(DbRow r) {
        return new Endpoint(
                Rows.lng(r, "id"),
                Rows.text(r, "name"),
                Rows.text(r, "note"),
                Rows.integer(r, "enabled") != 0,
                Rows.integer(r, "priority"),
                Rows.integer(r, "weight"),
                Rows.text(r, "base_url"),
                Rows.text(r, "api_key"),
                AuthStyle.parse(Rows.text(r, "auth_style")).orElse(AuthStyle.X_API_KEY),
                Rows.lng(r, "timeout_ms"),
                new ModelMap(Rows.text(r, "model_default"), Rows.text(r, "model_small_fast"),
                        Rows.text(r, "model_haiku"), Rows.text(r, "model_sonnet"),
                        Rows.text(r, "model_opus")),
                Rows.integer(r, "disable_nonessential") != 0,
                Rows.lng(r, "headers_timeout_ms"),
                EndpointCompat.parseJson(Rows.text(r, "compat")));
    }
}
