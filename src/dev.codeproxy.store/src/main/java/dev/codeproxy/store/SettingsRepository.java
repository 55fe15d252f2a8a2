package dev.codeproxy.store;

import dev.codeproxy.core.settings.SettingKey;
import dev.codeproxy.core.settings.Settings;
import io.helidon.dbclient.DbClient;

import java.util.LinkedHashMap;
import java.util.Map;

/** Stored settings: one row per setting that differs from its default or was set explicitly. */
public final class SettingsRepository {
    private final DbClient db;

    public SettingsRepository(DbClient db) {
        this.db = db;
    }

    /** The stored settings over the defaults. A stored value that no longer parses falls back to its default. */
    public Settings load() {
        Map<String, String> m = new LinkedHashMap<>();
        try (var rows = db.execute().query("SELECT key, value FROM settings")) {
            rows.forEach(r -> m.put(Rows.text(r, "key"), Rows.text(r, "value")));
        }
        Map<String, String> valid = new LinkedHashMap<>();
        m.forEach((k, v) -> SettingKey.byKey(k)
                .filter(key -> key.parse(v).isPresent())
                .ifPresent(key -> valid.put(k, v)));
        return Settings.fromMap(valid);
    }

    /** Stores validated string forms (see {@link dev.codeproxy.core.settings.SettingKey}). */
    public void putAll(Map<String, String> values) {
        Settings.DEFAULTS.with(values); // validates; throws IllegalArgumentException naming the bad value
        Transactions.inTransaction(db, tx -> {
            for (var e : values.entrySet()) {
                tx.dml("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        e.getKey(), e.getValue());
            }
            return null;
        });
    }
}
