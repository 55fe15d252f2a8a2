package dev.codeproxy.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code code-proxy route list|add|remove|move} on a real data directory. */
class RouteCommandTest {
    @TempDir
    Path dir;

    private CliErrorsTest.Run run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dir.resolve("data").toString();
        return CliErrorsTest.run(Map.of(), all);
    }

    @Test
    void addListMoveRemove() {
        assertEquals(0, run("endpoint", "add", "cheap", "--url", "https://cheap.example.com").code());
        assertEquals(0, run("endpoint", "add", "best", "--url", "https://best.example.com").code());
        assertTrue(run("route", "list").out().contains("no routes"));
        var add = run("route", "add", "background", "--endpoints", "cheap", "--model", "glm-4.5-air");
        assertEquals(0, add.code(), add.err());
        assertEquals(0, run("route", "add", "longContext", "--endpoints", "best,cheap", "--min-input-tokens", "100000",
                "--at", "1").code());
        String list = run("route", "list").out();
        assertTrue(list.contains("1  longContext >= 100000 tokens  -> best, cheap"), list);
        assertTrue(list.contains("2  background  -> cheap  model glm-4.5-air"), list);
        assertEquals(0, run("route", "move", "2", "1").code());
        assertEquals("[{\"match\":\"background\",\"endpoints\":[\"cheap\"],\"model\":\"glm-4.5-air\"},"
                + "{\"match\":\"longContext\",\"minInputTokens\":100000,\"endpoints\":[\"best\",\"cheap\"]}]",
                run("route", "list", "--json").out().strip());
        assertEquals(0, run("route", "remove", "1").code());
        assertFalse(run("route", "list").out().contains("background"));
        // the settings command shows the same setting
        assertTrue(run("settings", "get", "routes").out().contains("\"longContext\""));
    }

    @Test
    void badRulesOneLineExitTwo() {
        assertEquals(0, run("endpoint", "add", "cheap", "--url", "https://cheap.example.com").code());
        var kind = run("route", "add", "cheapest", "--endpoints", "cheap");
        assertEquals(2, kind.code());
        assertEquals("code-proxy: route add: KIND: unknown kind 'cheapest'; expected background, thinking, longContext, "
                + "webSearch, image, subagent or model:<substring>", kind.err().strip());
        var endpoint = run("route", "add", "thinking", "--endpoints", "cheap,ghost");
        assertEquals(2, endpoint.code());
        assertEquals("code-proxy: route add: --endpoints: unknown endpoint 'ghost'; known endpoints: cheap",
                endpoint.err().strip());
        var negative = run("route", "add", "longContext", "--endpoints", "cheap", "--min-input-tokens", "-1");
        assertEquals(2, negative.code());
        assertTrue(negative.err().contains("--min-input-tokens: is -1; a threshold cannot be negative"), negative.err());
        assertEquals(1, negative.err().strip().lines().count());
        var missing = run("route", "remove", "1");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("there are no routes"), missing.err());
        assertTrue(run("route", "list").out().contains("no routes"), "nothing was stored");
    }
}
