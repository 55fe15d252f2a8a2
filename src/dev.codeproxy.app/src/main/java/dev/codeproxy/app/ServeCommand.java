package dev.codeproxy.app;

import dev.codeproxy.claude.ClaudeSettings;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.errors.Errors;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.pricing.Cost;
import dev.codeproxy.core.settings.SettingKey;
import dev.codeproxy.store.DatabaseUrl;
import dev.codeproxy.store.log.RequestLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code code-proxy [serve]}: runs the proxy and the dashboard until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the proxy and the dashboard (the default command).")
final class ServeCommand implements Callable<Integer> {
    private final Cli.Context ctx;

    @Mixin
    Cli.DataDirOption dataDir = new Cli.DataDirOption();

    @Option(names = "--host", paramLabel = "H", description = "Listen address (default: $CODE_PROXY_HOST, "
            + "else the stored setting, else 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "P", description = "Listen port, 0 for any free port (default: "
            + "$CODE_PROXY_PORT, else the stored setting, else 9000).")
    String port;

    @Option(names = "--headless", description = "Server mode: no browser; prints the URLs and runs until stopped.")
    boolean headless;

    @Option(names = "--no-browser", description = "Do not open the dashboard in a browser.")
    boolean noBrowser;

    @Option(names = "--no-claude-config", description = "Do not point Claude Code at the proxy (leave settings.json alone).")
    boolean noClaudeConfig;

    @Option(names = "--claude-config-dir", paramLabel = "DIR",
            description = "Claude Code's config directory (default: $CLAUDE_CONFIG_DIR, else ~/.claude).")
    Path claudeConfigDir;

    @Option(names = "--allowed-hosts", paramLabel = "H[,H...]",
            description = "Host names (or addresses) clients may use to reach the proxy, besides localhost and, when "
                    + "bound beyond loopback, the machine's own addresses (default: $CODE_PROXY_ALLOWED_HOSTS; "
                    + "adds to the allowedHosts setting).")
    String allowedHosts;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "30",
            description = "On SIGTERM / Ctrl-C, let requests in flight finish for up to this long (default 30). "
                    + "A second Ctrl-C stops at once.")
    String grace;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", completionCandidates = LogFormats.class,
            description = "Per-request log lines in headless mode: text (default) or json.")
    String logFormat;

    ServeCommand(Cli.Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Env env = ctx.env();
        // flags beat environment beat stored settings (null: take the stored setting)
        String h = null;
        if (host != null) {
            h = checkHost("--host", host);
        } else if (env.get(Env.HOST) != null) {
            h = checkHost(Env.HOST, env.get(Env.HOST));
        }
        Integer p = null;
        if (port != null) {
            p = parsePort("--port", port);
        } else if (env.get(Env.PORT) != null) {
            p = parsePort(Env.PORT, env.get(Env.PORT));
        }
        Duration graceful = parseGrace(grace);
        List<String> hosts = allowedHosts != null ? parseHosts("--allowed-hosts", allowedHosts)
                : env.get(Env.ALLOWED_HOSTS) != null ? parseHosts(Env.ALLOWED_HOSTS, env.get(Env.ALLOWED_HOSTS)) : List.of();
        RequestLines.Format format = switch (logFormat.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> RequestLines.Format.TEXT;
            case "json" -> RequestLines.Format.JSON;
            default -> throw new UsageError("--log-format: '" + logFormat + "' is not accepted; expected text or json");
        };
        DatabaseUrl database = dataDir.databaseUrl(env);
        RequestLines requestLines = headless ? new RequestLines(ctx.out(), format, r -> null) : null;
        ProxyListener lines = requestLines != null ? requestLines : ProxyListener.NONE;
        ProxyServer server;
        try {
            Path claudeDir = noClaudeConfig ? null : ClaudeSettings.resolveDir(
                    claudeConfigDir == null ? null : claudeConfigDir.toString(), env.all(),
                    ClaudeSettings.userHome(env.all()));
            server = ProxyServer.start(ProxyServer.Options.builder()
                    .dataDir(dataDir.resolve(env))
                    .host(h)
                    .port(p)
                    .clientToken(env.get(Env.CLIENT_TOKEN))
                    .listener(lines)
                    .claudeConfigDir(claudeDir)
                    .notices(ctx.err())
                    .adminToken(env.get(Env.ADMIN_TOKEN))
                    .allowedHosts(hosts)
                    .database(database)
                    .build());
        } catch (CommandFailure e) {
            ctx.err().println("code-proxy: cannot start: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            ctx.err().println("code-proxy: cannot start: " + (isDatabaseProblem(e)
                    ? Store.describe(dataDir.resolve(env), e) : Errors.rootMessage(e)));
            return 1;
        }
        if (requestLines != null) {
            // priced by the request log's live price table (overrides included), like the stored rows
            RequestLog log = server.requestLog();
            requestLines.costs(r -> {
                Cost cost = Cost.of(r, log.prices());
                return cost.priced() ? cost.micros() : null;
            });
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(Duration.ofSeconds(1));
            stopped.countDown();
        }, "code-proxy-shutdown"));
        Signals.onStop(() -> {
            ctx.err().println("code-proxy: stopping: letting requests in flight finish for up to "
                    + graceful.toSeconds() + " s (Ctrl-C again to stop at once)");
            server.shutdown(graceful);
            System.exit(0);
        }, () -> {
            ctx.err().println("code-proxy: stopping now: open streams end with an error event");
            server.emergencyStop();
            if (requestLines != null) {
                requestLines.flush();
            }
            ctx.out().flush();
            Runtime.getRuntime().halt(130);
        });
        banner(server);
        if (!headless && !noBrowser) {
            // a login link of its own (single use) opens a dashboard session in the browser
            Browser.open(server.loginUrl(), ctx.err());
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private void banner(ProxyServer s) {
        var out = ctx.out();
        String bound = s.boundUrl();
        out.println("Code Proxy " + Version.get() + " listening on " + bound
                + (bound.equals(s.url()) ? "" : " (this machine: " + s.url() + ")"));
        out.println("  proxy:     " + s.url() + "/v1   (set ANTHROPIC_BASE_URL=" + s.url() + ")");
        out.println("  dashboard: " + s.url() + "/");
        out.println("  login:     " + s.loginUrl() + "   (single use, valid 2 minutes; 'code-proxy login' prints a new one)");
        out.println("  health:    " + s.url() + "/observe/health");
        out.println("  metrics:   " + s.url() + "/observe/metrics");
        out.println("  client token: " + (ctx.env().get(Env.CLIENT_TOKEN) != null ? "from " + Env.CLIENT_TOKEN
                : "in " + dataDir.resolve(ctx.env()).resolve("client-token")) + " (use it as ANTHROPIC_AUTH_TOKEN)");
        out.println("  data:      " + s.database().describe());
        out.flush();
        var err = ctx.err();
        if (!s.loopback()) {
            err.println("code-proxy: warning: listening on " + bound + ", beyond loopback: other machines can reach "
                    + "the proxy and the dashboard; every request still needs a client token or the admin token, and "
                    + "only the Host names this machine answers to (see --allowed-hosts) are accepted");
        }
        List<Endpoint> endpoints = s.config().endpoints();
        if (endpoints.stream().noneMatch(Endpoint::enabled)) {
            err.println("code-proxy: warning: no enabled endpoint: /v1 requests are refused (403 permission_error) "
                    + "until you add one: code-proxy endpoint add NAME --url URL --key-env VAR");
        }
        for (var e : endpoints) {
            if (e.enabled() && e.apiKey().isEmpty()) {
                err.println("code-proxy: warning: " + EndpointCommand.noKeyWarning(e.name()));
            }
        }
        err.flush();
    }

    /** Completion values of --log-format. */
    static final class LogFormats implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("text", "json").iterator();
        }
    }

    static List<String> parseHosts(String source, String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String h = part.strip();
            if (h.isEmpty()) {
                continue;
            }
            String name = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
            name = name.toLowerCase(Locale.ROOT);
            boolean ipv6 = name.contains(":") && name.matches("[0-9a-f:.]+");
            boolean dns = name.matches("[a-z0-9_]([a-z0-9_.-]{0,252})") && !name.contains("..");
            if (!(ipv6 || dns)) {
                throw new UsageError(source + ": '" + CliErrors.printable(h) + "' is not accepted; expected host names "
                        + "or addresses without port, separated by commas, e.g. proxy.example.com,10.0.0.5");
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    private static boolean isDatabaseProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("SQLITE_") || m.contains("database")) {
                return true;
            }
        }
        return false;
    }


    static Duration parseGrace(String value) {
        try {
            long v = Long.parseLong(value.strip());
            if (v >= 0 && v <= 3600) {
                return Duration.ofSeconds(v);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageError("--grace: '" + value + "' is not accepted; expected seconds from 0 to 3600");
    }

    static int parsePort(String source, String value) {
        try {
            int v = Integer.parseInt(value.strip());
            if (v >= 0 && v <= 65535) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageError(source + ": '" + value + "' is not a port; expected an integer from 0 to 65535");
    }

    static String checkHost(String source, String value) {
        if (SettingKey.HOST.parse(value).isEmpty()) {
            throw new UsageError(source + ": '" + value + "' is not accepted; expected " + SettingKey.HOST.accepted());
        }
        return value.strip();
    }
}
