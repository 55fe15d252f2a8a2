package dev.codeproxy.app;

import dev.codeproxy.store.Database;
import dev.codeproxy.store.TokenLimits;
import dev.codeproxy.store.TokenMeter;
import dev.codeproxy.store.TokenRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code code-proxy token create|set|list} with limits: stored as given, listed with spend, hostile flags refused. */
class TokenCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private TokenRepository.StoredToken stored(String name) {
        try (Database db = Database.open(dir.resolve("data"))) {
            return new TokenRepository(db).list().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        }
    }

    @Test
    void createWithEveryLimitThenListSetAndRemove() {
        String expires = LocalDate.now(ZoneOffset.UTC).plusDays(10).toString();
        Run c = run("token", "create", "alice-laptop", "--owner", "Alice", "--budget-usd", "2.50", "--period", "day",
                "--rpm", "30", "--tpm", "200000", "--models", "claude-sonnet-4-5,haiku", "--expires", expires,
                "--data-dir", data());
        assertEquals(0, c.code(), c.err());
        String token = c.out().strip();
        assertTrue(token.startsWith("cp-"), token);
        assertTrue(c.err().contains("with limits") && !c.err().contains(token), c.err());
        TokenRepository.StoredToken t = stored("alice-laptop");
        assertEquals(new TokenLimits("Alice", 2_500_000, TokenLimits.Period.DAY, 30, 200_000,
                List.of("claude-sonnet-4-5", "haiku"), LocalDate.parse(expires)), t.limits());

        // spend is shown against the budget
        try (Database db = Database.open(dir.resolve("data"))) {
            TokenMeter m = new TokenMeter(db);
            Instant now = Instant.now();
            m.charge(t.id(), TokenLimits.Period.DAY.start(now).toEpochMilli(), 1_250_000, TokenMeter.minute(now.toEpochMilli()), 1234);
            m.count(t.id(), TokenMeter.minute(now.toEpochMilli()));
        }
        Run list = run("token", "list", "--data-dir", data());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("$1.25 / $2.50 a day (50 %, resets "), list.out());
        assertTrue(list.out().contains("Alice") && list.out().contains("claude-sonnet-4-5,haiku")
                && list.out().contains(expires), list.out());
        assertTrue(list.out().contains("/30 requests") && list.out().contains("/200000 tokens"), list.out());
        assertFalse(list.out().contains(token), "never shown again");

        assertEquals(0, run("token", "set", "alice-laptop", "--rpm", "none", "--models", "none", "--budget-usd", "10",
                "--data-dir", data()).code());
        TokenLimits after = stored("alice-laptop").limits();
        assertEquals(0, after.rpm());
        assertTrue(after.models().isEmpty());
        assertEquals(10_000_000, after.budgetMicros());
        assertEquals(TokenLimits.Period.DAY, after.period(), "what set does not name stays");
        assertEquals("Alice", after.owner());
        assertTrue(run("token", "list", "--data-dir", data()).out().contains("all"));
    }

    @Test
    void hostileFlagsAreRefusedInOneLineNamingTheFlag() {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String[][] rows = {
                {"--budget-usd", "-5", "expected an amount of dollars"},
                {"--budget-usd", "NaN", "expected an amount of dollars"},
                {"--budget-usd", "Infinity", "expected an amount of dollars"},
                {"--budget-usd", "1e3", "expected an amount of dollars"},
                {"--budget-usd", "0", "expected an amount of dollars"},
                {"--budget-usd", "99999999999999999999999", "expected an amount of dollars"},
                {"--budget-usd", "0.0000001", "expected an amount of dollars"},
                {"--budget-usd", "none", "expected an amount of dollars"},
                {"--period", "week", "expected day or month"},
                {"--period", "", "expected day or month"},
                {"--rpm", "0", "from 1 to 1000000"},
                {"--rpm", "-1", "from 1 to 1000000"},
                {"--rpm", "1.5", "from 1 to 1000000"},
                {"--rpm", "18446744073709551616", "from 1 to 1000000"},
                {"--tpm", "abc", "from 1 to 1000000000"},
                {"--models", "", "expected model names"},
                {"--models", "a,,b", "expected model names"},
                {"--models", "a, b", "expected model names"},
                {"--models", "[a,b]", "expected model names"},
                {"--models", "a;b", "expected model names"},
                {"--expires", "2026-02-30", "expected a date as YYYY-MM-DD"},
                {"--expires", "31/12/2030", "expected a date as YYYY-MM-DD"},
                {"--expires", today, "expected a day after today"},
                {"--expires", "1999-01-01", "expected a day after today"},
                {"--owner", "a\tb", "control characters"},
        };
        for (String[] r : rows) {
            Run run = run("token", "create", "x", r[0], r[1], "--data-dir", data());
            assertEquals(2, run.code(), r[0] + " " + r[1] + ": " + run.err());
            assertEquals(1, run.err().lines().count(), "one line: " + run.err());
            assertTrue(run.err().startsWith("code-proxy: token create: " + r[0] + " ") && run.err().contains(r[2]),
                    r[0] + " " + r[1] + ": " + run.err());
        }
        assertFalse(dir.resolve("data").toFile().exists(), "a usage error creates nothing");
        assertEquals(0, run("token", "create", "ok", "--data-dir", data()).code());
        Run set = run("token", "set", "ok", "--tpm", "-3", "--data-dir", data());
        assertEquals(2, set.code(), set.err());
        assertTrue(set.err().startsWith("code-proxy: token set: --tpm "), set.err());
        Run nothing = run("token", "set", "ok", "--data-dir", data());
        assertEquals(2, nothing.code());
        assertTrue(nothing.err().contains("nothing to change"), nothing.err());
        Run ghost = run("token", "set", "ghost", "--rpm", "1", "--data-dir", data());
        assertEquals(1, ghost.code());
        assertTrue(ghost.err().contains("no active token with id or name 'ghost'"), ghost.err());
        Run missingValue = run("token", "create", "y", "--rpm", "--data-dir", data());
        assertEquals(2, missingValue.code(), missingValue.err());
        assertEquals(1, missingValue.err().lines().count(), missingValue.err());
    }
}
