package dev.codeproxy.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each limit accepts, and how periods, expiry and models are decided. */
class TokenLimitsTest {
    static final LocalDate TODAY = LocalDate.of(2026, 12, 5);

    @Test
    void budgetsInDollarsBecomeMicroDollars() {
        assertEquals(25_000_000, TokenLimits.parseBudgetUsd("25"));
        assertEquals(2_500_000, TokenLimits.parseBudgetUsd("2.50"));
        assertEquals(1, TokenLimits.parseBudgetUsd("0.000001"));
        assertEquals(1_000_000_000_000L, TokenLimits.parseBudgetUsd("1000000"));
        assertEquals(1_500_000, TokenLimits.budgetMicros(new BigDecimal("1.5e0")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0.0000001", "-5", "+5", "NaN", "Infinity", "1e3", "1,000", " 5", "5 ", "1000001",
            "99999999999999999999", "0x10", "5$", "$5", "٥"})
    void badBudgetsAreRefusedNamingWhatIsAccepted(String s) {
        var e = assertThrows(IllegalArgumentException.class, () -> TokenLimits.parseBudgetUsd(s));
        assertTrue(e.getMessage().contains("expected an amount of dollars"), e.getMessage());
    }

    @Test
    void budgetNumbersOutOfRangeAreRefused() {
        for (String s : new String[] {"0", "-1", "1000000.000001", "1e400", "0.0000001", "1e-400"}) {
            assertThrows(IllegalArgumentException.class, () -> TokenLimits.budgetMicros(new BigDecimal(s)), s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-1", "1.5", "1e3", "NaN", "1000001", "99999999999", "ten", " 3"})
    void badRequestRatesAreRefused(String s) {
        var e = assertThrows(IllegalArgumentException.class, () -> TokenLimits.parseRpm(s));
        assertTrue(e.getMessage().contains("from 1 to 1000000"), e.getMessage());
    }

    @Test
    void ratesInRange() {
        assertEquals(60, TokenLimits.parseRpm("60"));
        assertEquals(1_000_000_000, TokenLimits.parseTpm("1000000000"));
        assertThrows(IllegalArgumentException.class, () -> TokenLimits.parseTpm("1000000001"));
        assertThrows(IllegalArgumentException.class, () -> TokenLimits.checkRpm(0));
        assertThrows(IllegalArgumentException.class, () -> TokenLimits.checkTpm(Long.MIN_VALUE));
    }

    @Test
    void modelListsAreCommaSeparatedNames() {
        assertEquals(List.of("claude-sonnet-4-5", "haiku"), TokenLimits.parseModels("claude-sonnet-4-5,haiku"));
        assertEquals(List.of("a"), TokenLimits.parseModels("a,a"));
        assertEquals(List.of("glm-4.6", "us.anthropic/claude@v1:0"), TokenLimits.parseModels("glm-4.6,us.anthropic/claude@v1:0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", "a,", ",a", "a,,b", "a b", "a;b", "[a,b]", "\"a\"", "*", "a, b", "é", "a\nb"})
    void badModelListsAreRefused(String s) {
        var e = assertThrows(IllegalArgumentException.class, () -> TokenLimits.parseModels(s));
        assertTrue(e.getMessage().contains("expected model names"), e.getMessage());
    }

    @Test
    void tooManyOrTooLongModelsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TokenLimits.parseModels("m,".repeat(40) + "m"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("m").append(i);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenLimits.parseModels(many.toString()))
                .getMessage().contains("at most 32"));
        assertThrows(IllegalArgumentException.class, () -> TokenLimits.parseModels("x".repeat(101)));
    }

    @Test
    void aModelIsAllowedWhenItContainsAnAllowedName() {
        TokenLimits l = TokenLimits.NONE.withModels(List.of("haiku", "claude-sonnet-4-5"));
        assertTrue(l.allows("claude-haiku-4-5-20251001"));
        assertTrue(l.allows("CLAUDE-SONNET-4-5"));
        assertFalse(l.allows("claude-opus-4-1"));
        assertTrue(l.allows(null), "a request that names no model");
        assertTrue(TokenLimits.NONE.allows("anything"));
    }

    @Test
    void expiryIsADayAfterToday() {
        assertEquals(LocalDate.of(2026, 12, 6), TokenLimits.parseExpires("2026-12-06", TODAY));
        for (String s : new String[] {"2026-12-05", "2020-01-01", "2026-02-30", "2026-13-01", "2026-1-5", "tomorrow",
                "", "2026-12-06T00:00", "+2026-12-06", "99999-01-01", "2026/12/06", "０２０２６-12-06"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> TokenLimits.parseExpires(s, TODAY), s);
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
        }
        TokenLimits l = TokenLimits.NONE.withExpires(LocalDate.of(2026, 12, 6));
        assertFalse(l.expiredAt(Instant.parse("2026-12-05T23:59:59Z")));
        assertTrue(l.expiredAt(Instant.parse("2026-12-06T00:00:00Z")));
    }

    @Test
    void periodsAreUtcDaysAndMonths() {
        Instant at = Instant.parse("2026-12-31T23:30:00Z");
        assertEquals(Instant.parse("2026-12-31T00:00:00Z"), TokenLimits.Period.DAY.start(at));
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), TokenLimits.Period.DAY.next(TokenLimits.Period.DAY.start(at)));
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), TokenLimits.Period.MONTH.start(at));
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"),
                TokenLimits.Period.MONTH.next(TokenLimits.Period.MONTH.start(at)));
        assertEquals(TokenLimits.Period.DAY, TokenLimits.Period.parse("day"));
        assertThrows(IllegalArgumentException.class, () -> TokenLimits.Period.parse("Day"));
        assertThrows(IllegalArgumentException.class, () -> TokenLimits.Period.parse("week"));
    }

    @Test
    void ownersAreOneLine() {
        assertEquals("Alice", TokenLimits.checkOwner("  Alice "));
        assertThrows(IllegalArgumentException.class, () -> TokenLimits.checkOwner("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> TokenLimits.checkOwner("x".repeat(101)));
    }

    @Test
    void nothingLimitedIsNotEnforced() {
        assertFalse(TokenLimits.NONE.enforced());
        assertTrue(TokenLimits.NONE.withModels(List.of("haiku")).enforced());
        assertFalse(TokenLimits.NONE.withModels(List.of("haiku")).metered());
        assertTrue(TokenLimits.NONE.withTpm(5).metered());
        assertEquals("$2.50", TokenLimits.dollars(2_500_000));
        assertEquals("$0.000123", TokenLimits.dollars(123));
        assertEquals("$10.00", TokenLimits.dollars(10_000_000));
    }
}
