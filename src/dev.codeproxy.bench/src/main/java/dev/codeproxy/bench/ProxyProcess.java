package dev.codeproxy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of the proxy image ({@code bin/code-proxy}), optionally pinned with {@code taskset}. */
final class ProxyProcess implements AutoCloseable {
    static final String CLIENT_TOKEN = "cp-bench-client-token-000000000000";
    static final String UPSTREAM_KEY = "sk-bench-key-0000000000";

    private final Process process;
    final int port;
    final long startNanos;
    final Path log;
    /** The JVM's GC log (-Xlog:gc), for the pause row. */
    final Path gcLog;

    private ProxyProcess(Process process, int port, long startNanos, Path log, Path gcLog) {
        this.process = process;
        this.port = port;
        this.startNanos = startNanos;
        this.log = log;
        this.gcLog = gcLog;
    }

    /** Writes an import file pointing at {@code upstreamUrl} and runs {@code code-proxy import}. */
    static void importEndpoint(Env env, Path dataDir, String upstreamUrl) throws IOException, InterruptedException {
        importEndpoint(env, dataDir, upstreamUrl, "{}");
    }

    /** The same with stored settings (a JSON object of the import file's "settings"). */
    static void importEndpoint(Env env, Path dataDir, String upstreamUrl, String settings)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolveSibling(dataDir.getFileName() + "-import.json");
        Files.writeString(file, "{\"format\":\"code-proxy/1\",\"settings\":" + settings
                + ",\"endpoints\":[{\"name\":\"fake\",\"baseUrl\":\""
                + upstreamUrl + "\",\"apiKey\":\"" + UPSTREAM_KEY + "\"}]}");
        List<String> cmd = List.of(env.launcher.toString(), "import", file.toString(), "--data-dir", dataDir.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", env.home.toString());
        Process p = Children.start(pb);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("code-proxy import failed: " + out.strip());
        }
    }

    /** Starts {@code code-proxy serve} (headless, no browser) on {@code port}. Does not wait. */
    static ProxyProcess start(Env env, Path dataDir, int port, boolean pinned, String logName) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (pinned) {
            cmd.addAll(env.proxyCpuPrefix);
        }
        cmd.add(env.launcher.toString());
        cmd.addAll(List.of("serve", "--headless", "--no-browser", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--data-dir", dataDir.toString()));
        cmd.addAll(env.extraServeFlags);
        Path log = env.out.resolve(logName);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> e = pb.environment();
        e.put("CODE_PROXY_CLIENT_TOKEN", CLIENT_TOKEN);
        e.put("HOME", env.home.toString()); // never touch the real ~/.claude
        e.remove("CODE_PROXY_HOST");
        e.remove("CODE_PROXY_PORT");
        e.remove("CODE_PROXY_DATA_DIR");
        Path gcLog = env.out.resolve(logName.replace(".log", "") + "-gc.log");
        String opts = e.getOrDefault("CODE_PROXY_JAVA_OPTS", "");
        // gc+phases: ZGC logs its (sub-millisecond) pauses there; the serial collector logs them under gc
        e.put("CODE_PROXY_JAVA_OPTS", (opts + " -Xlog:gc,gc+phases:file=" + gcLog).strip());
        long t0 = System.nanoTime();
        Process p = Children.start(pb);
        return new ProxyProcess(p, port, t0, log, gcLog);
    }

    /**
     * Polls {@code HEAD /} (connect retry every {@code pollMillis}) until it answers 200; returns
     * the nanoTime of that answer.
     */
    long awaitReady(Duration timeout, long pollMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] req = ("HEAD / HTTP/1.1\r\nhost: 127.0.0.1:" + port + "\r\nconnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the proxy exited with " + process.exitValue() + ": " + tail());
            }
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                s.setSoTimeout(5000);
                OutputStream o = s.getOutputStream();
                o.write(req);
                o.flush();
                InputStream in = s.getInputStream();
                byte[] b = new byte[12];
                int n = 0;
                while (n < 12) {
                    int k = in.read(b, n, 12 - n);
                    if (k < 0) {
                        break;
                    }
                    n += k;
                }
                long t = System.nanoTime();
                if (n == 12 && new String(b, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200")) {
                    return t;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(pollMillis);
        }
        throw new IOException("the proxy did not answer HEAD / with 200 within " + timeout + ": " + tail());
    }

    /** The JVM process (the launcher itself when it execs java, else its java child). */
    long javaPid() {
        return Children.findJava(process).map(ProcessHandle::pid).orElse(process.pid());
    }

    /** A field of /proc/PID/status in kB (VmRSS, VmHWM, ...) or the plain number (Threads); -1 if unknown. */
    static long procStatus(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    String v = line.substring(field.length() + 1).trim();
                    int sp = v.indexOf(' ');
                    return Long.parseLong(sp < 0 ? v : v.substring(0, sp));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux or gone
        }
        return -1;
    }

    boolean alive() {
        return process.isAlive();
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        Children.note(javaPid());
        Children.stop(process, Duration.ofSeconds(10));
    }
}
