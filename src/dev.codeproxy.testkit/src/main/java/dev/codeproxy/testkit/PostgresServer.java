package dev.codeproxy.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: a fresh cluster ({@code initdb}) in a temporary directory,
 * listening on 127.0.0.1 on a free port and on a unix socket in that directory, with password
 * (SCRAM) authentication over TCP so the tests use a URL with a password as users do. Stopped by
 * {@link #close()} and, at the latest, when the JVM exits.
 *
 * <p>PostgreSQL refuses to run as root: when the tests run as root (CI), the server runs as the
 * {@code postgres} user (Debian's package creates it) through {@code runuser}. When PostgreSQL
 * is not installed, {@link #start()} throws with a message saying how to install it: the tests
 * that need it fail, they are never skipped silently.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "codeproxy";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dir;
    private final Path bin;
    private final int port;
    private final String password;
    private final boolean asPostgresUser;
    private final Thread hook;
    private volatile boolean stopped;

    private PostgresServer(Path dir, Path bin, int port, String password, boolean asPostgresUser) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.password = password;
        this.asPostgresUser = asPostgresUser;
        this.hook = new Thread(this::stop, "postgres-stop");
    }

    private static PostgresServer shared;

    /**
     * One server for every test class of this JVM that asks: started on first use (a few seconds),
     * stopped when the JVM exits. Each test takes its own database ({@link #newDatabase}).
     */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** Starts a new server (a few seconds: initdb and start-up). */
    public static PostgresServer start() {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("code-proxy-pg");
            String password = "pw-" + Long.toHexString(System.nanoTime()) + "-secret";
            Files.writeString(dir.resolve("pwfile"), password + "\n");
            if (root) {
                run(List.of("chown", "-R", "postgres", dir.toString()), 30);
            }
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            PostgresServer pg = new PostgresServer(dir, bin, port, password, root);
            Runtime.getRuntime().addShutdownHook(pg.hook);
            pg.as(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                    "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + dir.resolve("pwfile"),
                    "-E", "UTF8", "--no-sync", "--no-instructions"), 120);
            pg.as(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                    "-l", dir.resolve("server.log").toString(), "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off "
                            + "-c full_page_writes=off -c max_connections=200", "start"), 90);
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL for the tests: " + e.getMessage(), e);
        }
    }

    /** A new, empty database on this server; returns its URL ({@code postgresql://user:pass@127.0.0.1:port/db}). */
    public String newDatabase() {
        String name = "cp" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        as(List.of(bin.resolve("createdb").toString(), "-h", dir.toString(), "-p", String.valueOf(port), "-U", USER,
                name), 60);
        return url(name);
    }

    public String url(String database) {
        return "postgresql://" + USER + ":" + password + "@127.0.0.1:" + port + "/" + database;
    }

    /** The password in every URL this server hands out (tests check it never shows). */
    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** Runs one SQL statement with psql over the unix socket; returns its unaligned output. */
    public String sql(String database, String statement) {
        return as(List.of(bin.resolve("psql").toString(), "-h", dir.toString(), "-p", String.valueOf(port), "-U", USER,
                "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement), 60).strip();
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs (or ran) stop()
        }
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            as(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"), 60);
        } catch (RuntimeException e) {
            System.err.println("PostgresServer: stop failed: " + e.getMessage());
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the system cleans it eventually
        }
    }

    private String as(List<String> command, int timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        return run(cmd, timeoutSeconds);
    }

    private static String run(List<String> cmd, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd.getFirst() + " did not finish in " + timeoutSeconds + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 6)))
                        + "... failed (exit " + p.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + cmd.getFirst(), e);
        }
    }

    /** The directory holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin (newest). */
    static Path findBin() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, "initdb"))) {
                    try {
                        // a link on PATH: the real directory holds pg_ctl, createdb and psql too
                        Path real = Path.of(d, "initdb").toRealPath().getParent();
                        if (Files.isExecutable(real.resolve("pg_ctl")) && Files.isExecutable(real.resolve("psql"))) {
                            return real;
                        }
                    } catch (IOException e) {
                        // try the next directory
                    }
                }
            }
        }
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> s = Files.list(lib)) {
                var found = s.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                // fall through to the message below
            }
        }
        throw new IllegalStateException("PostgreSQL is not installed, and the PostgreSQL tests need it: no initdb on "
                + "PATH or in /usr/lib/postgresql/*/bin. Install it (Debian/Ubuntu: apt-get install -y postgresql; "
                + ".ci/run does this in CI)");
    }

    private static int version(String s) {
        try {
            return Integer.parseInt(s.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
