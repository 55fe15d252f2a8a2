package dev.codeproxy.app;

import dev.codeproxy.admin.doctor.Check;
import dev.codeproxy.admin.doctor.EndpointDoctor;
import dev.codeproxy.claude.ClaudeSettings;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.errors.Errors;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.DatabaseUrl;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.store.InstanceLock;
import dev.codeproxy.store.SettingsRepository;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code code-proxy doctor}: checks the whole chain before Claude Code finds out it is broken.
 * Local: the data directory and database, the port (free, or this proxy's), Claude Code's
 * settings.json (pointed here, elsewhere, or not at all; anything that would bypass the proxy), a
 * {@code claude} on PATH, the clock. Then every enabled endpoint ({@link EndpointDoctor}). Reads
 * the data directory without creating or changing anything; asks a running server for its health.
 * Exit 0 when every check passes, 1 otherwise; {@code --json} prints
 * {@code {"checks":[{"name","ok","detail","hint"}]}}.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the data directory, the port, Claude Code's settings and every enabled endpoint "
                + "(DNS, TCP, TLS, key, mapped models, time to headers; --live also streams one token).")
final class DoctorCommand implements Callable<Integer> {
    private final Cli.Context ctx;

    @Mixin
    Cli.DataDirOption dataDir = new Cli.DataDirOption();

    @Option(names = "--json", description = "Print {\"checks\":[{\"name\",\"ok\",\"detail\",\"hint\"}]} instead of lines.")
    boolean json;

    @Option(names = "--live", description = "Also send one-token messages (a streaming one included): costs a few tokens.")
    boolean live;

    @Option(names = "--claude-config-dir", paramLabel = "DIR",
            description = "Where Claude Code's settings.json lives (default: $CLAUDE_CONFIG_DIR, else ~/.claude).")
    String claudeConfigDir;

    DoctorCommand(Cli.Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<Check> checks = new ArrayList<>();
        Path dir = dataDir.resolve(ctx.env());
        Path db = dir.resolve(Database.FILE_NAME);
        Settings settings = null;
        List<Endpoint> endpoints = List.of();
        DatabaseUrl shared = dataDir.databaseUrl(ctx.env());
        boolean dirOk = checkDataDir(dir, checks);
        if (shared != null) {
            // the shared database: reachable, migrated, readable (its URL shown without the password)
            try (Store store = new Store(dir, shared)) {
                settings = store.settings.load();
                endpoints = store.endpoints.list();
                checks.add(Check.pass("database", shared.display() + ": reachable, schema version "
                        + store.db.schemaVersion()));
            } catch (RuntimeException e) {
                checks.add(Check.fail("database", shared.display() + ": " + Errors.rootMessage(e),
                        "check that PostgreSQL runs there and that the user, password and database are right"));
            }
        } else if (dirOk && checkDatabase(db, checks)) {
            try (Store store = new Store(dir)) {
                settings = store.settings.load();
                endpoints = store.endpoints.list();
            } catch (RuntimeException e) {
                checks.add(Check.fail("database", "cannot read " + db + ": " + e.getMessage(), null));
            }
        }
        String ours = checkServer(dir, settings, checks);
        checkClaude(ours, settings, checks);
        checkClaudeOnPath(checks);
        List<Endpoint> enabled = endpoints.stream().filter(Endpoint::enabled).toList();
        if (settings != null && enabled.isEmpty()) {
            checks.add(Check.fail("endpoints", endpoints.isEmpty() ? "none configured" : "all "
                    + endpoints.size() + " are disabled", endpoints.isEmpty()
                    ? "add one: code-proxy endpoint add NAME --url URL --key-env VAR"
                    : "enable one: code-proxy endpoint enable NAME"));
        }
        if (!enabled.isEmpty()) {
            checkClock(enabled.getFirst(), checks);
            EndpointDoctor doctor = new EndpointDoctor(Duration.ofMillis(settings.connectTimeoutMs()),
                    Duration.ofSeconds(30));
            for (Endpoint e : enabled) {
                checks.addAll(doctor.run(e, live));
            }
        }
        print(checks);
        return checks.stream().allMatch(Check::ok) ? 0 : 1;
    }

    private static boolean checkDataDir(Path dir, List<Check> checks) {
        if (!Files.exists(dir)) {
            checks.add(Check.fail("data directory", dir + " does not exist: nothing is configured here yet",
                    "add an endpoint (code-proxy endpoint add NAME --url URL --key-env VAR) or name another "
                            + "directory with --data-dir"));
            return false;
        }
        if (!Files.isDirectory(dir)) {
            checks.add(Check.fail("data directory", dir + " is not a directory", "name a directory with --data-dir"));
            return false;
        }
        try {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
            if (!mode.endsWith("------")) {
                checks.add(Check.fail("data directory", dir + " is readable by others (" + mode + ")",
                        "chmod 700 " + dir + " (it holds keys and tokens)"));
                return true;
            }
            checks.add(Check.pass("data directory", dir + " (" + mode + ")"));
        } catch (IOException | UnsupportedOperationException e) {
            checks.add(Check.pass("data directory", dir.toString()));
        }
        return true;
    }

