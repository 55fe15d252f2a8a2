package dev.codeproxy.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line in-process: outputs, exit codes, and one-line errors for bad usage. */
class CliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run run(String... args) {
        return run(Map.of(), args);
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private static void assertOneLine(Run r) {
        assertOneLine(r, 2);
    }

    private static void assertOneLine(Run r, int code) {
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("code-proxy: "), r.err());
    }

    @Test
    void importThenListThenExportWithoutSecrets() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"format":"code-proxy/1","settings":{"routing":"weighted","maxRetries":2},
                 "endpoints":[{"name":"primary","baseUrl":"https://api.anthropic.com","apiKey":"sk-ant-api03-secretsecret-XYZW"},
                              {"name":"backup","baseUrl":"https://backup.example.com","authHeader":"bearer","enabled":false}]}""");
        Run imp = run("import", file.toString(), "--data-dir", data());
        assertEquals(0, imp.code(), imp.err());
        assertTrue(imp.out().contains("imported 2 endpoint(s) and 2 setting(s)"), imp.out());

        Run list = run("endpoint", "list", "--data-dir", data());
        assertEquals(0, list.code());
        assertTrue(list.out().contains("primary") && list.out().contains("backup"), list.out());
        assertTrue(list.out().contains("sk-ant-...XYZW"), list.out());
        assertFalse(list.out().contains("secretsecret"), list.out());

        Run exp = run("export", "--data-dir", data());
        assertEquals(0, exp.code());
        assertTrue(exp.out().contains("\"routing\": \"weighted\""), exp.out());
        assertTrue(exp.out().contains("\"maxRetries\": 2"), exp.out());
        assertFalse(exp.out().contains("secretsecret"), exp.out());

        Path secretFile = dir.resolve("with-keys.json");
        Run expKeys = run("export", "--include-secrets", "--output", secretFile.toString(), "--data-dir", data());
        assertEquals(0, expKeys.code(), expKeys.err());
        assertTrue(Files.readString(secretFile).contains("sk-ant-api03-secretsecret-XYZW"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));

        // replace with the exported file gives the same endpoints back, keys included
        Run again = run("import", secretFile.toString(), "--replace", "--data-dir", data());
        assertEquals(0, again.code(), again.err());
        assertEquals(list.out(), run("endpoint", "list", "--data-dir", data()).out());
    }

    @Test
    void dataDirectoryAndDatabaseAreOwnerOnly() throws Exception {
        assertEquals(0, run("token", "create", "t", "--data-dir", data()).code());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(data()))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(Path.of(data(), "code-proxy.db"))));
    }

    @Test
    void mergeImportKeepsStoredKeysWhenTheFileHasNone() throws Exception {
        assertEquals(0, run(Map.of("K", "sk-ant-from-env-000000000001"), "endpoint", "add", "main", "--url",
                "https://api.anthropic.com", "--key-env", "K", "--data-dir", data()).code());
        Path file = dir.resolve("nokeys.json");
        Files.writeString(file, "{\"format\":\"code-proxy/1\",\"endpoints\":[{\"name\":\"main\","
                + "\"baseUrl\":\"https://other.example.com\"}]}");
        assertEquals(0, run("import", file.toString(), "--data-dir", data()).code());
        Path out = dir.resolve("out.json");
        run("export", "--include-secrets", "-o", out.toString(), "--data-dir", data());
        String json = Files.readString(out);
        assertTrue(json.contains("https://other.example.com") && json.contains("sk-ant-from-env-000000000001"), json);
    }

    @Test
    void endpointAddEnableDisableRemove() {
        Run add = run("endpoint", "add", "gw", "--url", "https://gw.example.com", "--key", "k-123456789012345678",
                "--auth", "bearer", "--weight", "3", "--data-dir", data());
        assertEquals(0, add.code(), add.err());
        assertTrue(add.out().contains("added endpoint 'gw' at priority 1"), add.out());
        assertEquals(0, run("endpoint", "disable", "gw", "--data-dir", data()).code());
        assertTrue(run("endpoint", "list", "--data-dir", data()).out().contains(" no "));
        assertEquals(0, run("endpoint", "enable", "gw", "--data-dir", data()).code());
        // a duplicate name is not a usage error: exit 1
        assertOneLine(run("endpoint", "add", "gw", "--url", "https://x.example.com", "--data-dir", data()), 1);
        assertEquals(0, run("endpoint", "remove", "gw", "--data-dir", data()).code());
        assertTrue(run("endpoint", "list", "--data-dir", data()).out().startsWith("no endpoints"));
    }

    @Test
    void badUsageIsOneLineAndExitCode2() throws Exception {
        assertOneLine(run("--bogus"));
        assertOneLine(run("serve", "--port", "99999", "--data-dir", data()));
        assertOneLine(run("serve", "--port", "abc", "--data-dir", data()));
        Map<String, String> env = new HashMap<>();
        env.put("CODE_PROXY_PORT", "nine");
        Run badEnv = run(env, "--data-dir", data());
        assertOneLine(badEnv);
        assertTrue(badEnv.err().contains("CODE_PROXY_PORT: 'nine' is not a port"), badEnv.err());
        assertOneLine(run("import", dir.resolve("missing.json").toString(), "--data-dir", data()), 1);
        assertOneLine(run("import", "a.json", "--merge", "--replace", "--data-dir", data()));
        assertOneLine(run("endpoint", "add", "x", "--url", "ftp://nope", "--data-dir", data()));
        assertOneLine(run("endpoint", "add", "x", "--url", "https://ok.example.com", "--auth", "basic", "--data-dir", data()));
        assertOneLine(run("endpoint", "remove", "ghost", "--data-dir", data()), 1);
        Run loop = run("endpoint", "add", "loop", "--url", "http://localhost:9000", "--data-dir", data());
        assertOneLine(loop);
        assertTrue(loop.err().contains("points at Code Proxy itself"), loop.err());
        assertOneLine(run("endpoint", "frobnicate"));

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"format\":\"code-proxy/1\",\"endpoints\":[{\"name\":\"a\",\"baseUrl\":\"nope\",\"x\":1}]}");
        Run r = run("import", bad.toString(), "--data-dir", data());
        assertOneLine(r, 1);
        assertTrue(r.err().contains("$.endpoints[0].x: unknown key") && r.err().contains("$.endpoints[0].baseUrl"), r.err());
        // nothing was stored by the failed import
        assertTrue(run("endpoint", "list", "--data-dir", data()).out().startsWith("no endpoints"));
    }

    @Test
    void tokensAreCreatedOnceListedMaskedAndRevoked() {
        Run created = run("token", "create", "laptop", "--data-dir", data());
        assertEquals(0, created.code(), created.err());
        String token = created.out().strip();
        assertTrue(token.startsWith("cp-") && token.length() > 40, token);
        Run list = run("token", "list", "--data-dir", data());
        assertTrue(list.out().contains("laptop") && list.out().contains("never"), list.out());
        assertFalse(list.out().contains(token), "listed masked only");
        assertOneLine(run("token", "create", "laptop", "--data-dir", data()), 1);
        assertEquals(0, run("token", "revoke", "laptop", "--data-dir", data()).code());
        assertFalse(run("token", "list", "--data-dir", data()).out().contains("laptop"), "revoked tokens are gone");
        assertOneLine(run("token", "revoke", "laptop", "--data-dir", data()), 1);
        assertOneLine(run("token"));
    }

    @Test
    void versionAndHelp() {
        Run v = run("version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("code-proxy "), v.out());
        Run h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("serve") && h.out().contains("import") && h.out().contains("endpoint"), h.out());
        assertEquals(0, run("endpoint", "add", "--help").code());
        Run completion = run("generate-completion");
        assertEquals(0, completion.code());
        assertTrue(completion.out().contains("complete -F") && completion.out().contains("endpoint"), completion.out());
    }
}
