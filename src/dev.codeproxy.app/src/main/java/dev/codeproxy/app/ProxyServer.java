package dev.codeproxy.app;

import dev.codeproxy.admin.ControlPlane;
import dev.codeproxy.admin.ServerControl;
import dev.codeproxy.admin.WebUi;
import dev.codeproxy.admin.doctor.Check;
import dev.codeproxy.claude.ClaudeLifecycle;
import dev.codeproxy.claude.ClaudeSettings;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.event.Listeners;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.secret.Secrets;
import dev.codeproxy.core.wire.ApiError;
import dev.codeproxy.proxy.Admission;
import dev.codeproxy.proxy.ProxyErrors;
import dev.codeproxy.proxy.ProxyService;
import dev.codeproxy.proxy.TokenCheck;
import dev.codeproxy.store.ConfigSnapshot;
import dev.codeproxy.store.DataDir;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.DatabaseUrl;
import dev.codeproxy.store.InstanceLock;
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

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The running server, and the one composition root: it builds the database, the live
 * configuration, the request log, the control plane, the proxy, the Claude Code integration
 * ({@link ClaudeLifecycle}) and one Helidon listener ({@link MovableListener}) carrying the proxy
 * path, the admin API, the live channel, the dashboard and observability; and it stops them in the
 * reverse order. Tests start exactly this.
 */
final class ProxyServer implements AutoCloseable {
    /** Name of the admin token file in the data directory (mode 0600). */
    static final String ADMIN_TOKEN_FILE = "admin-token";
    /** The listener's payload limit: the largest {@code maxRequestBytes} the settings accept (1 GiB). */
    static final long MAX_PAYLOAD = 1024L * 1024 * 1024;

