package dev.codeproxy.store;

import dev.codeproxy.core.wire.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One server per data directory: an exclusive lock on {@value #LOCK_FILE} (mode 0600) held for
 * the server's lifetime, and {@value #INFO_FILE} (0600) naming its pid and URL so that a second
 * {@code serve} can say which one is running. The operating system releases the lock when the
 * process ends, however it ends ({@code kill -9} included), so a stale lock cannot block a
 * restart; {@value #INFO_FILE} is only read while the lock is held by someone.
 *
 * <p>The lock file itself is never deleted (deleting a lock file lets two processes lock two
 * different files). One-shot commands ({@code import}, {@code endpoint ...}) do not take it:
 * they may run next to the server, which notices their changes.
 */
public final class InstanceLock implements AutoCloseable {
    /** The lock file in the data directory. */
    public static final String LOCK_FILE = "server.lock";
    /** Who holds the lock: {@code {"pid":..,"url":..,"startedAt":..}}. */
    public static final String INFO_FILE = "server.json";

    /** Data directories held by this process: a second lock from the same JVM would not conflict. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    /** Another process probing the lock ({@link #isServing}) holds it for a moment: try again this often. */
    private static final int ATTEMPTS = 20;

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final long pid = ProcessHandle.current().pid();
    private final Instant startedAt = Instant.now();
    private volatile boolean closed;

    private InstanceLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the data directory's lock (creating the directory, mode 0700, if needed).
     *
     * @throws AlreadyServing another server holds it
     * @throws UncheckedIOException the lock file cannot be created or locked
     */
    public static InstanceLock acquire(Path dataDir) {
        DataDir.ensure(dataDir);
        Path dir = real(dataDir);
        if (!HELD.add(dir)) {
            throw new AlreadyServing(dataDir, Info.read(dir));
        }
        boolean ok = false;
        try {
            Path file = dir.resolve(LOCK_FILE);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            DataDir.ownerOnly(file);
            try {
                FileLock l = null;
                for (int i = 0; i < ATTEMPTS && l == null; i++) {
                    l = ch.tryLock();
                    if (l == null) {
                        Thread.sleep(25);
                    }
                }
                if (l == null) {
                    throw new AlreadyServing(dataDir, Info.read(dir));
                }
                InstanceLock held = new InstanceLock(dir, ch, l);
                held.writeInfo(null);
                ok = true;
                return held;
            } finally {
                if (!ok) {
                    ch.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the data directory " + dataDir + " (" + LOCK_FILE + "): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while locking the data directory " + dataDir, e);
        } finally {
            if (!ok) {
                HELD.remove(dir);
            }
        }
    }

    /**
     * Whether a server runs on this data directory now: its lock is held, by this process or
     * another. Never creates anything; a directory or lock file that does not exist means no.
     */
    public static boolean isServing(Path dataDir) {
        Path dir;
        try {
            dir = dataDir.toRealPath();
        } catch (IOException e) {
            return false;
        }
        if (HELD.contains(dir)) {
            return true;
        }
        // a shared lock conflicts with the server's exclusive one and is dropped at once
        try (FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.READ)) {
            FileLock probe = ch.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The server running on this data directory as its {@value #INFO_FILE} names it, or empty
     * when none runs (or it has not said where it listens yet). Never creates anything.
     */
    public static Optional<Info> running(Path dataDir) {
        if (!isServing(dataDir)) {
            return Optional.empty();
        }
        Info i = Info.read(dataDir);
        return i.url() == null ? Optional.empty() : Optional.of(i);
    }

    /** Records the URL the server answers on (after it listens, and again when it moves). */
    public void serving(String url) {
        writeInfo(url);
    }

    /** The lock file. */
    public Path lockFile() {
        return dir.resolve(LOCK_FILE);
    }

    /** This process id. */
    public long pid() {
        return pid;
    }

    private void writeInfo(String url) {
        String json = "{\"pid\":" + pid + ",\"url\":" + (url == null ? "null" : "\"" + Json.escape(url)
                + "\"") + ",\"startedAt\":\"" + startedAt + "\"}\n";
        Path file = dir.resolve(INFO_FILE);
        try {
            Path tmp = Files.createTempFile(dir, INFO_FILE, ".tmp");
            DataDir.ownerOnly(tmp);
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes {@value #INFO_FILE} and releases the lock. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.deleteIfExists(dir.resolve(INFO_FILE));
        } catch (IOException e) {
            // a stale info file is never read without a live lock holder
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        } finally {
            HELD.remove(dir);
        }
    }

    private static Path real(Path dataDir) {
        try {
            return dataDir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** What {@value #INFO_FILE} says about the server holding the lock. */
    public record Info(long pid, String url) {
        static Info read(Path dir) {
            try {
                String s = Files.readString(dir.resolve(INFO_FILE), StandardCharsets.UTF_8);
                try (var r = jakarta.json.Json.createReader(new StringReader(s))) {
                    var o = r.readObject();
                    long pid = o.get("pid") instanceof JsonNumber n ? n.longValue() : -1;
                    String url = o.get("url") instanceof JsonString u ? u.getString() : null;
                    return new Info(pid, url);
                }
            } catch (IOException | RuntimeException e) {
                return new Info(-1, null);
            }
        }
    }

    /** A second server on a data directory that one already serves. The message is one line naming it. */
    public static final class AlreadyServing extends IllegalStateException {
        private final transient Info holder;

        AlreadyServing(Path dataDir, Info holder) {
            super("another Code Proxy is already serving the data directory " + dataDir + " ("
                    + (holder.pid() > 0 ? "pid " + holder.pid() : "pid unknown")
                    + (holder.url() != null ? ", " + holder.url() : ", still starting")
                    + "); stop it first, or use another --data-dir");
            this.holder = holder;
        }

        /** The running server as its {@value #INFO_FILE} names it (pid -1 and null URL when unknown). */
        public Info holder() {
            return holder;
        }
    }
}
