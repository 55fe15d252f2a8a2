package dev.codeproxy.core.usage;

import dev.codeproxy.core.sse.SseFramer;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * A microbenchmark, not a test (no JMH): the usage reader before (JSON-P, {@link ParssonReference})
 * and after (bytes, {@link UsageScanner}) on what the relay and the exchange feed it per request:
 * a 1.1 KB JSON answer, and the events of a 32-delta stream (message_start and message_delta are
 * read, the other 37 only looked at by name). Prints the best of several rounds, in ns per
 * answer or stream, and the bytes allocated per call. Run from the module directory after
 * {@code mvn test-compile}:
 * <pre>
 * java -cp target/classes:target/test-classes:$(parsson and jakarta.json-api jars) \
 *     dev.codeproxy.core.usage.UsageScannerBench [rounds]
 * </pre>
 */
public final class UsageScannerBench {
    private static long sink;

    private UsageScannerBench() {
    }

    private record Event(String name, int off, int len) {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        byte[] answer = UsageScannerTest.utf8(UsageScannerTest.answer("Hello from the fake upstream. ".repeat(24)));
        byte[] stream = UsageScannerTest.utf8(stream32());
        List<Event> events = new ArrayList<>();
        new SseFramer().feed(stream, 0, stream.length, (b, off, len, name) -> events.add(new Event(name, off, len)));
        System.out.printf("JSON answer %d B; stream %d B, %d events%n", answer.length, stream.length, events.size());

        Runnable oldJson = () -> {
            ParssonReference s = new ParssonReference();
            if (!s.json(answer)) {
                throw new AssertionError();
            }
            sink += s.usage().total();
        };
        Runnable newJson = () -> {
            UsageScanner s = new UsageScanner();
            if (!s.json(answer)) {
                throw new AssertionError();
            }
            sink += s.usage().total();
        };
        // what StreamRelay.observe did before (the data as a String, then a tree) and does now
        Runnable oldStream = () -> {
            ParssonReference s = new ParssonReference();
            for (Event e : events) {
                if (e.name.equals("message_start") || e.name.equals("message_delta")) {
                    s.event(e.name, SseFramer.data(stream, e.off, e.len));
                }
            }
            sink += s.usage().total();
        };
        Runnable newStream = () -> {
            UsageScanner s = new UsageScanner();
            for (Event e : events) {
                s.frame(e.name, stream, e.off, e.len);
            }
            sink += s.usage().total();
        };
        for (int pass = 0; pass < 2; pass++) {
            // the first pass warms up both (JIT); the second is the one to read
            System.out.println(pass == 0 ? "warm-up:" : "measured:");
            report("json() 1.1 KB answer, JSON-P (before)", oldJson, rounds, 20_000);
            report("json() 1.1 KB answer, bytes  (after) ", newJson, rounds, 20_000);
            report("usage of a 32-delta stream, JSON-P (before)", oldStream, rounds, 20_000);
            report("usage of a 32-delta stream, bytes  (after) ", newStream, rounds, 20_000);
        }
        System.out.println("(sink " + sink + ")");
    }

    private static void report(String what, Runnable op, int rounds, int perRound) {
        long best = Long.MAX_VALUE;
        long worst = 0;
        long a0 = allocated();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < perRound; k++) {
                op.run();
            }
            long ns = (System.nanoTime() - t0) / perRound;
            best = Math.min(best, ns);
            worst = Math.max(worst, ns);
        }
        long bytes = (allocated() - a0) / ((long) rounds * perRound);
        System.out.printf("  %-46s best %,7d ns  worst %,7d ns  %,6d B allocated per call%n", what, best, worst, bytes);
    }

    /**
     * Bytes this thread has allocated so far (com.sun.management's ThreadMXBean, by reflection: the
     * test classes are compiled into the core module, which does not read java.management); the
     * benchmark runs on the class path, where it is there.
     */
    private static long allocated() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                    .invoke(null);
            Method m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            return (long) m.invoke(bean);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }

    /** The testkit's 32-delta message (SseFixtures.message), built here: core's tests do not see the testkit. */
    private static String stream32() {
        StringBuilder sb = new StringBuilder();
        sb.append(ev("message_start",
                UsageScannerTest.messageStart(UsageScannerTest.MODEL, UsageScannerTest.START_USAGE)));
        sb.append(ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}"));
        sb.append(ev("ping", "{\"type\":\"ping\"}"));
        for (int i = 0; i < 32; i++) {
            sb.append(ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"text_delta\",\"text\":\"tok" + i + " \"}}"));
        }
        sb.append(ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        sb.append(ev("message_delta", UsageScannerTest.messageDelta("{\"output_tokens\":32}")));
        sb.append(ev("message_stop", "{\"type\":\"message_stop\"}"));
        return sb.toString();
    }

    private static String ev(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}
