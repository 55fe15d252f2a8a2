package dev.codeproxy.store;

import dev.codeproxy.core.pricing.ModelPrice;
import dev.codeproxy.core.pricing.PriceOverride;
import dev.codeproxy.core.pricing.PriceSource;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.store.log.LogQueries;
import dev.codeproxy.store.log.Rec;
import dev.codeproxy.store.log.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceRepositoryTest {
    static final ModelPrice GLM = ModelPrice.of("0.60", "2.20", "0", "0", "0.11");

    @TempDir
    Path dir;

    @Test
    void overridesAreStoredVersionedAndReset() {
        try (Database db = Database.open(dir)) {
            PriceRepository p = new PriceRepository(db);
            assertEquals(List.of(), p.overrides());
            assertEquals(0, p.version());
            PriceTable bundled = p.table();
            assertSame(bundled, p.table(), "cached while nothing changes");

            p.put(new PriceOverride("GLM-4.6", GLM));
            assertEquals(1, p.version());
            assertEquals(List.of(new PriceOverride("glm-4.6", GLM)), p.overrides());
            assertEquals(PriceSource.OVERRIDE, p.table().find("glm-4.6").orElseThrow().source());
            assertEquals(0, new BigDecimal("2.2").compareTo(p.overrides().getFirst().price().output()),
                    "decimals survive exactly");

            p.put(new PriceOverride("glm-4.6", ModelPrice.of("1", "1", "1", "1", "1")));
            assertEquals(1, p.overrides().size(), "same pattern replaces");
            p.replaceAll(List.of(new PriceOverride("kimi-*", GLM), new PriceOverride("claude-opus-4-8", GLM)));
            assertEquals(List.of("claude-opus-4-8", "kimi-*"), p.overrides().stream().map(PriceOverride::pattern).toList());
            assertTrue(p.remove("KIMI-*"));
            assertFalse(p.remove("kimi-*"));
            p.resetToBundled();
            assertEquals(List.of(), p.overrides());
            assertTrue(p.table().find("glm-4.6").isEmpty());
            assertEquals(6, p.version());
        }
    }

    @Test
    void changesByAnotherInstanceAreSeen() {
        try (Database db = Database.open(dir)) {
            PriceRepository reader = new PriceRepository(db);
            assertTrue(reader.table().find("glm-4.6").isEmpty());
            new PriceRepository(db).put(new PriceOverride("glm-*", GLM));
            assertTrue(reader.table().find("glm-4.6").isPresent());
        }
    }

    @Test
    void theLogWriterPricesWithCurrentOverrides() {
        try (TestStore s = new TestStore(dir)) {
            LogQueries q = new LogQueries(s.db);
            s.write(Rec.of(1).model("claude-sonnet-4-5", "glm-4.6").usage(1000, 1000, 0, 0, 1000));
            assertFalse(q.detail(1).orElseThrow().entry().priced());

            new PriceRepository(s.db).put(new PriceOverride("glm-*", GLM));
            s.write(Rec.of(2).model("claude-sonnet-4-5", "glm-4.6").usage(1000, 1000, 0, 0, 1000));
            // 1000*0.60 + 1000*2.20 + 1000*0.11
            assertEquals(2910, q.detail(2).orElseThrow().entry().costMicros());
            assertTrue(q.detail(2).orElseThrow().entry().priced());
            assertFalse(q.detail(1).orElseThrow().entry().priced(), "stored costs are not rewritten");

            new PriceRepository(s.db).put(new PriceOverride("claude-sonnet-4-5*", ModelPrice.of("1", "1", "1", "1", "1")));
            s.write(Rec.of(3).model("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929").usage(1, 2, 3, 4, 5));
            assertEquals(15, q.detail(3).orElseThrow().entry().costMicros());
            assertEquals(2910 + 15, s.scalar("SELECT sum(cost_micros) FROM stats_daily"));
        }
    }

    @Test
    void badOverridesAreRefusedWithTheirReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PriceOverride("glm-4.6", ModelPrice.of("0.6", "-1", "0", "0", "0")));
        assertTrue(e.getMessage().contains("output"), e.getMessage());
    }
}
