package dev.codeproxy.core.config;

import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.Settings;
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

    /** The seed's export as its first releases wrote it: proxyConfig in seconds, listenAddress / listenPort. */
    static final String SEED_WITH_SECONDS = """
            {
              "version": "1.0",
              "exportedAt": "2025-12-11T09:41:27.123456",
              "proxyConfig": {
                "listenAddress": "127.0.0.1",
                "listenPort": 9100,
                "maxRetries": 2,
                "requestTimeout": 300,
                "healthCheckInterval": 30,
                "healthCheckTimeout": 10,
                "healthCheckPath": "/health",
                "consecutiveFailureThreshold": 5,
                "enableLogging": false,
                "maxLogEntries": 1000,
                "responseTimeWindowSize": 10
              },
              "endpoints": [
                {
                  "id": "7f3c2a9e-5b1d-4c8e-9a0f-2d6b4e8c1a3f",
                  "name": "Anthropic",
                  "note": "official",
                  "enabled": true,
                  "weight": 1,
                  "createdAt": 1765330000000,
                  "updatedAt": 1765410000000,
                  "anthropicAuthToken": "sk-ant-seed",
                  "anthropicBaseUrl": "https://api.anthropic.com",
                  "apiTimeoutMs": null,
                  "anthropicModel": null,
                  "anthropicSmallFastModel": null,
                  "anthropicDefaultHaikuModel": null,
                  "anthropicDefaultSonnetModel": null,
                  "anthropicDefaultOpusModel": null,
                  "claudeCodeDisableNonessentialTraffic": false
                }
              ]
            }""";

    @Test
    void theSeedsRequestTimeoutIsSecondsAndBecomesMilliseconds() throws Exception {
        ConfigFile f = ConfigParser.parse(SEED_WITH_SECONDS);
        assertEquals("300000", f.settings().get("requestTimeoutMs"), "300 s, the seed's default");
        assertEquals("127.0.0.1", f.settings().get("host"));
        assertEquals("9100", f.settings().get("port"));
        assertEquals("2", f.settings().get("maxRetries"));
        assertEquals("5", f.settings().get("breakerThreshold"));
        assertEquals("false", f.settings().get("requestLog"));
        assertEquals("1000", f.settings().get("logRetention"));
        assertEquals(1, f.warnings().size(), f.warnings().toString());
        assertTrue(f.warnings().getFirst().contains("healthCheckInterval, healthCheckTimeout, healthCheckPath, "
                + "responseTimeWindowSize ignored"), f.warnings().toString());
        Endpoint a = f.endpoints().getFirst();
        assertEquals("official", a.note());
        assertEquals(Endpoint.DEFAULT_TIMEOUT_MS, a.timeoutMs(), "apiTimeoutMs null: the default");
        // every accepted value round-trips through the settings record
        Settings s = Settings.DEFAULTS.with(f.settings());
        assertEquals(300_000, s.requestTimeoutMs());

        for (int seconds : new int[] {1, 60, 3600}) {
            String file = SEED_WITH_SECONDS.replace("\"requestTimeout\": 300", "\"requestTimeout\": " + seconds);
            assertEquals(Long.toString(seconds * 1000L), ConfigParser.parse(file).settings().get("requestTimeoutMs"));
        }
    }

    @Test
    void aSeedTimeOutsideTheAcceptedRangeKeepsTheDefaultWithAWarning() throws Exception {
        for (String value : new String[] {"0", "7200", "99999999999999999"}) {
            ConfigFile f = ConfigParser.parse(SEED_WITH_SECONDS.replace("\"requestTimeout\": 300",
                    "\"requestTimeout\": " + value));
            assertFalse(f.settings().containsKey("requestTimeoutMs"), value);
            assertTrue(f.warnings().stream().anyMatch(w -> w.startsWith("$.proxyConfig.requestTimeout: " + value
                    + " seconds") && w.contains("requestTimeoutMs") && w.contains("the default 600000 is kept")),
                    f.warnings().toString());
        }
        // a wrong type is still an error with its path
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(
                SEED_WITH_SECONDS.replace("\"requestTimeout\": 300", "\"requestTimeout\": \"5m\"")));
        assertTrue(e.getMessage().contains("$.proxyConfig.requestTimeout: the string '5m' is not accepted"), e.getMessage());
    }

    @Test
    void theFirstSeedExportsEndpointsWithSettingsConfigAreRead() throws Exception {
        String first = """
                {"version":"1.0","exportedAt":"2025-12-10T18:02:11.532871",
                 "proxyConfig":{"listenAddress":"127.0.0.1","listenPort":7890,"maxRetries":3,"requestTimeout":120},
                 "endpoints":[
                   {"id":"a","name":"Relay","url":"https://relay.example.com","category":"aggregator","notes":"cheap",
                    "icon":null,"iconColor":null,"weight":2,"enabled":true,"sortIndex":0,"createdAt":1,"updatedAt":2,
                    "apiKey":"relay-key-0000","authMode":"bearer_only","customHeaders":null,
                    "settingsConfig":{"env":{"ANTHROPIC_AUTH_TOKEN":"relay-key-0000",
                      "ANTHROPIC_BASE_URL":"https://relay.example.com/api","API_TIMEOUT_MS":"900000",
                      "ANTHROPIC_MODEL":"kimi-k2","CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC":"1"}}},
                   {"id":"b","name":"Official","url":"https://api.anthropic.com","category":"official",
                    "weight":1,"enabled":false,"sortIndex":1,"createdAt":1,"updatedAt":2,
                    "apiKey":"sk-ant-first","authMode":"standard","settingsConfig":null}]}""";
        ConfigFile f = ConfigParser.parse(first);
        assertEquals("120000", f.settings().get("requestTimeoutMs"));
        assertEquals("7890", f.settings().get("port"));
        Endpoint relay = f.endpoints().get(0);
        assertEquals("https://relay.example.com/api", relay.baseUrl(), "settingsConfig.env wins over url");
        assertEquals(AuthStyle.BEARER, relay.authStyle());
        assertEquals("relay-key-0000", relay.apiKey());
        assertEquals(900_000, relay.timeoutMs());
        assertEquals("kimi-k2", relay.models().defaultModel());
        assertTrue(relay.disableNonessentialTraffic());
        assertEquals("cheap", relay.note());
        assertEquals(2, relay.weight());
        Endpoint official = f.endpoints().get(1);
        assertEquals("https://api.anthropic.com", official.baseUrl());
        assertEquals(AuthStyle.X_API_KEY, official.authStyle(), "authMode standard sends x-api-key");
        assertEquals("sk-ant-first", official.apiKey());
        assertFalse(official.enabled());
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
