package dev.codeproxy.claude;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The Claude Code integration locks {@value #NAME} in the data directory; opened with the
 * process's umask it came out 0644 although every file there is owner-only (0600, as the README
 * says). Created owner-only here before the integration first opens it, and tightened if an
 * earlier version left it wider. Used by the running server's {@link ClaudeLifecycle} and by the
 * {@code code-proxy claude} command before they first open the ledger.
 */
public final class LedgerLock {
    static final String NAME = "claude-ledger.lock";

    private LedgerLock() {
    }

    /** Creates the lock file owner-only (0600), or narrows an existing one; quietly nothing where that is not possible. */
    public static void ownerOnly(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        Path lock = dataDir.resolve(NAME);
        try {
            try {
                Files.createFile(lock, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not POSIX, or not ours to change: the integration still works
        }
    }
}
