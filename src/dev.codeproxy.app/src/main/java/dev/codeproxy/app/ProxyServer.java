package dev.codeproxy.app;

import dev.codeproxy.admin.ControlPlane;
import dev.codeproxy.admin.ServerControl;
import dev.codeproxy.admin.WebUi;
import dev.codeproxy.claude.ClaudeEnv;
import dev.codeproxy.claude.ClaudeSettings;
import dev.codeproxy.core.ApiError;
import dev.codeproxy.core.Endpoint;
import dev.codeproxy.core.Secrets;
import dev.codeproxy.core.event.Listeners;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.proxy.ProxyErrors;
import dev.codeproxy.proxy.ProxyService;
import dev.codeproxy.store.ConfigSnapshot;
import dev.codeproxy.store.DataDir;
import dev.codeproxy.store.Database;
import dev.codeproxy.store.log.RequestLog;
import io.helidon.common.Weighted;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.media.MediaContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The running server: database, live configuration, request log, control plane, and one Helidon
 * listener carrying the proxy path, the admin API, the live channel, the dashboard and
 * observability. The one composition root; tests start exactly this.
 */
final class ProxyServer implements AutoCloseable {
    /** Name of the admin token file in the data directory (mode 0600). */
    static final String ADMIN_TOKEN_FILE = "admin-token";

