package dev.codeproxy.app;

import dev.codeproxy.store.InstanceLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code code-proxy login}: asks the running server for a new single-use login link (valid two
 * minutes) and prints it, or opens it with {@code --open}. Authenticates with the admin token from
 * {@code CODE_PROXY_ADMIN_TOKEN} or the data directory's {@code admin-token} file; the token goes
 * in a header, never on a command line or into the output.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Print a new single-use dashboard login link (valid 2 minutes) from the running server.")
final class LoginCommand implements Callable<Integer> {
    private static final Pattern URL = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]+)\"");

    private final Cli.Context ctx;

    @Mixin
    Cli.DataDirOption dataDir = new Cli.DataDirOption();

    @Option(names = "--url", paramLabel = "URL",
            description = "The running server's base URL (default: where the data directory's server listens, "
                    + "else http://127.0.0.1:$CODE_PROXY_PORT, else port 9000).")
    String url;

    @Option(names = "--open", description = "Open the link in the browser instead of printing it.")
    boolean open;

    LoginCommand(Cli.Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        String base = base();
        String token = adminToken();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/_/api/login-codes"))
                .timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer " + token)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        HttpResponse<String> res;
        try {
            res = client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new IllegalStateException("no Code Proxy answers at " + base + "; start it (code-proxy serve) or "
                    + "name its address with --url");
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach Code Proxy at " + base + ": " + e.getMessage());
        }
        if (res.statusCode() == 401) {
            throw new IllegalStateException("the server at " + base + " refused the admin token from "
                    + tokenSource() + " (is it the same data directory?)");
        }
        Matcher m = URL.matcher(res.body());
        if (res.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("the server at " + base + " answered " + res.statusCode()
                    + " instead of a login link");
        }
        String link = m.group(1);
        if (open) {
            Browser.open(link, ctx.err());
            ctx.err().println("code-proxy: opened a login link in the browser (single use, valid 2 minutes)");
        } else {
            ctx.out().println(link);
            ctx.err().println("code-proxy: open this link within 2 minutes; it works once");
        }
        return 0;
    }

    private String base() {
        if (url != null) {
            String u = url.strip();
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            URI parsed;
            try {
                parsed = URI.create(u);
            } catch (IllegalArgumentException e) {
                parsed = null;
            }
            if (parsed == null || !"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())
                    || parsed.getHost() == null) {
                throw new UsageError("--url '" + url + "' is not accepted; expected http://HOST:PORT, e.g. "
                        + "http://127.0.0.1:9000");
            }
            return u;
        }
        // the server of this data directory says where it listens
        var running = InstanceLock.running(dataDir.resolve(ctx.env()));
        if (running.isPresent()) {
            return running.get().url();
        }
        String port = ctx.env().get(Env.PORT);
        return "http://127.0.0.1:" + (port == null || port.isBlank() ? "9000" : port.strip());
    }

    private String adminToken() throws IOException {
        String fixed = ctx.env().get(Env.ADMIN_TOKEN);
        if (fixed != null && !fixed.isBlank()) {
            return fixed.strip();
        }
        Path file = dataDir.resolve(ctx.env()).resolve(ProxyServer.ADMIN_TOKEN_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no admin token: " + file + " does not exist (has the server run with "
                    + "this data directory? name it with --data-dir, or set " + Env.ADMIN_TOKEN + ")");
        }
        String t = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (t.isEmpty()) {
            throw new IllegalStateException("no admin token: " + file + " is empty");
        }
        return t;
    }

    private String tokenSource() {
        String fixed = ctx.env().get(Env.ADMIN_TOKEN);
        return fixed != null && !fixed.isBlank() ? Env.ADMIN_TOKEN
                : dataDir.resolve(ctx.env()).resolve(ProxyServer.ADMIN_TOKEN_FILE).toString();
    }
}
