package dev.codeproxy.app;

import dev.codeproxy.admin.WebUi;
import dev.codeproxy.claude.ClaudeEnv;
import dev.codeproxy.claude.ClaudeSettings;
import dev.codeproxy.core.ApiError;
import dev.codeproxy.core.Secrets;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.proxy.ProxyErrors;
import dev.codeproxy.proxy.ProxyService;
import dev.codeproxy.store.ConfigSnapshot;
import dev.codeproxy.store.DataDir;
import dev.codeproxy.store.Database;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The running server: database, live configuration, and one Helidon listener carrying the proxy
 * path, the dashboard and observability. The one composition root; tests start exactly this.
 */
final class ProxyServer implements AutoCloseable {
    /** What the command line resolved (flags over environment over stored settings). */
    record Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener,
                   Path claudeConfigDir, java.io.PrintStream notices) {
        Options(Path dataDir, String host, Integer port, String clientToken) {
            this(dataDir, host, port, clientToken, ProxyListener.NONE);
        }

        Options(Path dataDir, String host, Integer port, String clientToken, ProxyListener listener) {
            this(dataDir, host, port, clientToken, listener, null, System.err);
        }
    }

    private final Database database;
    private final ConfigSnapshot config;
    private final WebServer server;
    private final ProxyService proxy;
    private final String clientToken;

    private ProxyServer(Database database, ConfigSnapshot config, WebServer server, ProxyService proxy,
                        String clientToken) {
        this.database = database;
        this.config = config;
        this.server = server;
        this.proxy = proxy;
        this.clientToken = clientToken;
    }

    ProxyService proxy() {
        return proxy;
    }

    static ProxyServer start(Options o) {
        Database db = Database.open(o.dataDir());
        try {
            ConfigSnapshot config = new ConfigSnapshot(db);
            config.watch(1000);
            String token = o.clientToken() != null ? o.clientToken()
                    : DataDir.secret(o.dataDir(), "client-token", () -> Secrets.newToken("cp-"));
            String host = o.host() != null ? o.host() : config.settings().host();
            int port = o.port() != null ? o.port() : config.settings().port();
            ProxyService proxy = new ProxyService(config, t -> Secrets.equalsConstantTime(t, token), o.listener(),
                    Clock.systemUTC(), ThreadLocalRandom.current());
            WebServer server = WebServer.builder()
                    .host(host)
                    .port(port)
                    .shutdownHook(false)
                    .featuresDiscoverServices(false)
                    .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                    .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                    .shutdownGracePeriod(Duration.ofSeconds(1))
                    .addFeature(ObserveFeature.just(HealthObserver.create()))
                    .routing(r -> routing(r, proxy))
                    .build()
                    .start();
            proxy.listening(host, server.port());
            ProxyServer ps = new ProxyServer(db, config, server, proxy, token);
            if (o.claudeConfigDir() != null) {
                ps.pointClaudeCode(o.claudeConfigDir(), o.dataDir(), o.notices());
            }
            return ps;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    static void routing(HttpRouting.Builder r, ProxyService proxy) {
        r.register(proxy)
                .register(new WebUi())
                .any((req, res) -> ProxyErrors.send(res, ApiError.notFound("no route for "
                        + req.prologue().method().text() + " " + req.path().rawPath()
                        + "; the proxy path is /v1/..., the dashboard is /")));
    }

    int port() {
        return server.port();
    }

    String url() {
        return "http://" + displayHost(server) + ":" + server.port();
    }

    private static String displayHost(WebServer s) {
        String h = s.prototype().host();
        if (h.equals("0.0.0.0") || h.equals("::")) {
            return "127.0.0.1";
        }
        return h.contains(":") ? "[" + h + "]" : h;
    }

    String clientToken() {
        return clientToken;
    }

    ConfigSnapshot config() {
        return config;
    }

    Database database() {
        return database;
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
     * {@code grace} to finish, then the listener stops and the database closes. Idempotent.
     */
    synchronized void shutdown(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        proxy.drain(grace);
        server.stop();
        restoreClaudeCode();
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
}
