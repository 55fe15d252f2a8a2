package dev.codeproxy.claude;

import java.nio.file.Path;

/**
 * Claude Code's {@code settings.json} points at another Code Proxy that is running (another data
 * directory): it keeps Claude Code, this one leaves the file alone. Naming it is the point: an
 * instance never takes over silently, and never takes over at all while the other runs.
 */
public final class HeldByAnotherProxy extends ClaudeSettingsException {
    private final transient Path dataDir;
    private final long pid;
    private final String url;

    HeldByAnotherProxy(Path settings, Claim holder) {
        super(settings, settings + " points at another Code Proxy that is running (" + holder.describe()
                + "); it keeps Claude Code until it stops, so this one leaves the file alone (stop the other one "
                + "first, then apply again)");
        this.dataDir = holder.dataDir();
        this.pid = holder.pid();
        this.url = holder.url();
    }

    /** The other instance's data directory. */
    Path dataDir() {
        return dataDir;
    }

    /** The other instance's process id. */
    public long pid() {
        return pid;
    }

    /** The other instance's URL, or null if it gave none. */
    public String url() {
        return url;
    }
}
