package dev.codeproxy.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data directory's lock, in this process and against another process that holds it. */
class InstanceLockTest {
    @TempDir
    Path dir;

    @Test
    void oneHolderPerDirectoryInThisProcess() throws Exception {
        Path data = dir.resolve("data");
        try (InstanceLock lock = InstanceLock.acquire(data)) {
            lock.serving("http://127.0.0.1:9123");
            InstanceLock.AlreadyServing e = assertThrows(InstanceLock.AlreadyServing.class,
                    () -> InstanceLock.acquire(data));
            assertEquals("another Code Proxy is already serving the data directory " + data + " (pid "
                    + ProcessHandle.current().pid() + ", http://127.0.0.1:9123); stop it first, or use another --data-dir",
                    e.getMessage());
            assertTrue(InstanceLock.isServing(data));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    data.resolve(InstanceLock.INFO_FILE))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        }
        assertFalse(InstanceLock.isServing(data));
        assertFalse(Files.exists(data.resolve(InstanceLock.INFO_FILE)));
        assertTrue(Files.exists(data.resolve(InstanceLock.LOCK_FILE)), "the lock file is never deleted");
        InstanceLock.acquire(data).close();
    }

    /** Another process holds the lock (as a server would): refused; once it is killed, free. */
    @Test
    void anotherProcessHoldingTheLockIsSeenAndOutlivedByKill() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path holder = dir.resolve("Holder.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Holder {
                    public static void main(String[] a) throws Exception {
                        FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        if (ch.tryLock() == null) { System.out.println("busy"); return; }
                        Files.writeString(Path.of(a[1]), "{\\"pid\\":" + ProcessHandle.current().pid()
                                + ",\\"url\\":\\"http://127.0.0.1:9777\\"}");
                        System.out.println("locked");
                        Thread.sleep(60_000);
                    }
                }
                """);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                holder.toString(), data.resolve(InstanceLock.LOCK_FILE).toString(),
                data.resolve(InstanceLock.INFO_FILE).toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            assertTrue(InstanceLock.isServing(data), "seen across processes");
            InstanceLock.AlreadyServing e = assertThrows(InstanceLock.AlreadyServing.class,
                    () -> InstanceLock.acquire(data));
            assertTrue(e.getMessage().contains("(pid " + p.pid() + ", http://127.0.0.1:9777)"), e.getMessage());
            assertEquals(p.pid(), e.holder().pid());
            // probing did not take the lock away from it
            assertTrue(InstanceLock.isServing(data));
        } finally {
            p.destroyForcibly(); // SIGKILL: the operating system releases its lock
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
        assertFalse(InstanceLock.isServing(data));
        try (InstanceLock lock = InstanceLock.acquire(data)) {
            assertTrue(Files.readString(data.resolve(InstanceLock.INFO_FILE)).contains(
                    "\"pid\":" + ProcessHandle.current().pid()), "its stale server.json is replaced");
        }
    }
}
