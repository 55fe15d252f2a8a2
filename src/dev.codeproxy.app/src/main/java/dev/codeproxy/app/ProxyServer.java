package dev.codeproxy.app;

import dev.codeproxy.admin.ControlPlane;
import dev.codeproxy.admin.ServerControl;
import dev.codeproxy.admin.WebUi;
import dev.codeproxy.admin.doctor.Check;
import dev.codeproxy.claude.ClaudeEnv;
import dev.codeproxy.claude.ClaudeSettings;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.event.Listeners;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.Cost;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.secret.Secrets;
import dev.codeproxy.core.wire.ApiError;
import dev.codeproxy.proxy.Admission;
import dev.codeproxy.proxy.ProxyErrors;
import dev.codeproxy.proxy.ProxyService;
import dev.codeproxy.proxy.TokenCheck;
import dev.codeproxy.store.ConfigSnapshot;
import dev.codeproxy.store.DataDir;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.InstanceLock;
import dev.codeproxy.store.PriceRepository;
import dev.codeproxy.store.log.RequestLog;
import io.helidon.common.Weighted;
import io.helidon.common.socket.SocketOptions;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.media.MediaContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The running server: database, live configuration, request log, control plane, and one Helidon
 * listener carrying the proxy path, the admin API, the live channel, the dashboard and
 * observability. The one composition root; tests start exactly this.
 */
final class ProxyServer implements AutoCloseable {
    /** Name of the admin token file in the data directory (mode 0600). */
    static final String ADMIN_TOKEN_FILE = "admin-token";
    /** The listener's payload limit: the largest {@code maxRequestBytes} the settings accept (1 GiB). */
    static final long MAX_PAYLOAD = 1024L * 1024 * 1024;

