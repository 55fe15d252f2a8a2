package dev.codeproxy.store.log;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Many request threads (virtual, as the server's are) hand records over at once; every one is written. */
class ConcurrentProducersTest {
    @TempDir
    Path dir;

    @Test
    void manyVirtualThreadsLoseNothing() throws Exception {
        try (TestStore s = new TestStore(dir)) {
            s.set(Map.of("logRetention", "10000000"));
            int threads = 64;
            int each = 250;
            Mix mix = new Mix();
            List<RequestRecord> recs = mix.records(threads * each, 1, TestStore.NOW.toEpochMilli(),
                    Duration.ofHours(5).toMillis(), 11);
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    List<RequestRecord> mine = recs.subList(t * each, (t + 1) * each);
                    fs.add(ex.submit(() -> mine.forEach(r -> s.log.onEvent(new ProxyEvent.RequestCompleted(r)))));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            s.log.flush();
            assertEquals(threads * each, s.log.written());
            assertEquals(0, s.log.dropped());
            assertEquals(threads * each, s.scalar("SELECT count(*) FROM requests"));
            assertEquals(mix.cost, s.scalar("SELECT sum(cost_micros) FROM stats_daily"));
            assertEquals(mix.output, s.scalar("SELECT sum(output_tokens) FROM stats_hourly"));
        }
    }
}
