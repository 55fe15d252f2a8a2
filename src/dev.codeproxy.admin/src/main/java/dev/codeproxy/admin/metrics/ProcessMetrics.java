package dev.codeproxy.admin.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Prometheus' standard {@code process_*} families (as the official client libraries name them):
 * CPU time, start time, memory, file descriptors. Read at scrape time from the JDK and, on Linux,
 * {@code /proc/self}; a value the platform cannot give is left out rather than reported as 0.
 */
final class ProcessMetrics {
    private static final Path PROC = Path.of("/proc/self");

    private ProcessMetrics() {
    }

    static void write(StringBuilder b) {
        ProcessHandle.Info info = ProcessHandle.current().info();
        info.totalCpuDuration().ifPresent(d -> {
            MetricsService.head(b, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
            b.append("process_cpu_seconds_total ").append(decimal(d.toNanos() / 1e9)).append('\n');
        });
        long startMs = info.startInstant().map(Instant::toEpochMilli)
                .orElse(ManagementFactory.getRuntimeMXBean().getStartTime());
        MetricsService.head(b, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
        b.append("process_start_time_seconds ").append(decimal(startMs / 1000.0)).append('\n');
        Map<String, Long> status = status();
        if (status.containsKey("VmRSS")) {
            MetricsService.head(b, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
            MetricsService.line(b, "process_resident_memory_bytes", Map.of(), status.get("VmRSS") * 1024);
        }
        if (status.containsKey("VmSize")) {
            MetricsService.head(b, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
            MetricsService.line(b, "process_virtual_memory_bytes", Map.of(), status.get("VmSize") * 1024);
        }
        long open = openFds();
        if (open >= 0) {
            MetricsService.head(b, "process_open_fds", "gauge", "Number of open file descriptors.");
            MetricsService.line(b, "process_open_fds", Map.of(), open);
        }
        long max = maxFds();
        if (max >= 0) {
            MetricsService.head(b, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
            MetricsService.line(b, "process_max_fds", Map.of(), max);
        }
    }

    /** VmRSS, VmSize ... of /proc/self/status in kB; empty off Linux. */
    private static Map<String, Long> status() {
        Map<String, Long> m = new HashMap<>();
        try (Stream<String> lines = Files.lines(PROC.resolve("status"))) {
            lines.filter(l -> l.startsWith("Vm")).forEach(l -> {
                String[] p = l.split("[:\\s]+");
                if (p.length >= 2) {
                    try {
                        m.put(p[0], Long.parseLong(p[1]));
                    } catch (NumberFormatException ignored) {
                        // not a number: left out
                    }
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return Map.of();
        }
        return m;
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(PROC.resolve("fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long maxFds() {
        try (Stream<String> lines = Files.lines(PROC.resolve("limits"))) {
            return lines.filter(l -> l.startsWith("Max open files"))
                    .map(l -> l.substring("Max open files".length()).strip().split("\\s+")[0])
                    .map(v -> v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v))
                    .findFirst().orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static String decimal(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
