package dev.codeproxy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How much CPU other processes used while the benchmark ran: busy time of the whole machine
 * ({@code /proc/stat}) minus the CPU time of this JVM and all the children it has reaped
 * ({@code /proc/self/stat} utime + stime + cutime + cstime). Linux only; NaN elsewhere.
 */
final class CpuLoad {
    private final long busy0;
    private final long own0;
    private final long t0 = System.nanoTime();

    CpuLoad() {
        this.busy0 = machineBusy();
        this.own0 = ownTicks();
    }

    /** CPU used by other processes, in percent of one core, since construction. Call after children exited. */
    double othersPercentOfOneCore() {
        long busy = machineBusy();
        long own = ownTicks();
        if (busy < 0 || own < 0 || busy0 < 0 || own0 < 0) {
            return Double.NaN;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double otherTicks = Math.max(0, (busy - busy0) - (own - own0));
        return otherTicks / 100.0 / seconds * 100.0; // USER_HZ is 100 on Linux
    }

    /** Busy ticks of all CPUs: user, nice, system, irq, softirq, steal. */
    static long machineBusy() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = first.trim().split("\\s+");
            long sum = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                sum += Long.parseLong(f[i]);
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU ticks (utime + stime) of live processes: {@code pid} and its live descendants; -1 when unknown. */
    static long ticksOfTree(long pid) {
        long sum = processTicks(pid);
        if (sum < 0) {
            return -1;
        }
        for (ProcessHandle h : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of())) {
            long t = processTicks(h.pid());
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    private static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU ticks per thread group of a live process, from {@code /proc/PID/task/*}: thread names
     * with digits removed ("C2 CompilerThre", "ForkJoinPool-" ...). Empty when unknown.
     */
    static Map<String, Long> ticksByThread(long pid) {
        Map<String, Long> m = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String name = group(Files.readString(t.resolve("comm")).strip());
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                    m.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // thread ended
                }
            }
        } catch (IOException e) {
            // not Linux or gone
        }
        return m;
    }

    /** Readable thread groups of a HotSpot process (thread names are cut to 15 characters). */
    private static String group(String comm) {
        if (comm.startsWith("C2 Compiler")) {
            return "JIT C2";
        }
        if (comm.startsWith("C1 Compiler")) {
            return "JIT C1";
        }
        if (comm.startsWith("ForkJoinPool")) {
            return "virtual-thread carriers";
        }
        if (comm.equals("VM Thread")) {
            return "VM thread (GC)";
        }
        return comm.replaceAll("[-#_ ]*[0-9]+$", "");
    }

    /** Per-group difference {@code after - before}, largest first, as "name 45%, ..." of {@code total}. */
    static String share(Map<String, Long> before, Map<String, Long> after, int top) {
        Map<String, Long> d = new HashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        long total = d.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum();
        if (total <= 0) {
            return "n/a";
        }
        return d.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .map(e -> e.getKey() + " " + Math.round(100.0 * e.getValue() / total) + "%")
                .collect(Collectors.joining(", "));
    }

    /** Ticks of this process and its reaped children. */
    static long ownTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // after the comm field: f[0] = state (field 3), so field n is f[n - 3]
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
