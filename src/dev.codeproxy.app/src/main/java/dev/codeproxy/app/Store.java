package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.SelfLoop;
import dev.codeproxy.core.errors.Errors;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.DatabaseUrl;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.store.SettingsRepository;

import java.nio.file.Files;
import java.nio.file.Path;

/** The database opened by a one-shot command (import, export, endpoint ...). */
final class Store implements AutoCloseable {
    final Database db;
    final EndpointRepository endpoints;
    final SettingsRepository settings;

    /** Opens the data directory's database, creating both when missing (commands that write). */
    Store(Path dataDir) {
        this(dataDir, null);
    }

    /** Opens the shared database {@code url} (null: the data directory's SQLite file). */
    Store(Path dataDir, DatabaseUrl url) {
        this.db = open(dataDir, url);
        this.endpoints = new EndpointRepository(db.client());
        this.settings = new SettingsRepository(db.client());
    }

    /**
     * Opens an existing database only: commands that read (or change what must already be there)
     * never create a data directory, so a mistyped {@code --data-dir} is an error, not "nothing".
     *
     * @param source how the directory was named ("--data-dir ", "CODE_PROXY_DATA_DIR=" or "")
     */
    static Store existing(Path dataDir, String source) {
        return existing(dataDir, source, null);
    }

    /** As {@link #existing(Path, String)}; a shared database ({@code url} not null) exists by being reachable. */
    static Store existing(Path dataDir, String source, DatabaseUrl url) {
        if (url != null) {
            return new Store(dataDir, url);
        }
        Path file = dataDir.resolve(Database.FILE_NAME);
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new CommandFailure(source + dataDir + ": not a directory; the data directory must be one");
        }
        if (!Files.isRegularFile(file)) {
            throw new CommandFailure(source + dataDir + ": no Code Proxy data there (no " + Database.FILE_NAME
                    + "); check the path, or set up with code-proxy import or code-proxy endpoint add");
        }
        return new Store(dataDir);
    }

    /** Opens the database; failures become one line naming the directory or file and what is wrong. */
    static Database open(Path dataDir) {
        return open(dataDir, null);
    }

    /**
     * Opens the shared database {@code url}, or with a null url the data directory's; failures
     * become one line naming the database (never its password) and what is wrong.
     */
    static Database open(Path dataDir, DatabaseUrl url) {
        requireDirectory(dataDir);
        try {
            return Database.open(dataDir, url);
        } catch (RuntimeException e) {
            throw new CommandFailure(url != null ? Errors.rootMessage(e) : describe(dataDir, e));
        }
    }

    /** Refuses a data directory that exists as something other than a directory, naming it. */
    static void requireDirectory(Path dataDir) {
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new CommandFailure(dataDir + ": not a directory; the data directory must be one");
        }
    }

    /** Why the database in {@code dataDir} could not be opened, in one line. */
    static String describe(Path dataDir, Throwable e) {
        Path file = dataDir.resolve(Database.FILE_NAME);
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(' ').append(t.getMessage());
        }
        String text = all.toString();
        if (text.contains("SQLITE_NOTADB") || text.contains("not a database")) {
            return file + ": not a Code Proxy database (SQLite: file is not a database); move it away or use "
                    + "another --data-dir";
        }
        if (text.contains("SQLITE_CORRUPT")) {
            return file + ": the database is corrupt (SQLite: SQLITE_CORRUPT); restore it from a backup or move it away";
        }
        if (text.contains("SQLITE_READONLY") || text.contains("Permission denied") || text.contains("AccessDenied")) {
            return file + ": cannot be written (permission denied); check the owner and mode of " + dataDir;
        }
        return Errors.rootMessage(e);
    }

    /** Why an endpoint's URL points back at this proxy's configured listener (it would call itself), or null. */
    String selfLoop(Endpoint e) {
        var s = settings.load();
        return SelfLoop.pointsAtProxy(e.baseUrl(), s.host(), s.port()) ? SelfLoop.message(e.baseUrl(), s.port()) : null;
    }

    @Override
    public void close() {
        db.close();
    }
}
