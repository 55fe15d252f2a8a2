package dev.codeproxy.claude;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/** Atomic, mode-keeping, symlink-following file writes. */
final class FileOps {
    static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private FileOps() {
    }

    /** The file somebody else changed between our read and our write; the caller starts over. */
    static final class ChangedMeanwhile extends Exception {
        ChangedMeanwhile() {
            super(null, null, false, false);
        }
    }

    /**
     * Where writes to {@code p} must go: the final target of a chain of symbolic links (also
     * when it does not exist yet), so the link itself stays a link.
     */
    static Path resolveForWrite(Path p) {
        Path cur = p.toAbsolutePath();
        try {
            for (int hops = 0; hops < 40; hops++) {
                if (!Files.isSymbolicLink(cur)) {
                    if (Files.exists(cur)) {
                        return cur.toRealPath();
                    }
                    Path parent = cur.getParent();
                    return parent != null && Files.isDirectory(parent)
                            ? parent.toRealPath().resolve(cur.getFileName()) : cur;
                }
                Path target = Files.readSymbolicLink(cur);
                cur = cur.resolveSibling(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + p + ": " + e.getMessage(), e);
        }
        throw new UncheckedIOException(new IOException("too many levels of symbolic links: " + p));
    }

    /** The file's bytes, or null if it does not exist. */
    static byte[] readIfExists(Path real) {
        try {
            return Files.readAllBytes(real);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + real + ": " + e.getMessage(), e);
        }
    }

    static boolean isRegularOrMissing(Path real) {
        return !Files.exists(real) || Files.isRegularFile(real);
    }

    /**
     * Replaces {@code real} with {@code data} atomically: a temporary file in the same directory
     * with the original file's mode (or {@code newMode} for a new file), flushed, renamed over it.
     *
     * @param expected the bytes read before the change was computed (null: the file must not
     *                 exist); if the file no longer matches, nothing is written
     */
    static void replace(Path real, byte[] data, byte[] expected, Set<PosixFilePermission> newMode)
            throws ChangedMeanwhile {
        write(real, data, true, expected, newMode, true);
    }

    private static void write(Path real, byte[] data, boolean check, byte[] expected, Set<PosixFilePermission> newMode,
                              boolean keepMode) throws ChangedMeanwhile {
        Path dir = real.getParent();
        Path tmp = null;
        try {
            PosixFileAttributes orig = POSIX && keepMode && Files.exists(real)
                    ? Files.readAttributes(real, PosixFileAttributes.class) : null;
            tmp = Files.createTempFile(dir, "." + real.getFileName() + ".", ".tmp");
            if (POSIX) {
                Files.setPosixFilePermissions(tmp, orig != null ? orig.permissions() : newMode);
                if (orig != null) {
                    copyGroup(tmp, orig.group());
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (check && !Arrays.equals(readIfExists(real), expected)) {
                throw new ChangedMeanwhile();
            }
            Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            syncDir(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + real + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort; the name starts with a dot and ends in .tmp
                }
            }
        }
    }

    /** Writes a copy of {@code data} (read from {@code source}) to {@code real}, atomically, with the source's mode. */
    static void writeCopy(Path source, Path real, byte[] data) {
        try {
            Set<PosixFilePermission> mode = POSIX ? Files.getPosixFilePermissions(source) : OWNER_ONLY;
            write(real, data, false, null, mode, false);
        } catch (ChangedMeanwhile e) {
            throw new IllegalStateException(e); // not checked, cannot happen
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mode of " + source + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code real} if it still holds {@code expected}. */
    static void delete(Path real, byte[] expected) throws ChangedMeanwhile {
        if (!Arrays.equals(readIfExists(real), expected)) {
            throw new ChangedMeanwhile();
        }
        try {
            Files.deleteIfExists(real);
            syncDir(real.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + real + ": " + e.getMessage(), e);
        }
    }

    /** Writes a file only the owner can read (the ledger), atomically. */
    static void writePrivate(Path file, byte[] data) {
        try {
            write(file, data, false, null, OWNER_ONLY, false);
        } catch (ChangedMeanwhile e) {
            throw new IllegalStateException(e); // not checked, cannot happen
        }
    }

    /** A directory only the owner can enter, created with its parents if missing. */
    static void ensurePrivateDir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                if (POSIX) {
                    Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    static void createDirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes a directory if it is empty; anything else is left alone. */
    static boolean deleteIfEmptyDir(Path dir) {
        try {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                try (var s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        return false;
                    }
                }
                Files.delete(dir);
                return true;
            }
        } catch (IOException e) {
            // not empty or not ours to remove: leave it
        }
        return false;
    }

    static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + f + ": " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyGroup(Path tmp, GroupPrincipal group) {
        try {
            PosixFileAttributeView v = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            if (v != null && !v.readAttributes().group().equals(group)) {
                v.setGroup(group);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // best effort: only the owner or root may change a file's group
        }
    }

    private static void syncDir(Path dir) {
        if (!POSIX || dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system lets a directory be opened; the rename is still atomic
        }
    }
}