    /**
     * What the command line resolved (flags over environment over stored settings).
     *
     * @param adminToken a fixed admin token ({@code CODE_PROXY_ADMIN_TOKEN}); null: the data directory's
     *                   {@value #ADMIN_TOKEN_FILE} file, generated on first start
     */
    record Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener,
                   Path claudeConfigDir, java.io.PrintStream notices, String adminToken) {
        Options(Path dataDir, String host, Integer port, String clientToken) {
            this(dataDir, host, port, clientToken, ProxyListener.NONE);
        }

        Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener) {
            this(dataDir, host, port, clientToken, listener, null, System.err);
        }

        Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener,
                Path claudeConfigDir, java.io.PrintStream notices) {
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
    private final String adminToken;
    private final Control control = new Control();
    private ControlPlane controlPlane;
    private ProxyService proxy;
    private volatile WebServer server;
    private volatile String listenHost;
    private volatile boolean loopback;

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
        Database db = Database.open(o.dataDir());
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
            RequestLog log = new RequestLog(db, config::settings, () -> secrets(config, token, admin), clock);
            ps = new ProxyServer(o, db, config, log, token, admin);
            ps.listenHost = host;
            ps.loopback = isLoopback(host);
            ControlPlane cp = new ControlPlane(new ControlPlane.Deps(db, config, log, clock, admin, ps.control));
            ps.controlPlane = cp;
            // a change through the API or by another process (the watcher): tokens reread, dashboards told
            config.onChange(cp::configChanged);
            ProxyService proxy = new ProxyService(config,
                    t -> Secrets.equalsConstantTime(t, token) || cp.clientTokens().valid(t),
                    Listeners.of(o.listener(), log, cp.listener()), Clock.systemUTC(), ThreadLocalRandom.current());
            cp.attach(proxy);
            ps.proxy = proxy;
            ps.server = started(ps.newServer(host, port), host, port);
            proxy.listening(host, ps.server.port());
            if (o.claudeConfigDir() != null) {
                ps.pointClaudeCode(o.claudeConfigDir(), o.dataDir(), o.notices());
            }
            return ps;
        } catch (RuntimeException e) {
            if (ps != null) {
                ps.closeParts();
            } else {
                db.close();
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
                .featuresDiscoverServices(false)
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .mediaContext(MediaContext.builder()
                        .mediaSupportsDiscoverServices(false)
                        .addMediaSupport(controlPlane.jsonSupport())
                        .build())
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .addFeature(ObserveFeature.just(HealthObserver.create()))
                .routing(r -> routing(r, controlPlane, proxy))
                .addRouting(controlPlane.websocket())
                .build();
    }

    /** Starts a listener; Helidon reports a failed bind only as port -1, this makes it an exception. */
    private static WebServer started(WebServer s, String host, int port) {
        s.start();
        if (s.port() < 0) {
            s.stop();
            throw new IllegalStateException("cannot listen on " + host + ":" + port
                    + ": the address is in use or not available on this machine");
        }
        return s;
    }

    static void routing(HttpRouting.Builder r, ControlPlane cp, ProxyService proxy) {
        // the control plane's access filter first: it guards everything registered after it
        cp.routing(r);
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
     * The one-time link that logs a browser into the dashboard (sets the session cookie). Carries
     * the admin token: print it only to the user who started the server.
     */
    String loginUrl() {
        return url() + "/_/login?token=" + URLEncoder.encode(adminToken, StandardCharsets.UTF_8);
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
    private volatile dev.codeproxy.core.pricing.PriceTable priceTable;

    /**
     * A request's cost in micro-dollars by the current price table (overrides included), or null
     * when unpriced. The overrides' version is read at most once a second, not once per request.
     */
    Long costMicros(dev.codeproxy.core.event.RequestRecord r) {
        long now = System.nanoTime();
        if (priceTable == null || now - priceCheckedNanos > 1_000_000_000L) {
            var repo = new dev.codeproxy.store.PriceRepository(database);
            long v = repo.version();
            if (v != priceVersion || priceTable == null) {
                priceTable = repo.table();
                priceVersion = v;
            }
            priceCheckedNanos = now;
        }
        var cost = dev.codeproxy.core.pricing.Cost.of(r, priceTable);
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
    private void pointClaudeCode(Path dir, Path dataDir, java.io.PrintStream notices) {
        ClaudeSettings cs = new ClaudeSettings(dir, dataDir);
        try {
            cs.recoverIfNeeded().ifPresent(r -> notices.println("code-proxy: restored " + r.file()
                    + " left changed by an earlier run that did not stop cleanly"));
            if (!config.settings().claudeConfig()) {
                return;
            }
            var wanted = ClaudeEnv.wanted(config.settings(), config.endpoints(), url(), clientToken);
            var r = cs.apply(wanted);
            claude = cs;
            notices.println("code-proxy: Claude Code now uses this proxy (" + r.file() + ": env "
                    + String.join(", ", wanted.keySet()) + "); restored when the proxy stops");
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
    synchronized void shutdown(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        proxy.drain(grace);
        server.stop();
        restoreClaudeCode();
        closeParts();
    }

    private void closeParts() {
        if (controlPlane != null) {
            controlPlane.close();
        }
        log.close();
        config.close();
        database.close();
    }

    /** A second Ctrl-C: only what must not be skipped. */
    void emergencyStop() {
        restoreClaudeCode();
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
            return dir == null ? Optional.empty() : Optional.of(new ClaudeSettings(dir, options.dataDir()));
        }

        @Override
        public ClaudeSettings.ApplyResult claudeApply() {
            ClaudeSettings cs = claudeSettings().orElseThrow(() -> new IllegalStateException(
                    "the Claude Code integration is off"));
            var r = cs.apply(ClaudeEnv.wanted(config.settings(), config.endpoints(), ProxyServer.this.url(),
                    clientToken));
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
        public String version() {
            return Version.get();
        }
    }

    /** After the listener moved: Claude Code follows, if this server had pointed it here. */
    private void repointClaudeCode() {
        ClaudeSettings cs = claude;
        if (cs == null) {
            return;
        }
        try {
            cs.apply(ClaudeEnv.wanted(config.settings(), config.endpoints(), url(), clientToken));
        } catch (RuntimeException e) {
            options.notices().println("code-proxy: could not point Claude Code at the new address: "
                    + ServeCommand.rootMessage(e));
        }
    }
}
