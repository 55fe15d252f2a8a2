package dev.codeproxy.app;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every subcommand driven with bad input through picocli: one line on stderr, starting
 * "code-proxy: ", naming the flag, argument or file and what is accepted; exit 2 for usage
 * errors, 1 for everything else; none of picocli's raw texts.
 */
class CliErrorsTest {
    private static final List<String> RAW_PICOCLI = List.of("Unmatched argument", "is not an int", "mutually exclusive",
            "Invalid value for", "Missing required", "Error: ", "Exception", "\tat ");

    @TempDir
    Path dir;
    private String data;
    private String fresh;

    private record Row(int code, String expected, Map<String, String> env, List<String> args) {
    }

    record Run(int code, String out, String err) {
    }

    private final List<Row> rows = new ArrayList<>();

    private void row(int code, String expected, String... args) {
        rows.add(new Row(code, expected, Map.of(), List.of(args)));
    }

    private void rowEnv(int code, String expected, Map<String, String> env, String... args) {
        rows.add(new Row(code, expected, env, List.of(args)));
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void setUp() throws Exception {
        data = dir.resolve("data").toString();
        fresh = dir.resolve("never-created").toString();
        Map<String, String> env = Map.of("K", "sk-ant-table-test-key-0123456789");
        assertEquals(0, run(env, "endpoint", "add", "main", "--url", "https://api.example.com", "--key-env", "K",
                "--data-dir", data).code());
    }

    @Test
    void everySubcommandWithBadInput() throws Exception {
        Path truncated = dir.resolve("truncated.json");
        Files.writeString(truncated, "{\"format\": \"code-proxy/1\",\n \"endpoints\": [");
        Path existing = dir.resolve("exists.json");
        Files.writeString(existing, "keep me");
        Path claudeDir = Files.createDirectories(dir.resolve("claude"));
        Files.writeString(claudeDir.resolve("settings.json"), "{ not json");
        Path dataFile = dir.resolve("a-file");
        Files.writeString(dataFile, "x");
        Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
        Files.writeString(corrupt.resolve("code-proxy.db"), "this is not a database, just text ".repeat(200));

        // the root command
        row(2, "'frobnicate' is not a command; expected one of serve, login, doctor, selftest, import", "frobnicate");
        row(2, "--url 'localhost:9000' is not accepted; expected http://HOST:PORT", "login", "--url", "localhost:9000");
        row(1, "no admin token: " + dir.resolve("nowhere").resolve("admin-token") + " does not exist", "login",
                "--data-dir", dir.resolve("nowhere").toString());
        row(2, "unknown option '--loud'", "doctor", "--loud");
        row(2, "unknown option '--fast'", "selftest", "--fast");
        row(2, "unknown option '--bogus'", "--bogus");
        row(2, "unexpected argument 'extra'", "version", "extra");
        // serve (also the default command)
        row(2, "--port: 'abc' is not a port; expected an integer from 0 to 65535", "serve", "--port", "abc", "--data-dir", fresh);
        row(2, "--port: '70000' is not a port", "--port", "70000", "--data-dir", fresh);
        row(2, "missing --port P", "serve", "--port");
        row(2, "--grace: 'soon' is not accepted; expected seconds", "serve", "--grace", "soon", "--data-dir", fresh);
        row(2, "--log-format: 'xml' is not accepted; expected text or json", "--log-format", "xml", "--data-dir", fresh);
        row(2, "--host: 'a b' is not accepted", "serve", "--host", "a b", "--data-dir", fresh);
        row(2, "--allowed-hosts: 'bad host' is not accepted; expected host names", "serve", "--allowed-hosts",
                "ok.example.com,bad host", "--data-dir", fresh);
        row(2, "--allowed-hosts: 'proxy:9000' is not accepted", "serve", "--allowed-hosts", "proxy:9000", "--data-dir", fresh);
        rowEnv(2, "CODE_PROXY_ALLOWED_HOSTS: 'x/y' is not accepted", Map.of("CODE_PROXY_ALLOWED_HOSTS", "x/y"),
                "serve", "--data-dir", fresh);
        rowEnv(2, "CODE_PROXY_PORT: 'nine' is not a port", Map.of("CODE_PROXY_PORT", "nine"), "--data-dir", fresh);
        row(1, dataFile + ": not a directory", "serve", "--port", "0", "--no-claude-config", "--data-dir", dataFile.toString());
        row(1, corrupt.resolve("code-proxy.db") + ": not a Code Proxy database", "serve", "--port", "0",
                "--no-claude-config", "--data-dir", corrupt.toString());
        // import
        row(2, "missing FILE", "import");
        row(2, "give only one of --merge, --replace", "import", "a.json", "--merge", "--replace");
        row(1, "nope.json: no such file", "import", dir.resolve("nope.json").toString(), "--data-dir", data);
        row(1, "the file ends early, after line 2, column 15 (truncated?)", "import", truncated.toString(), "--data-dir", data);
        row(1, "a directory; expected a file", "import", dir.toString(), "--data-dir", data);
        // export
        row(1, "--data-dir " + fresh + ": no Code Proxy data there", "export", "--data-dir", fresh);
        row(1, "the file exists; give --force to overwrite it", "export", "-o", existing.toString(), "--data-dir", data);
        row(1, "does not exist", "export", "-o", dir.resolve("no/dir/x.json").toString(), "--data-dir", data);
        row(2, "unknown option '--secrets'", "export", "--secrets");
        // endpoint and its subcommands
        row(2, "missing subcommand; expected one of list, add, set", "endpoint");
        row(2, "'frob' is not a command; expected one of list, add, set, remove, enable, disable", "endpoint", "frob");
        row(1, "no Code Proxy data there", "endpoint", "list", "--data-dir", fresh);
        row(2, "missing --url URL", "endpoint", "add", "x", "--data-dir", data);
        row(2, "missing NAME", "endpoint", "add", "--url", "https://x.example.com");
        row(2, "--url: '127.0.0.1:19101' is not accepted; expected an http:// or https:// URL", "endpoint", "add", "x",
                "--url", "127.0.0.1:19101", "--data-dir", data);
        row(2, "--url: 'ftp://x' is not accepted", "endpoint", "add", "x", "--url", "ftp://x", "--data-dir", data);
        row(2, "--weight: 'heavy' is not accepted; expected an integer", "endpoint", "add", "x", "--url",
                "https://x.example.com", "--weight", "heavy", "--data-dir", data);
        row(2, "--weight: is 0; expected an integer from 1 to 1000", "endpoint", "add", "x", "--url",
                "https://x.example.com", "--weight", "0", "--data-dir", data);
        row(2, "--auth: 'basic' is not accepted; expected", "endpoint", "add", "x", "--url", "https://x.example.com",
                "--auth", "basic", "--data-dir", data);
        row(1, "--key-env: environment variable NOT_SET_ANYWHERE is not set", "endpoint", "add", "x", "--url",
                "https://x.example.com", "--key-env", "NOT_SET_ANYWHERE", "--data-dir", data);
        row(1, "an endpoint named 'main' already exists", "endpoint", "add", "main", "--url", "https://x.example.com",
                "--data-dir", data);
        row(1, "endpoint set: no endpoint named 'ghost'", "endpoint", "set", "ghost", "--weight", "2", "--data-dir", data);
        row(2, "--priority: 'first' is not accepted; expected an integer", "endpoint", "set", "main", "--priority",
                "first", "--data-dir", data);
        row(2, "give only one of --enable, --disable", "endpoint", "set", "main", "--enable", "--disable", "--data-dir", data);
        row(2, "endpoint set: --url: 'nope' is not accepted", "endpoint", "set", "main", "--url", "nope", "--data-dir", data);
        row(1, "no Code Proxy data there", "endpoint", "set", "main", "--weight", "2", "--data-dir", fresh);
        row(1, "endpoint remove: no endpoint named 'ghost'", "endpoint", "remove", "ghost", "--data-dir", data);
        row(1, "endpoint enable: no endpoint named 'ghost'", "endpoint", "enable", "ghost", "--data-dir", data);
        row(1, "endpoint disable: no endpoint named 'ghost'", "endpoint", "disable", "ghost", "--data-dir", data);
        row(2, "missing NAME", "endpoint", "remove");
        // settings
        row(2, "missing subcommand; expected get [KEY] or set KEY VALUE", "settings");
        row(2, "KEY: 'colour' is not a setting; expected one of host, port", "settings", "get", "colour", "--data-dir", data);
        row(2, "VALUE: port: '99999' is not accepted; expected an integer from 0 to 65535", "settings", "set", "port",
                "99999", "--data-dir", data);
        row(2, "missing VALUE", "settings", "set", "port");
        row(1, "no Code Proxy data there", "settings", "get", "--data-dir", fresh);
        // claude
        row(2, "missing subcommand; expected one of status, apply, restore", "claude");
        row(2, "'frobnicate' is not a command", "claude", "frobnicate");
        row(2, "--port: 'high' is not accepted; expected an integer", "claude", "apply", "--port", "high");
        row(2, "--port: '0' is not accepted; expected an integer from 1 to 65535", "claude", "apply", "--port", "0",
                "--data-dir", data, "--claude-config-dir", claudeDir.toString());
        row(1, "claude apply: ", "claude", "apply", "--port", "9000", "--data-dir", data, "--claude-config-dir",
                claudeDir.toString());
        // token
        row(2, "missing subcommand; expected one of list, create, revoke", "token");
        row(2, "token create: NAME: must not be blank", "token", "create", " ", "--data-dir", data);
        row(1, "token revoke: no active token with id or name 'ghost'", "token", "revoke", "ghost", "--data-dir", data);
        row(1, "no Code Proxy data there", "token", "list", "--data-dir", fresh);

        List<String> failures = new ArrayList<>();
        for (Row r : rows) {
            Map<String, String> env = new HashMap<>(r.env());
            Run res = run(env, r.args().toArray(String[]::new));
            String what = String.join(" ", r.args()) + " -> exit " + res.code() + ", stderr: " + res.err();
            if (res.code() != r.code()) {
                failures.add("exit " + r.code() + " expected: " + what);
            } else if (res.err().lines().count() != 1 || !res.err().startsWith("code-proxy: ")) {
                failures.add("one line starting code-proxy: expected: " + what);
            } else if (!res.err().contains(r.expected())) {
                failures.add("'" + r.expected() + "' expected: " + what);
            } else if (RAW_PICOCLI.stream().anyMatch(res.err()::contains)) {
                failures.add("picocli's raw text: " + what);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + rows.size() + " rows failed:\n"
                + String.join("\n", failures));
        // nothing was created by the commands that failed or only read
        assertFalse(Files.exists(Path.of(fresh)), "a data directory was created");
        assertEquals("keep me", Files.readString(existing), "export did not overwrite");
    }
}
