package dev.codeproxy.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * The framework's own cost beside the proxy's: a Helidon SE pass-through
 * ({@code src/main/passthrough}) compiled against the image's runtime ({@code javac --system
 * IMAGE}) and run by the image's own {@code java} with the image's JVM options
 * ({@code lib/jvm.options}, and the priorities jlink baked in), pinned like the proxy. Same
 * Helidon, same JDK, same collector and heap: what is left between the two rows is Code Proxy's
 * own work (authentication, routing, the model rewrite, usage, the request log, metrics).
 */
final class PassThroughProcess implements AutoCloseable {
    static final Path SOURCES = Path.of("src/dev.codeproxy.bench/src/main/passthrough");

    private final Process process;
    final int port;

    private PassThroughProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Compiles and starts it; null (with the reason printed) when it cannot run here. */
    static PassThroughProcess start(Env env, String upstreamUrl) throws IOException, InterruptedException {
        if (!Files.isDirectory(SOURCES)) {
            System.out.println("    pass-through: no sources at " + SOURCES.toAbsolutePath() + ": its rows are n/a");
            return null;
        }
        ToolProvider javac = ToolProvider.findFirst("javac").orElse(null);
        if (javac == null) {
            System.out.println("    pass-through: no javac in the benchmark's JDK: its rows are n/a");
            return null;
        }
        Path classes = env.tmp.resolve("passthrough-classes");
        List<String> args = new ArrayList<>(List.of("--system", env.imageDir.toString(), "-nowarn",
                "-d", classes.toString()));
        try (Stream<Path> s = Files.walk(SOURCES)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        if (javac.run(ps, ps, args.toArray(String[]::new)) != 0) {
            System.out.println("    pass-through: does not compile against the image: " + err.toString(StandardCharsets.UTF_8).strip());
            return null;
        }
        List<String> cmd = new ArrayList<>(env.proxyCpuPrefix);
        cmd.add(env.imageDir.resolve("bin/java").toString());
        cmd.addAll(jvmOptions(env.imageDir));
        int port = Env.freePort();
        cmd.addAll(List.of("--module-path", classes.toString(),
                "-m", "dev.codeproxy.passthrough/dev.codeproxy.passthrough.PassThrough",
                Integer.toString(port), upstreamUrl));
        Process p = Children.start(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(env.out.resolve("passthrough.log").toFile()));
        PassThroughProcess pt = new PassThroughProcess(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                System.out.println("    pass-through: exited with " + p.exitValue() + " (see passthrough.log)");
                return null;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return pt;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        pt.close();
        System.out.println("    pass-through: not listening after 30 s (see passthrough.log)");
        return null;
    }

    /** The image's lib/jvm.options as bin/code-proxy reads them (comments skipped, @IMAGE@ replaced). */
    private static List<String> jvmOptions(Path image) throws IOException {
        List<String> opts = new ArrayList<>();
        Path file = image.resolve("lib/jvm.options");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String o = line.strip();
                if (!o.isEmpty() && !o.startsWith("#")) {
                    opts.add(o.replace("@IMAGE@", image.toString()));
                }
            }
        }
        return opts;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