    /** A quick integrity check and the schema version, read-only (nothing is created or migrated here). */
    private static boolean checkDatabase(Path db, List<Check> checks) {
        if (!Files.isRegularFile(db)) {
            checks.add(Check.fail("database", db + " does not exist", "add an endpoint or import a configuration "
                    + "(code-proxy import FILE)"));
            return false;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement st = c.createStatement()) {
            String quick;
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                quick = rs.next() ? rs.getString(1) : "no answer";
            }
            long version;
            try (ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
                version = rs.next() ? rs.getLong(1) : 0;
            }
            if (!"ok".equals(quick)) {
                checks.add(Check.fail("database", db + ": integrity check says " + quick, "stop the server, keep a "
                        + "copy of the file, and restore a backup (or export what can be read and start anew)"));
                return false;
            }
            checks.add(Check.pass("database", db + ": integrity ok, schema version " + version));
            return true;
        } catch (Exception e) {
            checks.add(Check.fail("database", db + " cannot be read: " + e.getMessage(), "the file is not a Code "
                    + "Proxy database or is damaged; move it aside and import your configuration again"));
            return false;
        }
    }

    /** The running server's URL (asked at /observe/health), else checks the port is free; null when none runs. */
    private String checkServer(Path dir, Settings settings, List<Check> checks) {
        var running = InstanceLock.running(dir);
        if (running.isPresent()) {
            String url = running.get().url();
            String who = "Code Proxy (pid " + running.get().pid() + ")";
            try {
                int status = health(url);
                checks.add(status / 100 == 2 ? Check.pass("server", who + " answers at " + url)
                        : Check.fail("server", who + " at " + url + " answers " + status + " to /observe/health",
                        "it is stopping, or unwell: see its output"));
            } catch (IOException e) {
                checks.add(Check.fail("server", who + " holds this data directory but does not answer at " + url
                        + ": " + e.getMessage(), "see its output, or stop it"));
            }
            return url;
        }
        String host = ctx.env().get(Env.HOST) != null ? ctx.env().get(Env.HOST)
                : settings != null ? settings.host() : "127.0.0.1";
        int port = ctx.env().get(Env.PORT) != null ? parsePort(ctx.env().get(Env.PORT))
                : settings != null ? settings.port() : 9000;
        String connectHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        String url = "http://" + (connectHost.contains(":") ? "[" + connectHost + "]" : connectHost) + ":" + port;
        if (port > 0) {
            try {
                int status = health(url);
                if (status == 204 || status == 200) {
                    checks.add(Check.pass("server", "Code Proxy answers at " + url));
                    return url;
                }
                checks.add(Check.fail("server", "something at " + url + " answers " + status
                        + " to /observe/health", status == 503 ? "the server is stopping"
                        : "another program holds port " + port + "; choose another: code-proxy settings set port N"));
                return null;
            } catch (IOException e) {
                // nothing answers: is the port free?
            }
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(host), Math.max(port, 0)));
            checks.add(Check.pass("port", host + ":" + port + " is free (no server runs now)"));
        } catch (IOException e) {
            checks.add(Check.fail("port", host + ":" + port + " cannot be bound: " + e.getMessage(),
                    "another program holds it, or the address is not this machine's; choose another with "
                            + "code-proxy settings set port N (or --port)"));
        }
        return null;
    }

    /** The status {@code url/observe/health} answers; an interrupt counts as no answer. */
    private static int health(String url) throws IOException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/observe/health")).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static int parsePort(String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageError(Env.PORT + "='" + v + "' is not accepted; expected a port from 0 to 65535");
        }
    }

    /** Where Claude Code's settings.json points, and what in it (or in the environment) would bypass the proxy. */
    private void checkClaude(String serverUrl, Settings settings, List<Check> checks) {
        Path cfg = ClaudeSettings.resolveDir(claudeConfigDir, ctx.env().all(), ClaudeSettings.userHome(ctx.env().all()));
        Path file = cfg.resolve("settings.json");
        JsonObject root = null;
        if (Files.isRegularFile(file)) {
            try {
                var v = Json.createReader(new StringReader(Files.readString(file))).readValue();
                root = v instanceof JsonObject o ? o : null;
            } catch (Exception e) {
                checks.add(Check.fail("claude settings", file + " is not valid JSON (" + e.getMessage() + ")",
                        "fix the file; Code Proxy never writes a file it cannot read"));
                return;
            }
        }
        JsonObject env = root != null && root.get("env") instanceof JsonObject e ? e : null;
        String base = env != null && env.get("ANTHROPIC_BASE_URL") instanceof JsonString s ? s.getString() : null;
        if (base == null) {
            boolean shouldBe = serverUrl != null && settings != null && settings.claudeConfig();
            checks.add(shouldBe ? Check.fail("claude settings", file + " does not point Claude Code at the running "
                    + "proxy", "code-proxy claude apply") : Check.pass("claude settings", file
                    + (root == null ? " does not exist" : " sets no ANTHROPIC_BASE_URL") + "; serve points it here"));
        } else if (serverUrl != null && strip(base).equals(strip(serverUrl))) {
            checks.add(Check.pass("claude settings", file + " points Claude Code at this proxy (" + base + ")"));
        } else {
            checks.add(Check.fail("claude settings", file + " points Claude Code at " + base + (serverUrl == null
                    ? ", and no Code Proxy of this data directory answers there" : ", not at this proxy ("
                    + serverUrl + ")"), "code-proxy claude apply (or claude restore to undo what a proxy changed)"));
        }
        List<String> bypass = new ArrayList<>();
        if (root != null && root.containsKey("apiKeyHelper")) {
            bypass.add("apiKeyHelper in " + file.getFileName());
        }
        if (env != null && env.containsKey("ANTHROPIC_API_KEY")) {
            bypass.add("env.ANTHROPIC_API_KEY in " + file.getFileName());
        }
        if (ctx.env().get("ANTHROPIC_API_KEY") != null) {
            bypass.add("ANTHROPIC_API_KEY in this shell's environment");
        }
        checks.add(bypass.isEmpty() ? Check.pass("claude credentials", "nothing would bypass the proxy's token")
                : Check.fail("claude credentials", String.join(", ", bypass) + " would send a key of its own",
                "remove it, or let serve set it aside (it does for settings.json while it runs); unset "
                        + "ANTHROPIC_API_KEY in the shell"));
    }

    private static String strip(String url) {
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u.replace("://localhost:", "://127.0.0.1:");
    }

    /** A {@code claude} on PATH and its version (needed only where Claude Code runs: not a failure). */
    private void checkClaudeOnPath(List<Check> checks) {
        String path = ctx.env().get("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path exe = Path.of(d.isEmpty() ? "." : d).resolve("claude");
                if (Files.isExecutable(exe) && !Files.isDirectory(exe)) {
                    checks.add(Check.pass("claude", exe + " " + version(exe)));
                    return;
                }
            }
        }
        checks.add(Check.pass("claude", "not on PATH (needed only on machines where Claude Code runs)"));
    }

    private static String version(Path exe) {
        try {
            Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(no version within 5 s)";
            }
            String v = new String(p.getInputStream().readNBytes(200), StandardCharsets.UTF_8).strip();
            return v.isEmpty() ? "" : v.lines().findFirst().orElse("");
        } catch (IOException e) {
            return "(cannot run it: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** This machine's clock against the first endpoint's {@code Date} header: over 2 minutes apart is wrong. */
    private static void checkClock(Endpoint e, List<Check> checks) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(e.baseUrl() + "/v1/models"))
                    .timeout(Duration.ofSeconds(10)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            String date = r.headers().firstValue("date").orElse(null);
            if (date == null) {
                checks.add(Check.pass("clock", "the local clock reads " + Instant.now() + " (" + e.name()
                        + " sends no Date to compare with)"));
                return;
            }
            Instant theirs = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            long skew = Math.abs(Duration.between(theirs, Instant.now()).toSeconds());
            checks.add(skew <= 120 ? Check.pass("clock", "within " + skew + " s of " + e.name() + "'s clock")
                    : Check.fail("clock", "this machine's clock is " + skew + " s away from " + e.name() + "'s",
                    "set the clock (e.g. enable NTP: timedatectl set-ntp true); daily statistics use it"));
        } catch (Exception ex) {
            checks.add(Check.pass("clock", "the local clock reads " + Instant.now() + " (not compared: "
                    + e.name() + " did not answer)"));
        }
    }

    private void print(List<Check> checks) {
        if (json) {
            ctx.out().println(Check.report(checks));
            return;
        }
        for (Check c : checks) {
            ctx.out().println(c.ok() ? c.line().split("\n")[0] : c.line());
        }
        long bad = checks.stream().filter(c -> !c.ok()).count();
        ctx.out().println(bad == 0 ? "all " + checks.size() + " checks passed" : bad + " of " + checks.size()
                + " checks failed");
    }
}
