package dev.codeproxy.core.config;

import dev.codeproxy.core.AuthStyle;
import dev.codeproxy.core.Endpoint;
import dev.codeproxy.core.Settings;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigParserTest {
    private static final String FULL = """
            {
              "format": "code-proxy/1",
              "exportedAt": "2026-11-26T12:00:00Z",
              "settings": { "host": "127.0.0.1", "port": 9000, "routing": "failover",
                            "requestTimeoutMs": 600000, "maxRetries": 1, "logRetention": 10000 },
              "endpoints": [
                { "name": "anthropic", "note": "", "enabled": true, "priority": 1, "weight": 1,
                  "baseUrl": "https://api.anthropic.com", "apiKey": "sk-ant-abc",
                  "authHeader": "x-api-key", "timeoutMs": 600000,
                  "models": { "default": "", "smallFast": "", "haiku": "", "sonnet": "", "opus": "" },
                  "disableNonessentialTraffic": false },
                { "name": "gateway", "baseUrl": "https://gw.example.com/anthropic/", "authHeader": "bearer",
                  "models": { "sonnet": "glm-4.6" } }
              ]
            }""";

    @Test
    void readsTheDocumentedFormatWithDefaults() throws Exception {
        ConfigFile f = ConfigParser.parse(FULL);
        assertEquals("failover", f.settings().get("routing"));
        assertEquals("9000", f.settings().get("port"));
        assertEquals(2, f.endpoints().size());
        Endpoint gw = f.endpoints().get(1);
        assertEquals("https://gw.example.com/anthropic", gw.baseUrl());
        assertEquals(AuthStyle.BEARER, gw.authStyle());
        assertEquals(2, gw.priority());
        assertEquals(1, gw.weight());
        assertTrue(gw.enabled());
        assertEquals(600_000, gw.timeoutMs());
        assertEquals("glm-4.6", gw.models().sonnet());
        assertEquals("", gw.apiKey());
    }

    @Test
    void unknownKeysAndBadValuesAreReportedWithTheirJsonPath() {
        String bad = """
                {"format":"code-proxy/1","colour":"blue",
                 "settings":{"port":"9000","routing":"random","nope":1},
                 "endpoints":[{"name":"a","baseUrl":"ftp://x","authHeader":"basic","weight":0,"extra":true,
                               "models":{"giant":"x"}},
                              {"baseUrl":"https://ok.example.com"}]}""";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(bad));
        List<String> p = e.problems();
        assertTrue(p.contains("$.colour: unknown key; accepted keys are endpoints, exportedAt, format, settings"), p.toString());
        assertTrue(p.contains("$.settings.port: the string '9000' is not accepted; expected an integer from 0 to 65535"), p.toString());
        assertTrue(p.contains("$.settings.routing: 'random' is not accepted; expected one of failover, weighted, session"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("$.settings.nope: unknown setting")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("$.endpoints[0].extra: unknown key")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("$.endpoints[0].models.giant: unknown key")), p.toString());
        assertTrue(p.contains("$.endpoints[0].authHeader: 'basic' is not accepted; expected \"x-api-key\" or \"bearer\""), p.toString());
        assertTrue(p.contains("$.endpoints[1].name: required; expected a non-blank string"), p.toString());
    }

    @Test
    void invalidEndpointFieldsNameTheField() {
        String bad = "{\"format\":\"code-proxy/1\",\"endpoints\":[{\"name\":\"a\",\"baseUrl\":\"ftp://x\",\"weight\":0}]}";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(bad));
        assertTrue(e.problems().stream().anyMatch(s -> s.startsWith("$.endpoints[0].baseUrl: 'ftp://x' is not accepted")),
                e.problems().toString());
        assertTrue(e.problems().contains("$.endpoints[0].weight: is 0; expected an integer from 1 to 1000"),
                e.problems().toString());
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse("{\n  \"format\": \"code-proxy/1\",\n  \"endpoints\": [,]\n}"));
        assertTrue(e.getMessage().startsWith("not valid JSON at line 3, column"), e.getMessage());
    }

    @Test
    void duplicateNamesAreRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(
                "{\"format\":\"code-proxy/1\",\"endpoints\":[{\"name\":\"A\",\"baseUrl\":\"https://a.example\"},"
                        + "{\"name\":\"a\",\"baseUrl\":\"https://b.example\"}]}"));
        assertTrue(e.getMessage().contains("the name 'a' appears more than once"), e.getMessage());
    }

    @Test
    void wrongOrMissingFormatIsExplained() {
        assertTrue(assertThrows(ConfigException.class, () -> ConfigParser.parse("{\"format\":\"code-proxy/9\"}"))
                .getMessage().contains("$.format: 'code-proxy/9' is not supported"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigParser.parse("{}"))
                .getMessage().contains("missing \"format\""));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigParser.parse("[]"))
                .getMessage().startsWith("$: expected a JSON object"));
    }

    @Test
    void readsTheSeedAppExport() throws Exception {
        String seed = """
                {"version":"1.0","exportTime":"2025-12-01T10:00:00.000",
                 "proxyConfig":{"address":"127.0.0.1","port":9100,"maxRetries":3},
                 "endpoints":[
                   {"id":"1","name":"Official","note":"main","enabled":true,"weight":1,
                    "anthropicAuthToken":"sk-ant-seed","anthropicBaseUrl":"https://api.anthropic.com",
                    "anthropicDefaultHaikuModel":null,"anthropicDefaultSonnetModel":"claude-sonnet-5",
                    "anthropicDefaultOpusModel":null},
                   {"id":"2","name":"Backup","enabled":false,"weight":3,
                    "anthropicBaseUrl":"https://backup.example.com/api"}]}""";
        ConfigFile f = ConfigParser.parse(seed);
        assertEquals(Map.of("host", "127.0.0.1", "port", "9100", "maxRetries", "3"), f.settings());
        Endpoint a = f.endpoints().get(0);
        assertEquals("Official", a.name());
        assertEquals("sk-ant-seed", a.apiKey());
        assertEquals(AuthStyle.BEARER, a.authStyle());
        assertEquals("claude-sonnet-5", a.models().sonnet());
        assertEquals(1, a.priority());
        Endpoint b = f.endpoints().get(1);
        assertFalse(b.enabled());
        assertEquals(3, b.weight());
        assertEquals(2, b.priority());
    }

    @Test
    void exportRoundTripsAndLeavesKeysOutUnlessAsked() throws Exception {
        ConfigFile f = ConfigParser.parse(FULL);
        List<Endpoint> eps = f.endpoints();
        Settings s = Settings.DEFAULTS.with(f.settings());
        String without = ConfigWriter.write(s, eps, false, Instant.parse("2026-11-26T12:00:00Z"));
        assertFalse(without.contains("sk-ant-abc"));
        assertFalse(without.contains("apiKey"));
        String with = ConfigWriter.write(s, eps, true, Instant.parse("2026-11-26T12:00:00Z"));
        assertTrue(with.contains("\"apiKey\": \"sk-ant-abc\""), with);
        ConfigFile back = ConfigParser.parse(with);
        assertEquals(eps, back.endpoints());
        assertEquals(s, Settings.DEFAULTS.with(back.settings()));
    }
}
