package dev.codeproxy.app;

import dev.codeproxy.store.Database;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.store.SettingsRepository;

import java.nio.file.Path;

/** The database opened by a one-shot command (import, export, endpoint ...). */
final class Store implements AutoCloseable {
    final Database db;
    final EndpointRepository endpoints;
    final SettingsRepository settings;

    Store(Path dataDir) {
        this.db = Database.open(dataDir);
        this.endpoints = new EndpointRepository(db.client());
        this.settings = new SettingsRepository(db.client());
    }

    /** Refuses an endpoint whose URL points back at this proxy's configured listener (it would call itself). */
    void refuseSelfLoop(dev.codeproxy.core.Endpoint e, String where) {
        var s = settings.load();
        if (dev.codeproxy.core.SelfLoop.pointsAtProxy(e.baseUrl(), s.host(), s.port())) {
            throw new UsageError(where + ": " + dev.codeproxy.core.SelfLoop.message(e.baseUrl(), s.port()));
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
