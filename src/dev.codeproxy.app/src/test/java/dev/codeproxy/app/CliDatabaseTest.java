package dev.codeproxy.app;

import dev.codeproxy.testkit.PostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --database / CODE_PROXY_DATABASE_URL on the commands that open the store, against a real PostgreSQL. */
class CliDatabaseTest {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBadUrlIsOneLineExitTwoNamingTheFormAndNeverThePassword() {
        String data = dir.resolve("data").toString();
        for (String[] args : new String[][] {
            {"endpoint", "list", "--data-dir", data, "--database", "postgresql://u:hunter2@db.example.com"},
            {"serve", "--headless", "--data-dir", data, "--database", "mysql://u:hunter2@h/d"},
            {"usage", "daily", "--data-dir", data, "--database", "postgresql://u:hunter2@/d"},
            {"settings", "get", "--data-dir", data, "--database", "postgresql://u:hunter2@h:5432"}}) {
            Run r = run(Map.of(), args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("code-proxy: --database: "), r.err());
            assertTrue(r.err().contains("postgresql://user:password@host:5432/database"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("hunter2") || r.out().contains("hunter2"), r.err());
        }
        Run env = run(Map.of("CODE_PROXY_DATABASE_URL", "postgres://u:hunter2@h"), "endpoint", "list", "--data-dir", data);
        assertEquals(2, env.code(), env.err());
        assertTrue(env.err().startsWith("code-proxy: CODE_PROXY_DATABASE_URL: "), env.err());
        assertFalse(env.err().contains("hunter2"), env.err());
        assertFalse(Files.exists(dir.resolve("data")), "a usage error creates nothing");
    }

    @Test
    void commandsWorkOnTheSharedDatabaseAndAnUnreachableOneIsNamedWithoutItsPassword() {
        String url = pg.newDatabase();
        Map<String, String> env = Map.of("CODE_PROXY_DATABASE_URL", url);
        String data = dir.resolve("one").toString();
        Run add = run(env, "endpoint", "add", "shared", "--url", "https://api.example.com", "--key-env", "NOPE",
                "--data-dir", data);
        // the key variable is unset: the command says so, or adds the endpoint without a key; either way it ran
        Run set = run(env, "settings", "set", "retryCapMs", "777", "--data-dir", data);
        assertEquals(0, set.code(), set.err());
        // another machine (another data directory) sees what the first wrote
        String other = dir.resolve("two").toString();
        Run get = run(Map.of(), "settings", "get", "retryCapMs", "--data-dir", other, "--database", url);
        assertEquals(0, get.code(), get.err());
        assertEquals("777", get.out().strip());
        if (add.code() == 0) {
            Run list = run(env, "endpoint", "list", "--data-dir", other);
            assertTrue(list.out().contains("shared"), list.out());
        }
        Run down = run(Map.of("CODE_PROXY_DATABASE_URL", "postgresql://codeproxy:" + pg.password()
                + "@127.0.0.1:1/nothing"), "settings", "get", "--data-dir", other);
        assertEquals(1, down.code(), down.err());
        assertTrue(down.err().contains("postgresql://codeproxy@127.0.0.1:1/nothing"), down.err());
        assertFalse(down.err().contains(pg.password()), down.err());
        Run doctor = run(env, "doctor", "--json", "--data-dir", other);
        assertTrue(doctor.out().contains("schema version"), doctor.out());
        assertFalse(doctor.out().contains(pg.password()), doctor.out());
    }
}
