package dev.codeproxy.app;

import dev.codeproxy.store.InstanceLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A second {@code serve} on a data directory that a server holds exits 1 with one line naming
 * the running one's pid and URL, and touches nothing: not the database, not Claude Code's
 * settings the first one wrote. The lock goes with the server, also when it ends abruptly.
 * (ImageTest does the same across processes with the built image.)
 */
class OneServerPerDataDirTest {
    @TempDir
    Path dir;
    ProxyServer first;

    @AfterEach
    void stop() {
        if (first != null) {
            first.close();
        }
    }

    private record Run(int code, String out, String err) {
    }

    private Run serve(Path data, Path claude) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"serve", "--headless", "--port", "0", "--data-dir", data.toString(),
                        "--claude-config-dir", claude.toString()}, Map.of("CODE_PROXY_CLIENT_TOKEN", TestProxy.TOKEN),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSecondServeExitsOneNamingTheRunningOneAndTouchesNothing() throws Exception {
        Path data = dir.resolve("data");
        Path claude = dir.resolve("claude");
        first = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(data)
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .claudeConfigDir(claude)
                .build());
        byte[] settings = Files.readAllBytes(claude.resolve("settings.json"));
        assertTrue(new String(settings, StandardCharsets.UTF_8).contains(first.url()), "the first points Claude Code");

        Run second = serve(data, claude);
        assertEquals(1, second.code(), second.err());
        assertEquals(1, second.err().lines().count(), "one line: " + second.err());
        String line = second.err().strip();
        assertTrue(line.startsWith("code-proxy: cannot start: another Code Proxy is already serving the data directory "
                + data), line);
        assertTrue(line.contains("(pid " + ProcessHandle.current().pid() + ", " + first.url() + ")"), line);
        assertEquals("", second.out(), "no banner");

        // the first one is untouched: it answers, and Claude Code still points at it
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(first.url() + "/"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        assertArrayEquals(settings, Files.readAllBytes(claude.resolve("settings.json")));

        // the lock and who holds it: owner-only files
        for (String f : new String[] {InstanceLock.LOCK_FILE, InstanceLock.INFO_FILE}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(f))), f);
        }
        String info = Files.readString(data.resolve(InstanceLock.INFO_FILE));
        assertTrue(info.contains("\"pid\":" + ProcessHandle.current().pid()) && info.contains(first.url()), info);
        assertTrue(InstanceLock.isServing(data));

        // a clean stop releases it
        first.close();
        first = null;
        assertFalse(InstanceLock.isServing(data));
        assertFalse(Files.exists(data.resolve(InstanceLock.INFO_FILE)), "server.json goes with the server");
        first = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(data)
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .build());

        // and so does an abrupt end
        first.abandon();
        assertFalse(InstanceLock.isServing(data));
        first = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(data)
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .build());
        assertTrue(InstanceLock.isServing(data));
    }

    @Test
    void twoDataDirectoriesServeSideBySide() {
        first = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dir.resolve("one"))
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .build());
        ProxyServer second = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(dir.resolve("two"))
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .build());
        try {
            assertTrue(InstanceLock.isServing(dir.resolve("one")));
            assertTrue(InstanceLock.isServing(dir.resolve("two")));
            assertFalse(InstanceLock.isServing(dir.resolve("three")), "a directory that does not exist");
            assertFalse(Files.exists(dir.resolve("three")), "asking creates nothing");
        } finally {
            second.close();
        }
    }
}
