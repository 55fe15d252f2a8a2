package dev.codeproxy.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the built dashboard from this module's resources ({@code dev/codeproxy/admin/web/}).
 * Read through the module itself, so it works the same from jars and from the jlink image
 * (Helidon's classpath static content cannot see resources encapsulated in a named module).
 * Hashed assets are cached for a year; {@code index.html} is never cached. Every response carries
 * a content security policy that allows only this origin.
 */
public final class WebUi implements HttpService {
    private static final String ROOT = "web/";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "woff2", "font/woff2",
            "txt", "text/plain; charset=utf-8");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    @Override
    public void routing(HttpRules rules) {
        rules.head("/", (req, res) -> {
            // Claude Code 2.1.197 probes the base URL with HEAD / before its first request
            res.header(HeaderNames.CONTENT_TYPE, TYPES.get("html"));
            res.status(Status.OK_200).send();
        });
        rules.get("/", (req, res) -> serve("index.html", res));
        rules.get("/index.html", (req, res) -> serve("index.html", res));
        rules.get("/favicon.svg", (req, res) -> serve("favicon.svg", res));
        rules.get("/assets/{+file}", (req, res) -> serve("assets/" + req.path().pathParameters().get("file"), res));
    }

    /** True when the dashboard was built into this jar. */
    public boolean present() {
        return load("index.html").isPresent();
    }

    private void serve(String name, ServerResponse res) {
        if (name.contains("..")) {
            res.next();
            return;
        }
        Optional<byte[]> body = load(name);
        if (body.isEmpty()) {
            if (name.equals("index.html")) {
                res.header(HeaderNames.CONTENT_TYPE, TYPES.get("txt"));
                res.send("Code Proxy is running. The dashboard was not built into this jar (build without -DskipWeb).");
                return;
            }
            res.next();
            return;
        }
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        res.header(HeaderNames.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
        res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.header(HeaderNames.CACHE_CONTROL, name.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
        res.send(body.get());
    }

    /**
     * A file of the built dashboard. Only hits are cached: the set of files is fixed, but the
     * names asked for are the client's, and caching misses would let anyone grow the cache
     * without bound.
     */
    private Optional<byte[]> load(String name) {
        byte[] hit = cache.get(name);
        if (hit != null) {
            return Optional.of(hit);
        }
        try (InputStream in = WebUi.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] b = in.readAllBytes();
            cache.put(name, b);
            return Optional.of(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files held in memory (for tests: misses are never cached). */
    int cached() {
        return cache.size();
    }
}
