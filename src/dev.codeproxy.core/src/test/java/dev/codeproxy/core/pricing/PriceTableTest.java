package dev.codeproxy.core.pricing;

import dev.codeproxy.core.usage.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceTableTest {
    private final PriceTable table = PriceTable.bundled();

    @Test
    void opusCostWithEveryTokenKind() {
        // 1000*15 + 2000*75 + 3000*18.75 + 4000*30 + 5000*1.50 = 15000 + 150000 + 56250 + 120000 + 7500
        Cost c = table.cost("claude-opus-4-1-20250805", new Usage(1000, 2000, 3000, 4000, 5000));
        assertEquals(new Cost(348_750, true), c);
    }

    @Test
    void sonnetCostKeepsSubMicroPrecisionUntilTheEnd() {
        // 1234*3 + 567*15 + 89*3.75 + 10*6 + 11111*0.30 = 3702 + 8505 + 333.75 + 60 + 3333.3 = 15934.05
        Usage u = new Usage(1234, 567, 89, 10, 11111);
        assertEquals(new BigDecimal("15934.05"), table.find("claude-sonnet-4-5-20250929").orElseThrow().price()
                .costMicrosExact(u).stripTrailingZeros());
        assertEquals(new Cost(15_934, true), table.cost("claude-sonnet-4-5-20250929", u));
    }

    @Test
    void haikuCostRoundsOnceHalfUp() {
        // 7*1 + 3*5 + 1*1.25 + 1*2 + 3*0.10 = 25.55 -> 26 (rounding each term first would give 25)
        assertEquals(new Cost(26, true), table.cost("claude-haiku-4-5-20251001", new Usage(7, 3, 1, 1, 3)));
    }

    @Test
    void olderHaikusHaveTheirOwnPrices() {
        // a million tokens of each kind costs the sum of the five prices in USD
        Usage million = new Usage(1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000);
        assertEquals(7_480_000L, table.cost("claude-3-5-haiku-20241022", million).micros()); // .8+4+1+1.6+.08 USD
        assertEquals(2_330_000L, table.cost("claude-3-haiku-20240307", million).micros()); // .25+1.25+.3+.5+.03 USD
    }

    @ParameterizedTest
    @CsvSource({
            "claude-opus-4-20250514, BUNDLED, claude-opus-4, 15",
            "claude-opus-4-1-20250805, BUNDLED, claude-opus-4-1, 15",
            "claude-opus-4-5-20251101, BUNDLED, claude-opus-4-5, 5",
            "claude-opus-4-6, BUNDLED, claude-opus-4-6, 5",
            "claude-3-opus-20240229, BUNDLED, claude-3-opus, 15",
            "claude-sonnet-4-20250514, BUNDLED, claude-sonnet-4, 3",
            "claude-3-7-sonnet-20250219, BUNDLED, claude-3-7-sonnet, 3",
            "claude-3-5-sonnet-latest, BUNDLED, claude-3-5-sonnet, 3",
            "claude-haiku-4-5-20251001, BUNDLED, claude-haiku-4-5, 1",
            "claude-3-5-haiku-20241022, BUNDLED, claude-3-5-haiku, 0.80",
            "claude-3-haiku-20240307, BUNDLED, claude-3-haiku, 0.25",
            "CLAUDE-SONNET-4-5-20250929, BUNDLED, claude-sonnet-4-5, 3",
            "claude-sonnet-4-5[1m], BUNDLED, claude-sonnet-4-5, 3",
            "anthropic.claude-sonnet-4-5-20250929-v1:0, BUNDLED, claude-sonnet-4-5, 3",
            "claude-opus-4-1@20250805, BUNDLED, claude-opus-4-1, 15",
            // newer than this build: the family's newest price
            "claude-opus-4-8, FAMILY, opus, 5",
            "claude-opus-5-5, FAMILY, opus, 5",
            "claude-opus-4-10, FAMILY, opus, 5",
            "claude-sonnet-5, FAMILY, sonnet, 3",
            "claude-haiku-5-20270101, FAMILY, haiku, 1",
            "my-company-opus-proxy, FAMILY, opus, 5",
    })
    void matchesByPrefixThenFamily(String model, PriceSource source, String rule, String inputPrice) {
        PriceMatch m = table.find(model).orElseThrow();
        assertEquals(source, m.source());
        assertEquals(rule, m.rule());
        assertEquals(0, new BigDecimal(inputPrice).compareTo(m.price().input()), model);
    }

    @Test
    void familyFallbackCostIsTheNewestFamilyPrice() {
        // Opus 4.5+ prices: 10*5 + 10*25 + 10*6.25 + 10*10 + 10*0.5 = 467.5 -> 468
        assertEquals(new Cost(468, true), table.cost("claude-opus-4-8", new Usage(10, 10, 10, 10, 10)));
        assertEquals(new Cost(15_000, true), table.cost("claude-sonnet-5", new Usage(0, 1000, 0, 0, 0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"glm-4.6", "gpt-4o", "kimi-k2", "deepseek-chat", "", " "})
    void unknownModelsAreUnpricedNotFree(String model) {
        assertTrue(table.find(model).isEmpty());
        Cost c = table.cost(model, new Usage(1000, 1000, 0, 0, 0));
        assertFalse(c.priced());
        assertEquals(Cost.UNPRICED, c);
    }

    @Test
    void nullModelIsUnpriced() {
        assertEquals(Cost.UNPRICED, table.cost(null, new Usage(1, 1, 1, 1, 1)));
    }

    @Test
    void overridesWinExactBeforePrefixBeforeBundled() {
        PriceTable t = table.withOverrides(List.of(
                new PriceOverride("glm-*", ModelPrice.of("0.5", "2", "0", "0", "0.1")),
                new PriceOverride("glm-4.6", ModelPrice.of("0.6", "2.2", "0", "0", "0.11")),
                new PriceOverride("claude-sonnet-4-5*", ModelPrice.of("2", "10", "2.5", "4", "0.2")),
                new PriceOverride("claude-sonnet-4-5-2025*", ModelPrice.of("1", "1", "1", "1", "1"))));
        assertEquals(new Cost(2800, true), // 1000*0.6 + 1000*2.2
                t.cost("GLM-4.6", new Usage(1000, 1000, 0, 0, 0)));
        assertEquals(new Cost(2500, true), t.cost("glm-4.5-air", new Usage(1000, 1000, 0, 0, 0)));
        PriceMatch m = t.find("claude-sonnet-4-5-20250929").orElseThrow();
        assertEquals(PriceSource.OVERRIDE, m.source());
        assertEquals("claude-sonnet-4-5-2025*", m.rule(), "the longest prefix wins");
        assertEquals("claude-sonnet-4-5*", t.find("claude-sonnet-4-5").orElseThrow().rule());
        assertEquals(PriceSource.BUNDLED, t.find("claude-haiku-4-5").orElseThrow().source(), "others keep bundled");
        assertEquals(table.find("claude-opus-4").orElseThrow(), PriceTable.bundled().withOverrides(List.of())
                .find("claude-opus-4").orElseThrow());
    }

    @Test
    void overrideAndPriceValidationNamesTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelPrice.of("1", "x", "1", "1", "1"));
        assertTrue(e.getMessage().contains("output"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelPrice.of("1", "1", "-1", "1", "1"));
        assertTrue(e.getMessage().contains("cacheWrite5m"), e.getMessage());
        ModelPrice p = ModelPrice.of("1", "1", "1", "1", "1");
        assertThrows(IllegalArgumentException.class, () -> new PriceOverride(" ", p));
        assertThrows(IllegalArgumentException.class, () -> new PriceOverride("*", p));
        assertThrows(IllegalArgumentException.class, () -> new PriceOverride("a*b", p));
        assertEquals("glm-*", new PriceOverride(" GLM-* ", p).pattern());
    }

    @Test
    void boundaryRule() {
        assertTrue(PriceTable.matchesAtBoundary("claude-opus-4", "claude-opus-4"));
        assertTrue(PriceTable.matchesAtBoundary("claude-opus-4-20250514", "claude-opus-4"));
        assertTrue(PriceTable.matchesAtBoundary("claude-opus-4-latest", "claude-opus-4"));
        assertFalse(PriceTable.matchesAtBoundary("claude-opus-4-8", "claude-opus-4"));
        assertFalse(PriceTable.matchesAtBoundary("claude-opus-45", "claude-opus-4"));
        assertFalse(PriceTable.matchesAtBoundary("claude-opus-4.5", "claude-opus-4"));
    }
}
