package dev.codeproxy.admin.metrics;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * JVM families in the Prometheus Java client's names: heap and non-heap memory, buffer pools,
 * threads, garbage collections, loaded classes. Read from the platform MXBeans at scrape time.
 */
final class JvmMetrics {
    private JvmMetrics() {
    }

    static void write(StringBuilder b) {
        var mem = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = mem.getHeapMemoryUsage();
        MemoryUsage nonHeap = mem.getNonHeapMemoryUsage();
        MetricsService.head(b, "jvm_memory_bytes_used", "gauge", "Used bytes of a given JVM memory area.");
        MetricsService.line(b, "jvm_memory_bytes_used", Map.of("area", "heap"), heap.getUsed());
        MetricsService.line(b, "jvm_memory_bytes_used", Map.of("area", "nonheap"), nonHeap.getUsed());
        MetricsService.head(b, "jvm_memory_bytes_committed", "gauge", "Committed bytes of a given JVM memory area.");
        MetricsService.line(b, "jvm_memory_bytes_committed", Map.of("area", "heap"), heap.getCommitted());
        MetricsService.line(b, "jvm_memory_bytes_committed", Map.of("area", "nonheap"), nonHeap.getCommitted());
        MetricsService.head(b, "jvm_memory_bytes_max", "gauge", "Max bytes of a given JVM memory area (-1: undefined).");
        MetricsService.line(b, "jvm_memory_bytes_max", Map.of("area", "heap"), heap.getMax());
        MetricsService.line(b, "jvm_memory_bytes_max", Map.of("area", "nonheap"), nonHeap.getMax());
        MetricsService.head(b, "jvm_buffer_pool_used_bytes", "gauge", "Used bytes of a given JVM buffer pool.");
        for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            MetricsService.line(b, "jvm_buffer_pool_used_bytes", Map.of("pool", p.getName()), p.getMemoryUsed());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MetricsService.head(b, "jvm_threads_current", "gauge", "Current thread count of the JVM (platform threads).");
        MetricsService.line(b, "jvm_threads_current", Map.of(), threads.getThreadCount());
        MetricsService.head(b, "jvm_threads_daemon", "gauge", "Daemon thread count of the JVM.");
        MetricsService.line(b, "jvm_threads_daemon", Map.of(), threads.getDaemonThreadCount());
        MetricsService.head(b, "jvm_threads_peak", "gauge", "Peak thread count of the JVM.");
        MetricsService.line(b, "jvm_threads_peak", Map.of(), threads.getPeakThreadCount());
        MetricsService.head(b, "jvm_gc_collection_seconds", "summary", "Time spent in a given JVM garbage collector "
                + "in seconds.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            Map<String, String> l = Map.of("gc", gc.getName());
            MetricsService.line(b, "jvm_gc_collection_seconds_count", l, Math.max(0, gc.getCollectionCount()));
            b.append("jvm_gc_collection_seconds_sum");
            MetricsService.labels(b, l);
            b.append(' ').append(ProcessMetrics.decimal(Math.max(0, gc.getCollectionTime()) / 1000.0)).append('\n');
        }
        var classes = ManagementFactory.getClassLoadingMXBean();
        MetricsService.head(b, "jvm_classes_currently_loaded", "gauge", "The number of classes currently loaded in the JVM.");
        MetricsService.line(b, "jvm_classes_currently_loaded", Map.of(), classes.getLoadedClassCount());
        MetricsService.head(b, "jvm_info", "gauge", "VM version info.");
        MetricsService.line(b, "jvm_info", MetricsService.ordered("runtime", System.getProperty("java.runtime.name", ""),
                "version", System.getProperty("java.runtime.version", "")), 1);
    }
}
