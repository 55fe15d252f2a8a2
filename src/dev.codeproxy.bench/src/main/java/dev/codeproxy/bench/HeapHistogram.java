package dev.codeproxy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live objects by class: {@code jcmd PID GC.class_histogram}, which collects fully
 * first, so garbage the collector has not reached yet does not count (RSS counts it). Uses the
 * benchmark JDK's jcmd; the image's JVM answers the attach request itself.
 */
final class HeapHistogram {
    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(.+?)\\s*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** Live bytes in all, and per class name: {instances, bytes}. */
    record Result(long liveBytes, Map<String, long[]> byClass) {
        /** The classes that grew most from {@code before} to this, one line each, most bytes first. */
        List<String> growth(Result before, int streams, int limit) {
            List<Map.Entry<String, long[]>> grew = new ArrayList<>();
            for (Map.Entry<String, long[]> e : byClass.entrySet()) {
                long[] was = before.byClass.getOrDefault(e.getKey(), new long[2]);
                long[] d = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
                if (d[1] > 0) {
                    grew.add(Map.entry(e.getKey(), d));
                }
            }
            grew.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, long[]> e : grew.subList(0, Math.min(limit, grew.size()))) {
                out.add(String.format(Locale.ROOT, "%10.0f B %8.1f objects per stream  %s",
                        e.getValue()[1] / (double) streams, e.getValue()[0] / (double) streams, e.getKey()));
            }
            return out;
        }
    }

    private HeapHistogram() {
    }

    /** Runs the benchmark JDK's {@code jcmd PID command args...}; returns its output. */
    private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        List<String> cmd = new ArrayList<>(List.of(java.resolveSibling("jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = Children.start(new ProcessBuilder(cmd).redirectErrorStream(true));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + command[0] + " failed: " + out.strip());
        }
        return out;
    }

    /** A heap dump of the live objects (for a closer look; BENCH_HEAP_DUMP=PREFIX in the memory phase). */
    static void dump(long pid, Path file) throws IOException, InterruptedException {
        jcmd(pid, "GC.heap_dump", file.toAbsolutePath().toString());
    }

    static Result take(long pid) throws IOException, InterruptedException {
        String out = jcmd(pid, "GC.class_histogram");
        Map<String, long[]> byClass = new HashMap<>();
        long total = -1;
        for (String line : out.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                byClass.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                continue;
            }
            Matcher t = TOTAL.matcher(line.strip());
            if (t.matches()) {
                total = Long.parseLong(t.group(2));
            }
        }
        if (total < 0) {
            throw new IOException("no total in jcmd's histogram: " + out.lines().limit(5).toList());
        }
        return new Result(total, byClass);
    }
}
