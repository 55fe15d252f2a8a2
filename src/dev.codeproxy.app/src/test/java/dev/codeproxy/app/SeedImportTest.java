package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code code-proxy import} of the seed app's export as its releases wrote it (fixture in
 * {@code src/test/resources/seed}, shaped after the seed's own {@code toJson}): its
 * {@code requestTimeout} is seconds, and the running server gets the milliseconds.
 */
class SeedImportTest {
    @TempDir
    Path dir;

    @Test
    void aRealSeedExportImportsWithItsSecondsConverted() throws Exception {
        Path file = dir.resolve("code_proxy_export_1765417287123.json");
        try (InputStream in = SeedImportTest.class.getResourceAsStream("/seed/code_proxy_export_1765417287123.json")) {
            Files.write(file, in.readAllBytes());
        }
        Path data = dir.resolve("data");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"import", file.toString(), "--data-dir", data.toString()}, Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String errText = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, errText);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("imported 2 endpoint(s) and 7 setting(s)"),
                out.toString(StandardCharsets.UTF_8));
        assertTrue(errText.contains("warning: $.proxyConfig: healthCheckInterval"), errText);
        assertFalse(errText.contains("sk-ant-api03-seedexport"), "no key in the output");

        Settings s;
        List<Endpoint> endpoints;
        try (Store store = new Store(data)) {
            s = store.settings.load();
            endpoints = store.endpoints.list();
        }
        assertEquals(300_000, s.requestTimeoutMs(), "300 seconds");
        assertEquals(9100, s.port());
        assertEquals(2, s.maxRetries());
        assertEquals(5, s.breakerThreshold());
        assertEquals(1000, s.logRetention());
        assertTrue(s.requestLog());
        assertEquals(2, endpoints.size());
        Endpoint glm = endpoints.stream().filter(e -> e.name().equals("GLM")).findFirst().orElseThrow();
        assertEquals(3_000_000, glm.timeoutMs(), "apiTimeoutMs is milliseconds already");
        assertEquals(AuthStyle.BEARER, glm.authStyle());
        assertEquals("glm-4.5-air", glm.models().haiku());
        assertFalse(glm.enabled());

        // the server started on the imported data runs with the converted deadline
        ProxyServer server = ProxyServer.start(ProxyServer.Options.builder()
                .dataDir(data)
                .host("127.0.0.1")
                .port(0)
                .clientToken(TestProxy.TOKEN)
                .build());
        try {
            assertEquals(300_000, server.config().settings().requestTimeoutMs());
        } finally {
            server.close();
        }
    }
}
