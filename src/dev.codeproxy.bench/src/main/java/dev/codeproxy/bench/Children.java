package dev.codeproxy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Every process the benchmark starts is registered here: its pid is appended to a file (so
 * {@code scripts/bench} can kill leftovers even if this JVM dies hard), and a shutdown hook
 * stops whatever is still running.
 */
final class Children {
    private static final List<Process> RUNNING = new ArrayList<>();
    private static Path pidFile;

    private Children() {
    }

    static synchronized void init(Path pids) {
        pidFile = pids;
        Runtime.getRuntime().addShutdownHook(new Thread(Children::stopAll, "bench-children"));
    }

    /** Starts a process and registers it. */
    static Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        synchronized (Children.class) {
            RUNNING.add(p);
            if (pidFile != null) {
                Files.writeString(pidFile, p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
        return p;
    }

    /** Registers an extra pid (e.g. the JVM under a launcher script) for the pid file. */
    static synchronized void note(long pid) {
        if (pidFile != null) {
            try {
                Files.writeString(pidFile, pid + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** SIGTERM to the process and its descendants, SIGKILL after {@code grace}; returns the exit code or -1. */
    static int stop(Process p, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        for (ProcessHandle h : all) {
            h.destroy();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : all) {
            long left = Math.max(1, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        int code = -1;
        try {
            if (p.waitFor(5, TimeUnit.SECONDS)) {
                code = p.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (Children.class) {
            RUNNING.remove(p);
        }
        return code;
    }

    static void stopAll() {
        List<Process> copy;
        synchronized (Children.class) {
            copy = new ArrayList<>(RUNNING);
        }
        for (Process p : copy) {
            stop(p, Duration.ofSeconds(3));
        }
    }

    /** The process itself or its first descendant whose command is a {@code java} binary. */
    static Optional<ProcessHandle> findJava(Process p) {
        if (isJava(p.toHandle())) {
            return Optional.of(p.toHandle());
        }
        return p.descendants().filter(Children::isJava).findFirst();
    }

    private static boolean isJava(ProcessHandle h) {
        return h.info().command().map(c -> c.endsWith("/java") || c.equals("java")).orElse(false);
    }
}
