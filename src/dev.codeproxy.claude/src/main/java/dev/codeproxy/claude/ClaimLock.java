package dev.codeproxy.claude;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock on a settings file's claim ({@code settings.json.code-proxy}): serialises apply and
 * restore of one {@code settings.json} across instances — in this process by a lock, across
 * processes by a file lock on the claim file itself. The claim is read and written through
 * the locked channel; a claim left empty is deleted on release, so the file exists only while
 * an instance holds the settings.
 *
 * <p>Deleting a lock file is safe here because every holder checks, once locked, that the path
 * still names the file it locked (the same file key) and starts over if not; a file deleted by
 * the previous holder is therefore never mistaken for the lock. Where file keys are not
 * available (Windows) the empty file stays.
 */
final class ClaimLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final int ATTEMPTS = 100;

    private final Path file;
    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;
    private final boolean deletable;
    private final boolean createdDir;

    private ClaimLock(Path file, ReentrantLock local, FileChannel channel, FileLock lock, boolean deletable,
                      boolean createdDir) {
        this.file = file;
        this.local = local;
        this.channel = channel;
        this.lock = lock;
        this.deletable = deletable;
        this.createdDir = createdDir;
    }

    /**
     * Waits for the lock on {@code file}, creating it (mode 0600, and its directory) if missing.
     * A directory created here is removed again on release if nothing else was put in it.
     */
    static ClaimLock acquire(Path file) {
        Path f = file.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(f, k -> new ReentrantLock());
        local.lock();
        boolean done = false;
        boolean createdDir = !Files.isDirectory(f.getParent());
        try {
            for (int i = 0; i < ATTEMPTS; i++) {
                FileOps.createDirs(f.getParent());
                try {
                    Files.createFile(f);
                    if (FileOps.POSIX) {
                        Files.setPosixFilePermissions(f, FileOps.OWNER_ONLY);
                    }
                } catch (FileAlreadyExistsException e) {
                    // somebody holds it, or it is left empty (Windows)
                }
                Object before;
                FileChannel ch;
                try {
                    before = key(f);
                    ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException e) {
                    continue; // deleted by its previous holder meanwhile
                }
                FileLock l = null;
                try {
                    l = ch.lock();
                    Object after = key(f);
                    if (before == null || before.equals(after)) {
                        done = true;
                        return new ClaimLock(f, local, ch, l, before != null, createdDir);
                    }
                } catch (NoSuchFileException e) {
                    // deleted while we waited: the lock we got is on a file nobody else will open
                } finally {
                    if (!done) {
                        if (l != null) {
                            l.release();
                        }
                        ch.close();
                    }
                }
            }
            throw new IOException("the file kept being replaced while waiting for its lock");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + f + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                local.unlock();
            }
        }
    }

    private static Object key(Path f) throws IOException {
        return Files.readAttributes(f, BasicFileAttributes.class).fileKey();
    }

    /** The claim, or null when nobody holds the settings. */
    Claim read() {
        try {
            long size = Math.min(channel.size(), 64 * 1024);
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            channel.position(0);
            while (buf.hasRemaining() && channel.read(buf) >= 0) {
                // until full or at the end
            }
            return Claim.parse(Arrays.copyOf(buf.array(), buf.position()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the claim in place; null clears it. */
    void write(Claim c) {
        try {
            channel.truncate(0);
            if (c != null) {
                ByteBuffer b = ByteBuffer.wrap(c.toBytes());
                channel.position(0);
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Releases the lock; an empty claim is deleted first (while still locked), and a directory made for it. */
    @Override
    public void close() {
        try {
            if (deletable && channel.size() == 0) {
                Files.deleteIfExists(file);
                if (createdDir) {
                    FileOps.deleteIfEmptyDir(file.getParent());
                }
            }
        } catch (IOException e) {
            // an empty claim left behind means nobody: harmless
        } finally {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // closing releases the lock anyway
            } finally {
                local.unlock();
            }
        }
    }
}