    /**
     * What the command line resolved (flags over environment over stored settings).
     *
     * @param adminToken a fixed admin token ({@code CODE_PROXY_ADMIN_TOKEN}); null: the data directory's
     *                   {@value #ADMIN_TOKEN_FILE} file, generated on first start
     * @param allowedHosts {@code Host} names accepted besides the stored {@code allowedHosts} setting
     *                   ({@code --allowed-hosts} / {@code CODE_PROXY_ALLOWED_HOSTS}); never stored
     */
    record Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener,
                   Path claudeConfigDir, PrintStream notices, String adminToken, List<String> allowedHosts) {
        Options {
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        }

        Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener,
                Path claudeConfigDir, PrintStream notices, String adminToken) {
            this(dataDir, host, port, clientToken, listener, claudeConfigDir, notices, adminToken, List.of());
        }

        Options(Path dataDir, String host, Integer port, String clientToken) {
            this(dataDir, host, port, clientToken, ProxyListener.NONE);
        }

        Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener) {
            this(dataDir, host, port, clientToken, listener, null, System.err);
        }

        Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener,
                Path claudeConfigDir, PrintStream notices) {
            this(dataDir, host, port, clientToken, listener, claudeConfigDir, notices, null);
        }

        @Override
        public String toString() {
            return "Options[" + dataDir + " " + host + ":" + port + "]";
        }
    }

    private final Options options;
    private final Database database;
    private final ConfigSnapshot config;
    private final RequestLog log;
    private final String clientToken;
    /** The admin token now (rotated through the API); the request log masks it wherever it appears. */
    private volatile String adminToken;
    private final Control control = new Control();
    private ControlPlane controlPlane;
    private ProxyService proxy;
    private volatile WebServer server;
    private volatile String listenHost;
    private volatile boolean loopback;
    /** One server per data directory (held from before the database opens until after it closes). */
    private InstanceLock instanceLock;
    /** Set the moment a stop begins: /observe/health answers 503 from then on. */
    private volatile boolean stopping;
    private final CountDownLatch closed = new CountDownLatch(1);

    private ProxyServer(Options options, Database database, ConfigSnapshot config, RequestLog log, String clientToken,
                        String adminToken) {
        this.options = options;
        this.database = database;
        this.config = config;
        this.log = log;
        this.clientToken = clientToken;
        this.adminToken = adminToken;
    }

    ProxyService proxy() {
        return proxy;
    }

    ControlPlane controlPlane() {
        return controlPlane;
    }

    static ProxyServer start(Options o) {
        // a data directory that is a file is named as such before the lock tries to live in it
        Store.requireDirectory(o.dataDir());
        InstanceLock lock = InstanceLock.acquire(o.dataDir());
        Database db;
        try {
            db = Store.open(o.dataDir());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        ProxyServer ps = null;
        try {
            ConfigSnapshot config = new ConfigSnapshot(db);
            config.watch(1000);
            String token = o.clientToken() != null ? o.clientToken()
                    : DataDir.secret(o.dataDir(), "client-token", () -> Secrets.newToken("cp-"));
            String admin = o.adminToken() != null && !o.adminToken().isBlank() ? o.adminToken().strip()
                    : DataDir.secret(o.dataDir(), ADMIN_TOKEN_FILE, () -> Secrets.newToken("cpa-"));
            String host = o.host() != null ? o.host() : config.settings().host();
            int port = o.port() != null ? o.port() : config.settings().port();
            // days of the statistics are local days: the log and the queries share this zone
            Clock clock = Clock.systemDefaultZone();
            // the log masks the admin token as it is now (it can be rotated): read through the server
            ProxyServer[] made = new ProxyServer[1];
            RequestLog log = new RequestLog(db, config::settings, () -> secrets(config, token, made[0].adminToken),
                    clock);
            ps = new ProxyServer(o, db, config, log, token, admin);
            made[0] = ps;
            ps.instanceLock = lock;
            ps.listenHost = host;
            ps.loopback = isLoopback(host);
            ControlPlane cp = new ControlPlane(new ControlPlane.Deps(db, config, log, clock, admin, ps.control));
            ps.controlPlane = cp;
            // a change through the API or by another process (the watcher): tokens reread, dashboards told
            config.onChange(cp::configChanged);
            ProxyServer self = ps;
            // /_/statusline opens with the same client tokens as /v1
            cp.clientTokenCheck(self::validClientToken);
            ProxyService proxy = new ProxyService(config, self.proxyTokens,
                    Listeners.of(o.listener(), log, cp.listener()), Clock.systemUTC(), ThreadLocalRandom.current());
            cp.attach(proxy);
            ps.proxy = proxy;
            ps.server = started(ps.newServer(host, port), host, port);
            proxy.listening(host, ps.server.port());
            cp.buildInfo(Version.get());
            lock.serving(ps.url());
            if (o.claudeConfigDir() != null) {
                ps.pointClaudeCode(o.claudeConfigDir(), o.dataDir(), o.notices());
            }
            return ps;
        } catch (RuntimeException e) {
            if (ps != null) {
                ps.closeParts();
            } else {
                db.close();
                lock.close();
            }
            throw e;
        }
    }

    /** Secrets the request log masks wherever they appear: endpoint keys, the client and admin tokens. */
    private static List<String> secrets(ConfigSnapshot config, String clientToken, String adminToken) {
        List<String> out = new ArrayList<>();
        for (Endpoint e : config.endpoints()) {
            if (!e.apiKey().isEmpty()) {
                out.add(e.apiKey());
            }
        }
        out.add(clientToken);
        out.add(adminToken);
        return out;
    }

    /** A listener with the server's routing on host:port (not started). */
    private WebServer newServer(String host, int port) {
        return WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                // the listener's own bound: no request body past the largest maxRequestBytes allowed
                // is read by anything (the proxy's 413 applies the current, lower setting)
                .maxPayloadSize(MAX_PAYLOAD)
                .featuresDiscoverServices(false)
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .mediaContext(MediaContext.builder()
                        .mediaSupportsDiscoverServices(false)
                        .addMediaSupport(controlPlane.jsonSupport())
                        .build())
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .addFeature(ObserveFeature.just(HealthObserver.builder()
                        .addCheck(this::draining, HealthCheckType.READINESS, "draining")
                        .build()))
                .routing(r -> {
                    // first: every response counted by route kind and status, refusals included
                    r.addFilter(controlPlane.responseCounter());
                    r.addFilter(new HttpDate(Clock.systemUTC()));
                    routing(r, controlPlane, proxy, new NoEndpoint(config, this::validClientToken,
                            () -> stopping));
                })
                .addRouting(controlPlane.websocket())
                .build();
    }

    /** Starts a listener; Helidon reports a failed bind only as port -1, this makes it an exception. */
    private static WebServer started(WebServer s, String host, int port) {
        if (port != 0) {
            // Helidon logs a failed bind as two SEVERE lines before it reports port -1: find out first
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(host, port));
            } catch (IOException e) {
                throw new IllegalStateException("cannot listen on " + host + ":" + port + ": "
                        + (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")
                        ? "the port is in use (another Code Proxy? see --port or CODE_PROXY_PORT)"
                        : "the address is not available on this machine (" + e.getMessage() + ")"));
            }
        }
        s.start();
        if (s.port() < 0) {
            s.stop();
            throw new IllegalStateException("cannot listen on " + host + ":" + port
                    + ": the address is in use or not available on this machine");
        }
        return s;
    }

    /** DOWN (503) from the moment a stop begins, so a load balancer stops sending new requests. */
    private HealthCheckResponse draining() {
        return HealthCheckResponse.builder()
                .status(!stopping)
                .detail("draining", stopping)
                .build();
    }

    private boolean validClientToken(String t) {
        return Secrets.equalsConstantTime(t, clientToken) || controlPlane.clientTokens().valid(t);
    }

    /** The proxy path's tokens: the fixed one has no limits; stored ones are admitted by theirs (see ClientTokens). */
    private final TokenCheck proxyTokens = new TokenCheck() {
        @Override
        public boolean valid(String t) {
            return validClientToken(t);
        }

        @Override
        public Admission admission(String t) {
            return Secrets.equalsConstantTime(t, clientToken) ? Admission.UNLIMITED
                    : controlPlane.clientTokens().admission(t);
        }
    };

    static void routing(HttpRouting.Builder r, ControlPlane cp, ProxyService proxy, NoEndpoint noEndpoint) {
        // the control plane's access filter first: it guards everything registered after it
        cp.routing(r);
        // before the proxy: with no enabled endpoint at all, a clear error clients do not retry
        r.any("/v1", noEndpoint).any("/v1/*", noEndpoint);
        r.register(proxy)
                .register(new WebUi())
                .addFeature(new NotFound());
    }

    /**
     * Anything no route took: 404 in the Anthropic envelope. A feature of the lowest weight, so it
     * comes after the routes of every other feature (the main routing is one of weight 100,
     * observe's is 80: a catch-all among the main routes would hide {@code /observe/health}).
     */
    private static final class NotFound implements HttpFeature, Weighted {
        @Override
        public void setup(HttpRouting.Builder routing) {
            routing.any((req, res) -> ProxyErrors.send(res, ApiError.notFound("no route for "
                    + req.prologue().method().text() + " " + req.path().rawPath()
                    + "; the proxy path is /v1/..., the dashboard is /")));
        }

        @Override
        public double weight() {
            return 1;
        }
    }

    int port() {
        return server.port();
    }

    String url() {
        return "http://" + displayHost(server) + ":" + server.port();
    }

    /**
     * A new single-use link that logs one browser into the dashboard, valid for two minutes. It
     * carries a login code, never the admin token.
     */
    String loginUrl() {
        return controlPlane.loginLink();
    }

    /**
     * The address the listener is bound to as a URL: {@code http://0.0.0.0:9000} for the wildcard
     * (every address of the machine), unlike {@link #url()}, which is where this machine reaches it.
     */
    String boundUrl() {
        String h = server.prototype().host();
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + server.port();
    }

    private static String displayHost(WebServer s) {
        String h = s.prototype().host();
        if (h.equals("0.0.0.0") || h.equals("::")) {
            return "127.0.0.1";
        }
        return h.contains(":") ? "[" + h + "]" : h;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }

    String clientToken() {
        return clientToken;
    }

    String adminToken() {
        return adminToken;
    }

    ConfigSnapshot config() {
        return config;
    }

    Database database() {
        return database;
    }

    private volatile long priceVersion = -1;
    private volatile long priceCheckedNanos;
    private volatile PriceTable priceTable;

    /**
     * A request's cost in micro-dollars by the current price table (overrides included), or null
     * when unpriced. The overrides' version is read at most once a second, not once per request.
     */
    Long costMicros(RequestRecord r) {
        long now = System.nanoTime();
        if (priceTable == null || now - priceCheckedNanos > 1_000_000_000L) {
            var repo = new PriceRepository(database);
            long v = repo.version();
            if (v != priceVersion || priceTable == null) {
                priceTable = repo.table();
                priceVersion = v;
            }
            priceCheckedNanos = now;
        }
        var cost = Cost.of(r, priceTable);
        return cost.priced() ? cost.micros() : null;
    }

    RequestLog requestLog() {
        return log;
    }

    private boolean stopped;
    private volatile ClaudeSettings claude;

    /**
     * Points Claude Code at this proxy (settings.json env), after restoring what a crashed earlier
     * run left behind. Problems are reported and the proxy keeps running without touching the file.
     */
    private void pointClaudeCode(Path dir, Path dataDir, PrintStream notices) {
        ClaudeSettings cs = claudeSettingsFor(dir, dataDir);
        LedgerLock.ownerOnly(dataDir);
        try {
            cs.recoverIfNeeded().ifPresent(r -> notices.println("code-proxy: restored " + r.file()
                    + " left changed by an earlier run that did not stop cleanly"));
            if (!config.settings().claudeConfig()) {
                return;
            }
            var wanted = ClaudeEnv.wanted(config.settings(), config.endpoints(), url(), clientToken);
            var r = cs.apply(wanted, topLevel());
            claude = cs;
            if (r.abandoned() != null) {
                notices.println("code-proxy: " + r.file() + " pointed at a Code Proxy that is no longer running ("
                        + r.abandoned() + "); restored what it had changed before pointing it here");
            }
            notices.println("code-proxy: Claude Code now uses this proxy (" + r.file() + ": env "
                    + String.join(", ", wanted.keySet()) + (r.written().contains(ClaudeEnv.STATUS_LINE)
                    || r.unchanged().contains(ClaudeEnv.STATUS_LINE) ? ", statusLine" : "")
                    + "); restored when the proxy stops");
            if (config.settings().claudeStatusLine() && ClaudeEnv.statusLineLauncher() == null) {
                notices.println("code-proxy: claudeStatusLine is on, but this runtime has no bin/"
                        + ClaudeEnv.STATUS_LINE_LAUNCHER + " (run the image): statusLine not set");
            }
            if (!r.setAside().isEmpty()) {
                notices.println("code-proxy: set aside while the proxy runs (they would bypass it): "
                        + String.join(", ", r.setAside()));
            }
        } catch (RuntimeException e) {
            notices.println("code-proxy: left Claude Code's settings untouched: " + ServeCommand.rootMessage(e));
        }
    }

    private void restoreClaudeCode() {
        ClaudeSettings cs = claude;
        claude = null;
        if (cs == null && options.claudeConfigDir() != null && config.settings().claudeConfig()) {
            // not ours: but one left by an instance that is gone is taken back, not left pointing at it
            try {
                claudeSettingsFor(options.claudeConfigDir(), options.dataDir()).restoreAbandoned().ifPresent(who ->
                        options.notices().println("code-proxy: restored Claude Code's settings left by a Code Proxy "
                                + "that is no longer running (" + who + ")"));
            } catch (RuntimeException e) {
                options.notices().println("code-proxy: could not check Claude Code's settings: "
                        + ServeCommand.rootMessage(e));
            }
        }
        if (cs != null) {
            try {
                cs.restore();
            } catch (RuntimeException e) {
                System.err.println("code-proxy: could not restore Claude Code's settings: "
                        + ServeCommand.rootMessage(e) + " (run: code-proxy claude restore)");
            }
        }
    }

    /**
     * Graceful stop: new requests are refused with 503 + retry-after, requests in flight get up to
     * {@code grace} to finish, then the listener stops, the log is flushed and the database closes.
     * Idempotent.
     */
    void shutdown(Duration grace) {
        // health turns 503 at once, not after the lock (a second caller waits for the first)
        stopping = true;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            try {
                proxy.drain(grace);
                server.stop();
                restoreClaudeCode();
                closeParts();
            } finally {
                closed.countDown();
            }
        }
    }

    private void closeParts() {
        if (controlPlane != null) {
            controlPlane.close();
        }
        log.close();
        config.close();
        database.close();
        if (instanceLock != null) {
            instanceLock.close();
        }
    }

    /**
     * What an abrupt end ({@code kill -9}, a power cut) leaves behind, for tests of crash recovery:
     * the listener stops, the database closes and the data directory's lock is released as the
     * operating system would release it, but Claude Code's settings are not restored.
     */
    synchronized void abandon() {
        if (stopped) {
            return;
        }
        stopped = true;
        claude = null;
        server.stop();
        closeParts();
    }

    /**
     * A second Ctrl-C: streams still open are ended at once with an {@code event: error} (the
     * proxy's drain with no grace left), which lets their requests finish and reach the request
     * log; then the stop already under way flushes the log and closes the database. Bounded: after
     * a few seconds only Claude Code's settings are restored and the caller halts.
     */
    void emergencyStop() {
        stopping = true;
        proxy.drain(Duration.ZERO);
        boolean done = false;
        try {
            done = closed.await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!done) {
            restoreClaudeCode();
        }
    }

    /** Whether the listener is on a loopback address. */
    boolean loopback() {
        return loopback;
    }

    /** The listen address as configured (a name, an address or a wildcard). */
    String listenHost() {
        return listenHost;
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    /** What the control plane may ask of the server: where it listens, moving it, Claude Code's settings. */
    private final class Control implements ServerControl {
        @Override
        public String url() {
            return ProxyServer.this.url();
        }

        @Override
        public String host() {
            return listenHost;
        }

        @Override
        public int port() {
            return server.port();
        }

        @Override
        public boolean loopback() {
            return loopback;
        }

        @Override
        public List<String> allowedHosts() {
            return options.allowedHosts();
        }

        @Override
        public Listener listen(String host, int port) {
            synchronized (ProxyServer.this) {
                if (stopped) {
                    throw new IllegalStateException("the server is stopping");
                }
                WebServer fresh = started(newServer(host, port), host, port);
                return new Listener() {
                    @Override
                    public String url() {
                        return "http://" + displayHost(fresh) + ":" + fresh.port();
                    }

                    @Override
                    public Runnable activate() {
                        WebServer old;
                        synchronized (ProxyServer.this) {
                            old = server;
                            server = fresh;
                            listenHost = host;
                            loopback = isLoopback(host);
                            proxy.listening(host, fresh.port());
                            instanceLock.serving(ProxyServer.this.url());
                        }
                        repointClaudeCode();
                        // the old listener stops on its own thread: the response that reported the
                        // move is still being finished by one of its threads
                        return () -> Thread.ofPlatform().daemon().name("old-listener-stop").start(old::stop);
                    }

                    @Override
                    public void abort() {
                        fresh.stop();
                    }
                };
            }
        }

        @Override
        public Optional<ClaudeSettings> claudeSettings() {
            Path dir = options.claudeConfigDir();
            return dir == null ? Optional.empty() : Optional.of(claudeSettingsFor(dir, options.dataDir()));
        }

        @Override
        public ClaudeSettings.ApplyResult claudeApply() {
            ClaudeSettings cs = claudeSettings().orElseThrow(() -> new IllegalStateException(
                    "the Claude Code integration is off"));
            var r = cs.apply(ClaudeEnv.wanted(config.settings(), config.endpoints(), ProxyServer.this.url(),
                    clientToken), topLevel());
            claude = cs;
            return r;
        }

        @Override
        public ClaudeSettings.RestoreResult claudeRestore() {
            ClaudeSettings cs = claudeSettings().orElseThrow(() -> new IllegalStateException(
                    "the Claude Code integration is off"));
            var r = cs.restore();
            claude = null;
            return r;
        }

        @Override
        public void selftest(Consumer<Check> each) {
            try {
                Selftest.run(Selftest.setup(config.settings(), config.endpoints()), each);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the self-test was interrupted", e);
            }
        }

        @Override
        public RotatedToken rotateAdminToken() {
            if (options.adminToken() != null && !options.adminToken().isBlank()) {
                throw new IllegalStateException("the admin token is fixed by CODE_PROXY_ADMIN_TOKEN; change the "
                        + "variable and restart to rotate it");
            }
            Path file = options.dataDir().resolve(ADMIN_TOKEN_FILE);
            synchronized (ProxyServer.this) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot replace " + file + ": " + e.getMessage(), e);
                }
                String fresh = DataDir.secret(options.dataDir(), ADMIN_TOKEN_FILE, () -> Secrets.newToken("cpa-"));
                adminToken = fresh;
                return new RotatedToken(fresh, file.toString());
            }
        }

        @Override
        public String version() {
            return Version.get();
        }
    }

    /**
     * Claude Code's settings as this server changes them: the claim it writes names this process
     * and URL, and another data directory counts as running while its lock is held.
     */
    private ClaudeSettings claudeSettingsFor(Path dir, Path dataDir) {
        return new ClaudeSettings(dir, dataDir, new ClaudeSettings.Owner(ProcessHandle.current().pid(),
                server == null ? null : url(), InstanceLock::isServing));
    }

    /** Top-level keys for Claude Code's settings: statusLine when opted in (see ClaudeEnv.topLevel). */
    private LinkedHashMap<String, JsonValue> topLevel() {
        return ClaudeEnv.topLevel(config.settings(), ClaudeEnv.statusLineLauncher(), options.dataDir());
    }

    /** After the listener moved: Claude Code follows, if this server had pointed it here. */
    private void repointClaudeCode() {
        if (claude == null) {
            return;
        }
        ClaudeSettings cs = claudeSettingsFor(options.claudeConfigDir(), options.dataDir());
        claude = cs;
        try {
            cs.apply(ClaudeEnv.wanted(config.settings(), config.endpoints(), url(), clientToken), topLevel());
        } catch (RuntimeException e) {
            options.notices().println("code-proxy: could not point Claude Code at the new address: "
                    + ServeCommand.rootMessage(e));
        }
    }
}
