package dev.codeproxy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk -t1 -cC -dDs} with a Lua script that POSTs a small Messages request with the
 * client token. wrk inherits this JVM's CPU affinity (the client core).
 */
final class Wrk {
    record Result(double requestsPerSecond, long requests, long non2xx, long socketErrors, String raw) {
    }

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private final Path wrk;
    private final Path script;

    Wrk(Path wrk, Path dir, String path, String body) throws IOException {
        this.wrk = wrk;
        this.script = dir.resolve("post.lua");
        if (body.contains("]]")) {
            throw new IllegalArgumentException("body must not contain ]]");
        }
        Files.writeString(script, """
                wrk.method = "POST"
                wrk.path = "%s"
                wrk.body = [[%s]]
                wrk.headers["content-type"] = "application/json"
                wrk.headers["anthropic-version"] = "2023-06-01"
                wrk.headers["x-api-key"] = "%s"
                """.formatted(path, body, ProxyProcess.CLIENT_TOKEN), StandardCharsets.UTF_8);
    }

    /**
     * wrk posting the bytes of {@code bodyFile} (any size: the Lua script reads the file) to
     * {@code path}, e.g. a Claude Code-shaped request to {@code /v1/messages?beta=true}.
     */
    static Wrk ofFile(Path wrk, Path dir, String name, String path, Path bodyFile) throws IOException {
        Path script = dir.resolve(name + ".lua");
        Files.writeString(script, """
                local f = assert(io.open("%s", "rb"))
                wrk.method = "POST"
                wrk.path = "%s"
                wrk.body = f:read("*a")
                f:close()
                wrk.headers["content-type"] = "application/json"
                wrk.headers["anthropic-version"] = "2023-06-01"
                wrk.headers["x-api-key"] = "%s"
                """.formatted(bodyFile, path, ProxyProcess.CLIENT_TOKEN), StandardCharsets.UTF_8);
        return new Wrk(wrk, script);
    }

    private Wrk(Path wrk, Path script) {
        this.wrk = wrk;
        this.script = script;
    }

    /** Runs wrk and keeps its output in {@code log} (when not null). */
    Result run(int port, int connections, int seconds, Path log) throws IOException, InterruptedException {
        Result r = run(port, connections, seconds);
        if (log != null) {
            Files.writeString(log, r.raw(), StandardCharsets.UTF_8);
        }
        return r;
    }

    Result run(int port, int connections, int seconds) throws IOException, InterruptedException {
        List<String> cmd = List.of(wrk.toString(), "-t1", "-c" + connections, "-d" + seconds + "s", "--latency",
                "-s", script.toString(), "http://127.0.0.1:" + port + "/");
        Process p = Children.start(new ProcessBuilder(cmd).redirectErrorStream(true));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish");
        }
        Matcher m = RPS.matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IOException("wrk failed: " + out.strip());
        }
        double rps = Double.parseDouble(m.group(1));
        Matcher t = TOTAL.matcher(out);
        long total = t.find() ? Long.parseLong(t.group(1)) : -1;
        Matcher n = NON2XX.matcher(out);
        long non2xx = n.find() ? Long.parseLong(n.group(1)) : 0;
        Matcher e = ERRORS.matcher(out);
        long errors = 0;
        if (e.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(e.group(i));
            }
        }
        return new Result(rps, total, non2xx, errors, out);
    }
}
