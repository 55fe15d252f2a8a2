package dev.codeproxy.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Where the server of a data directory listens while it runs: {@value #FILE} holds its pid and
 * URL (written at start, removed at stop), so {@code code-proxy claude apply} points Claude Code
 * at the running server's port rather than the stored one. A file left by a crash names a pid that
 * is gone and is ignored.
 */
final class RunningServer {
    static final String FILE = "server-url";

    private RunningServer() {
    }

    static void write(Path dataDir, String url) {
        try {
            Path tmp = Files.createTempFile(dataDir, FILE, ".tmp");
            Files.writeString(tmp, ProcessHandle.current().pid() + " " + url + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // only a convenience for claude apply; the server runs without it
        }
    }

    static void remove(Path dataDir, String url) {
        read(dataDir).filter(u -> u.equals(url)).ifPresent(u -> {
            try {
                Files.deleteIfExists(dataDir.resolve(FILE));
            } catch (IOException e) {
                // a stale file names a dead pid and is ignored
            }
        });
    }

    /** The URL of the live server of this data directory, if one runs. */
    static Optional<String> read(Path dataDir) {
        try {
            String[] parts = Files.readString(dataDir.resolve(FILE), StandardCharsets.UTF_8).strip().split(" ", 2);
            long pid = Long.parseLong(parts[0]);
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive && parts.length == 2 && parts[1].startsWith("http://") ? Optional.of(parts[1]) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
