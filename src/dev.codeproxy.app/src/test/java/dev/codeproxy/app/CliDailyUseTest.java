package dev.codeproxy.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a new user meets it: editing in place, warnings, help, completion, default paths. */
class CliDailyUseTest {
    private static final String KEY = "sk-ant-daily-use-key-0123456789";

    @TempDir
    Path dir;

    private CliErrorsTest.Run run(Map<String, String> env, String... args) {
        return CliErrorsTest.run(env, args);
    }

    private CliErrorsTest.Run run(String... args) {
        return CliErrorsTest.run(Map.of(), args);
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    @Test
    void endpointSetChangesOnlyWhatIsGivenAndKeepsTheRest() throws Exception {
        assertEquals(0, run(Map.of("K", KEY), "endpoint", "add", "gw", "--url", "https://gw.example.com", "--key-env", "K",
                "--auth", "bearer", "--weight", "3", "--note", "my note", "--model-opus", "glm-4.6", "--timeout-ms",
                "120000", "--data-dir", data()).code());
        assertEquals(0, run("endpoint", "add", "second", "--url", "https://two.example.com", "--data-dir", data()).code());
        var set = run(Map.of("NEW_KEY", "sk-ant-new-key-abcdefghij-WXYZ"), "endpoint", "set", "gw", "--url",
                "https://gw2.example.com", "--key-env", "NEW_KEY", "--priority", "2", "--disable", "--data-dir", data());
        assertEquals(0, set.code(), set.err());
        assertTrue(set.out().contains("updated endpoint 'gw': url https://gw2.example.com, key sk-ant-...WXYZ, "
                + "priority 2, disabled"), set.out());
        Path out = dir.resolve("out.json");
        assertEquals(0, run("export", "--include-secrets", "-o", out.toString(), "--data-dir", data()).code());
        String json = Files.readString(out);
        // what was not given survived: auth, weight, note, models, timeout
        for (String kept : new String[] {"\"authHeader\": \"bearer\"", "\"weight\": 3", "\"note\": \"my note\"",
                "\"opus\": \"glm-4.6\"", "\"timeoutMs\": 120000", "\"apiKey\": \"sk-ant-new-key-abcdefghij-WXYZ\"",
                "\"baseUrl\": \"https://gw2.example.com\"", "\"enabled\": false"}) {
            assertTrue(json.contains(kept), kept + " in " + json);
        }
        String list = run("endpoint", "list", "--data-dir", data()).out();
        assertTrue(list.indexOf("second") < list.indexOf("gw"), "gw moved to priority 2: " + list);
        // the key from standard input with --key -
        var stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("sk-ant-from-stdin-000000000000-STDN\n".getBytes()));
            var fromStdin = run("endpoint", "set", "second", "--key", "-", "--enable", "--data-dir", data());
            assertEquals(0, fromStdin.code(), fromStdin.err());
            assertEquals("", fromStdin.err(), "no warning for a key from standard input");
        } finally {
            System.setIn(stdin);
        }
        assertTrue(run("endpoint", "list", "--data-dir", data()).out().contains("sk-ant-...STDN"));
        // --key K works but warns that the key sits in the process arguments
        var visible = run("endpoint", "set", "second", "--key", "sk-ant-visible-000000000000-VISI", "--data-dir", data());
        assertEquals(0, visible.code());
        assertTrue(visible.err().contains("warning: --key puts the key in the process arguments"), visible.err());
        assertFalse(visible.err().contains("VISI") || visible.out().contains("000000000000"), "the key is not echoed");
    }

    @Test
    void settingsGetAndSet() {
        assertEquals(0, run("settings", "set", "routing", "weighted", "--data-dir", data()).code());
        assertEquals(0, run("settings", "set", "maxRetries", " 3 ", "--data-dir", data()).code());
        assertEquals("weighted\n", run("settings", "get", "routing", "--data-dir", data()).out().replace("\r", ""));
        String all = run("settings", "get", "--data-dir", data()).out();
        assertTrue(all.contains("routing=weighted\n") && all.contains("maxRetries=3\n") && all.contains("port=9000\n"), all);
        // the import file sees the same
        assertTrue(run("export", "--data-dir", data()).out().contains("\"maxRetries\": 3"));
    }

    @Test
    void missingKeysAreWarnedAboutAtAddAndImport() throws Exception {
        var add = run("endpoint", "add", "nokey", "--url", "https://nokey.example.com", "--data-dir", data());
        assertEquals(0, add.code());
        assertTrue(add.err().contains("warning: endpoint 'nokey' has no API key"), add.err());
        Path file = dir.resolve("export-without-secrets.json");
        Files.writeString(file, """
                {"format":"code-proxy/1","endpoints":[
                  {"name":"a","baseUrl":"https://a.example.com"},
                  {"name":"b","baseUrl":"https://b.example.com","apiKey":"sk-ant-bbbbbbbbbbbbbbbbbbbb"}]}""");
        var imp = run("import", file.toString(), "--replace", "--data-dir", data());
        assertEquals(0, imp.code(), imp.err());
        assertTrue(imp.err().contains("import: warning: endpoint 'a' has no API key"), imp.err());
        assertFalse(imp.err().contains("'b'"), imp.err());
    }

    @Test
    void readOnlyCommandsCreateNothing() {
        Path typo = dir.resolve("dta");
        for (String[] args : new String[][] {{"export"}, {"endpoint", "list"}, {"token", "list"}, {"settings", "get"},
                {"endpoint", "remove", "x"}, {"endpoint", "set", "x", "--weight", "2"}, {"token", "revoke", "x"}}) {
            String[] full = Stream.concat(Arrays.stream(args),
                    Stream.of("--data-dir", typo.toString())).toArray(String[]::new);
            var r = run(full);
            assertEquals(1, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(typo + ": no Code Proxy data there"), r.err());
            assertFalse(Files.exists(typo), String.join(" ", args) + " created " + typo);
        }
        // the environment variable names itself
        var env = run(Map.of("CODE_PROXY_DATA_DIR", typo.toString()), "endpoint", "list");
        assertTrue(env.err().contains("CODE_PROXY_DATA_DIR=" + typo), env.err());
    }

    @Test
    void tokenListSaysTheGeneratedTokenDoesNotExistYet() throws Exception {
        assertEquals(0, run("token", "create", "ci", "--data-dir", data()).code());
        String list = run("token", "list", "--data-dir", data()).out();
        assertTrue(list.contains("not created yet; the first code-proxy serve writes it to " + data()), list);
        Files.writeString(Path.of(data(), "client-token"), "cp-x");
        assertTrue(run("token", "list", "--data-dir", data()).out().contains("the generated token: in "
                + Path.of(data(), "client-token")));
    }

    @Test
    void exportRefusesToOverwriteWithoutForce() throws Exception {
        assertEquals(0, run("token", "create", "ci", "--data-dir", data()).code());
        Path out = dir.resolve("e.json");
        Files.writeString(out, "precious");
        assertEquals(1, run("export", "-o", out.toString(), "--data-dir", data()).code());
        assertEquals("precious", Files.readString(out));
        assertEquals(0, run("export", "-o", out.toString(), "--force", "--data-dir", data()).code());
        assertTrue(Files.readString(out).contains("code-proxy/1"));
    }

    @Test
    void helpHasNoDeadVersionFlagShowsServeFlagsAndKeepsPathsWhole() {
        var root = run("--help");
        assertTrue(root.out().contains("-V, --version"), "the root keeps -V");
        for (String flag : new String[] {"--headless", "--host", "--port", "--allowed-hosts", "--grace", "--log-format"}) {
            assertTrue(root.out().contains(flag), "code-proxy --help shows serve's " + flag + ": " + root.out());
        }
        assertTrue(root.out().contains("Exit codes: 0 success, 2 usage error"), root.out());
        for (String[] cmd : new String[][] {{"serve"}, {"import"}, {"export"}, {"endpoint"}, {"endpoint", "add"},
                {"endpoint", "set"}, {"settings", "set"}, {"claude", "apply"}, {"token", "create"}, {"version"}}) {
            String[] args = Arrays.copyOf(cmd, cmd.length + 1);
            args[cmd.length] = "--help";
            var h = run(args);
            assertEquals(0, h.code(), String.join(" ", args));
            assertFalse(h.out().contains("-V") || h.out().contains("--version"),
                    String.join(" ", cmd) + " lists a -V that does nothing: " + h.out());
            // a subcommand's -V is refused rather than silently ignored
            String[] v = Arrays.copyOf(cmd, cmd.length + 1);
            v[cmd.length] = "-V";
            assertEquals(2, run(v).code(), String.join(" ", v));
        }
        String serve = run("serve", "--help").out();
        assertTrue(serve.contains("$XDG_DATA_HOME/code-proxy") && serve.contains("~/.local/share/code-proxy"),
                "paths are not cut mid-word: " + serve);
    }

    @Test
    void completionOffersValuesAndPaths() {
        String script = run("generate-completion").out();
        assertTrue(script.contains("(\"x-api-key\" \"bearer\")"), "values of --auth");
        assertTrue(script.contains("(\"text\" \"json\")"), "values of --log-format");
        int i = script.indexOf("'--claude-config-dir')");
        assertTrue(i > 0 && script.substring(i, i + 200).contains("compgen -f"), "--claude-config-dir completes paths");
    }

    @Test
    void defaultDataDirectoryFollowsHomeAndIgnoresARelativeXdgDataHome() {
        Map<String, String> env = Map.of("HOME", "/srv/elsewhere");
        assertEquals(Path.of("/srv/elsewhere/.local/share/code-proxy"), AppPaths.defaultDataDir(env, "Linux"));
        assertEquals(Path.of("/srv/elsewhere/.local/share/code-proxy"),
                AppPaths.defaultDataDir(Map.of("HOME", "/srv/elsewhere", "XDG_DATA_HOME", "relative/data"), "Linux"));
        assertEquals(Path.of("/xdg/code-proxy"),
                AppPaths.defaultDataDir(Map.of("HOME", "/srv/elsewhere", "XDG_DATA_HOME", "/xdg"), "Linux"));
        assertEquals(Path.of("/srv/elsewhere/Library/Application Support/code-proxy"),
                AppPaths.defaultDataDir(env, "Mac OS X"));
        // through the command line: HOME decides where export looks
        var r = run(Map.of("HOME", dir.toString()), "export");
        assertTrue(r.err().contains(dir.resolve(".local/share/code-proxy").toString()), r.err());
    }

    @Test
    void claudeApplyWritesTheRunningServersPortOrTheGivenOneAndKeepsTheLedgerLockPrivate() throws Exception {
        Path claude = Files.createDirectories(dir.resolve("claude"));
        Path data = dir.resolve("data");
        assertEquals(0, run("settings", "set", "port", "9000", "--data-dir", data.toString()).code());
        var given = run("claude", "apply", "--port", "9123", "--data-dir", data.toString(), "--claude-config-dir",
                claude.toString());
        assertEquals(0, given.code(), given.err());
        assertTrue(Files.readString(claude.resolve("settings.json")).contains("\"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:9123\""));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                data.resolve("claude-ledger.lock"))));
        // a server running on the data directory: its real port, not the stored 9000
        try (TestProxyAt server = new TestProxyAt(data)) {
            var running = run("claude", "apply", "--data-dir", data.toString(), "--claude-config-dir", claude.toString());
            assertEquals(0, running.code(), running.err());
            assertTrue(Files.readString(claude.resolve("settings.json")).contains("\"ANTHROPIC_BASE_URL\": \""
                    + server.server.url() + "\""), Files.readString(claude.resolve("settings.json")));
        }
        assertEquals(0, run("claude", "restore", "--data-dir", data.toString(), "--claude-config-dir", claude.toString()).code());
    }

    /** A server on a given data directory, on a free port. */
    private record TestProxyAt(ProxyServer server) implements AutoCloseable {
        TestProxyAt(Path data) {
            this(ProxyServer.start(ProxyServer.Options.builder()
                    .dataDir(data)
                    .host("127.0.0.1")
                    .port(0)
                    .clientToken(TestProxy.TOKEN)
                    .build()));
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