    /**
     * What the command line resolved (flags over environment over stored settings); made with
     * {@link #builder()}.
     *
     * @param host            null: the stored {@code host} setting
     * @param port            null: the stored {@code port} setting; 0: any free port
     * @param clientToken     a fixed client token ({@code CODE_PROXY_CLIENT_TOKEN}); null: the data
     *                        directory's {@code client-token} file, generated on first start
     * @param listener        told of every proxy event besides the log and the control plane
     *                        (headless mode's request lines)
     * @param claudeConfigDir Claude Code's config directory; null: its settings are left alone
     * @param notices         where one-line notices go (Claude Code's settings)
     * @param adminToken      a fixed admin token ({@code CODE_PROXY_ADMIN_TOKEN}); null: the data directory's
     *                        {@value #ADMIN_TOKEN_FILE} file, generated on first start
     * @param allowedHosts    {@code Host} names accepted besides the stored {@code allowedHosts} setting
     *                        ({@code --allowed-hosts} / {@code CODE_PROXY_ALLOWED_HOSTS}); never stored
     * @param database        the shared PostgreSQL database ({@code --database} / {@code CODE_PROXY_DATABASE_URL});
     *                        null: SQLite in the data directory
     */
    record Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener,
                   Path claudeConfigDir, PrintStream notices, String adminToken, List<String> allowedHosts,
                   DatabaseUrl database) {
        Options {
            listener = listener == null ? ProxyListener.NONE : listener;
            notices = notices == null ? System.err : notices;
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        }

        /** Options with no listener, notices on standard error, no Claude Code integration. */
        static Builder builder() {
            return new Builder();
        }

        @Override
        public String toString() {
            return "Options[" + dataDir + " " + host + ":" + port + "]";
        }

        /** Builds {@link Options}; only the data directory is required. */
        static final class Builder {
            private Path dataDir;
            private String host;
            private Integer port;
            private String clientToken;
            private ProxyListener listener = ProxyListener.NONE;
            private Path claudeConfigDir;
            private PrintStream notices = System.err;
            private String adminToken;
            private List<String> allowedHosts = List.of();
            private DatabaseUrl database;

            private Builder() {
            }

            Builder dataDir(Path dataDir) {
                this.dataDir = dataDir;
                return this;
            }

            Builder host(String host) {
                this.host = host;
                return this;
            }

            Builder port(Integer port) {
                this.port = port;
                return this;
            }

            Builder clientToken(String clientToken) {
                this.clientToken = clientToken;
                return this;
            }

            Builder listener(ProxyListener listener) {
                this.listener = listener;
                return this;
            }

            Builder claudeConfigDir(Path claudeConfigDir) {
                this.claudeConfigDir = claudeConfigDir;
                return this;
            }

            Builder notices(PrintStream notices) {
                this.notices = notices;
                return this;
            }

            Builder adminToken(String adminToken) {
                this.adminToken = adminToken;
                return this;
            }

            Builder allowedHosts(List<String> allowedHosts) {
                this.allowedHosts = allowedHosts;
                return this;
            }

            Builder database(DatabaseUrl database) {
                this.database = database;
                return this;
            }

            Options build() {
                if (dataDir == null) {
                    throw new IllegalStateException("ProxyServer.Options: no data directory");
                }
                return new Options(dataDir, host, port, clientToken, listener, claudeConfigDir, notices, adminToken,
                        allowedHosts, database);
            }
        }
    }

    // in the order they are built; they close in reverse (see parts)
    private final Options options;
    /** One server per data directory (held from before the database opens until after it closes). */
    private final InstanceLock instanceLock;
    private final Database database;
    private final ConfigSnapshot config;
    private final String clientToken;
    /** The admin token now (rotated through the API); the request log masks it wherever it appears. */
    private volatile String adminToken;
    private final RequestLog log;
    private final Control control = new Control();
    private final ControlPlane controlPlane;
    private final ProxyService proxy;
    private final ClaudeLifecycle claude;
    private final MovableListener listener;
    /** What closes at stop, newest first: the parts above and the data directory's lock. */
    private final Deque<Runnable> parts;
    /** Set the moment a stop begins: /observe/health answers 503 from then on. */
    private volatile boolean stopping;
    /** Set once by the stop that runs (guarded by this). */
    private boolean stopped;
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Builds every part in dependency order; each is added to {@code parts} as soon as it holds resources. */
    private ProxyServer(Options o, InstanceLock lock, Deque<Runnable> parts) {
        this.options = o;
        this.instanceLock = lock;
        this.parts = parts;
        this.database = Store.open(o.dataDir(), o.database());
        parts.push(database::close);
        this.config = new ConfigSnapshot(database);
        parts.push(config::close);
        config.watch(1000);
        this.clientToken = o.clientToken() != null ? o.clientToken()
                : DataDir.secret(o.dataDir(), "client-token", () -> Secrets.newToken("cp-"));
        this.adminToken = o.adminToken() != null && !o.adminToken().isBlank() ? o.adminToken().strip()
                : DataDir.secret(o.dataDir(), ADMIN_TOKEN_FILE, () -> Secrets.newToken("cpa-"));
        // days of the statistics are local days: the log and the queries share this zone
        Clock clock = Clock.systemDefaultZone();
        // the log masks the admin token as it is now (it can be rotated): read through the server
        this.log = new RequestLog(database, config::settings, this::secrets, clock);
        parts.push(log::close);
        this.controlPlane = new ControlPlane(new ControlPlane.Deps(database, config, log, clock, adminToken, control));
        parts.push(controlPlane::close);
        // a change through the API or by another process (the watcher): tokens reread, dashboards told
        config.onChange(controlPlane::configChanged);
        // /_/statusline opens with the same client tokens as /v1
        controlPlane.clientTokenCheck(this::validClientToken);
        this.proxy = new ProxyService(config, proxyTokens,
                Listeners.of(o.listener(), log, controlPlane.listener()), Clock.systemUTC(), ThreadLocalRandom.current());
        controlPlane.attach(proxy);
        this.claude = new ClaudeLifecycle(o.claudeConfigDir(), o.dataDir(),
                new ClaudeLifecycle.Proxy(config, this::url, clientToken, InstanceLock::isServing), o.notices());
        this.listener = new MovableListener(this::newServer, (host, port, url) -> {
            proxy.listening(host, port);
            instanceLock.serving(url);
        }, claude::moved);
    }

    /**
     * Opens the data directory (one server per directory), builds every part, starts the listener
     * and points Claude Code at it. On failure everything opened so far is closed again.
     */
    static ProxyServer start(Options o) {
        // a data directory that is a file is named as such before the lock tries to live in it
        Store.requireDirectory(o.dataDir());
        InstanceLock lock = InstanceLock.acquire(o.dataDir());
        Deque<Runnable> parts = new ArrayDeque<>();
        parts.push(lock::close);
        try {
            ProxyServer ps = new ProxyServer(o, lock, parts);
            String host = o.host() != null ? o.host() : ps.config.settings().host();
            int port = o.port() != null ? o.port() : ps.config.settings().port();
            ps.listener.start(host, port);
            parts.push(ps.listener::stop);
            if (ps.database.url() != null) {
                // several instances share this database: each row and live entry says which one served it
                String name = machineName() + ":" + ps.port();
                ps.log.instance(name);
                ps.controlPlane.instance(name);
            }
            ps.controlPlane.buildInfo(Version.get());
            ps.claude.start();
            return ps;
        } catch (RuntimeException e) {
            closeAll(parts);
            throw e;
        }
    }

    /** Secrets the request log masks wherever they appear: endpoint keys, the client and admin tokens. */
    private List<String> secrets() {
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
                // no BufferedOutputStream in front of a streamed response: the relay (and the
                // self-test's lines) write whole pieces and flush each one, so that buffer only
                // copied every byte once more and held 4 KiB for each open stream
                .writeBufferSize(0)
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

    /** DOWN (503) from the moment a stop begins, so a load balancer stops sending new requests. */
    private HealthCheckResponse draining() {
        return HealthCheckResponse.builder()
                .status(!stopping)
                .detail("draining", stopping)
                .build();
    }

    /** The fixed client token or a stored, valid one, as this instance knows them now. */
    boolean validClientToken(String t) {
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

    /** This machine's host name, read without a DNS lookup ("localhost" when unknown). */
    static String machineName() {
        try {
            String n = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!n.isEmpty()) {
                return n;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the environment's name below
        }
        String env = System.getenv("HOSTNAME");
        if (env == null || env.isBlank()) {
            env = System.getenv("COMPUTERNAME");
        }
        return env == null || env.isBlank() ? "localhost" : env.strip();
    }

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
        return listener.port();
    }

    /** The base URL this machine reaches the server at, e.g. {@code http://127.0.0.1:9000}; null before it listens. */
    String url() {
        return listener.url();
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
        return listener.boundUrl();
    }

    /** Whether the listener is on a loopback address. */
    boolean loopback() {
        return listener.loopback();
    }

    /** The listen address as configured (a name, an address or a wildcard). */
    String listenHost() {
        return listener.host();
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

    RequestLog requestLog() {
        return log;
    }

    ProxyService proxy() {
        return proxy;
    }

    ControlPlane controlPlane() {
        return controlPlane;
    }

    /**
     * Graceful stop: new requests are refused with 503 + retry-after, requests in flight get up to
     * {@code grace} to finish, then the listener stops, Claude Code's settings are put back, the
     * log is flushed and the database closes. Idempotent.
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
                listener.stop();
                claude.stop();
                closeAll(parts);
            } finally {
                closed.countDown();
            }
        }
    }

    /** Runs every close action, newest first; one that fails does not keep the others from running. */
    private static void closeAll(Deque<Runnable> parts) {
        RuntimeException first = null;
        for (Runnable r = parts.poll(); r != null; r = parts.poll()) {
            try {
                r.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
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
        claude.forget();
        listener.stop();
        closeAll(parts);
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
            claude.stop();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    /** What the control plane may ask of the server: where it listens, moving it, Claude Code's settings. */
    private final class Control implements ServerControl {
        @Override
        public String url() {
            return listener.url();
        }

        @Override
        public String host() {
            return listener.host();
        }

        @Override
        public int port() {
            return listener.port();
        }

        @Override
        public boolean loopback() {
            return listener.loopback();
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
                return listener.prepare(host, port);
            }
        }

        @Override
        public Optional<ClaudeSettings> claudeSettings() {
            return claude.settings();
        }

        @Override
        public ClaudeSettings.ApplyResult claudeApply() {
            return claude.apply();
        }

        @Override
        public ClaudeSettings.RestoreResult claudeRestore() {
            return claude.restore();
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
}
