package dev.codeproxy.app;

import dev.codeproxy.core.pricing.ModelPrice;
import dev.codeproxy.core.pricing.PriceOverride;
import dev.codeproxy.store.PriceRepository;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One live price table prices every cost the server shows: the request log's rows and the
 * metrics agree, right after an override through the API and once the log's writer has seen an
 * override stored by someone else.
 */
class OnePriceTableTest extends AdminServerTest {
    private static final String SERIES = "code_proxy_cost_usd_total{endpoint=\"main\",model=\"claude-sonnet-4-5\"} ";
    /** The override the tests set: USD per million tokens, so micro-USD per token. */
    private static final ModelPrice OVERRIDE = ModelPrice.of("2000", "10000", "3000", "4000", "500");
    private static final String OVERRIDE_JSON = "{\"overrides\":[{\"pattern\":\"claude-sonnet-4-5\",\"input\":\"2000\","
            + "\"output\":\"10000\",\"cacheWrite5m\":\"3000\",\"cacheWrite1h\":\"4000\",\"cacheRead\":\"500\"}]}";

    /** The cost metric of the main endpoint's sonnet requests, in micro-USD. */
    private long metricsCostMicros() {
        String m = send(request("GET", "/observe/metrics", null).build()).body();
        for (String line : m.split("\n")) {
            if (line.startsWith(SERIES)) {
                return new BigDecimal(line.substring(SERIES.length()).strip()).movePointRight(6).longValueExact();
            }
        }
        return fail("no " + SERIES + "in\n" + m);
    }

    private JsonObject newestEntry() {
        return get("/_/api/logs").json().getJsonArray("entries").getJsonObject(0);
    }

    /** Micro-USD of an entry's tokens at the override's prices. */
    private static long atOverride(JsonObject entry) {
        JsonObject t = entry.getJsonObject("tokens");
        return t.getJsonNumber("input").longValue() * 2_000 + t.getJsonNumber("output").longValue() * 10_000
                + t.getJsonNumber("cacheWrite5m").longValue() * 3_000 + t.getJsonNumber("cacheWrite1h").longValue() * 4_000
                + t.getJsonNumber("cacheRead").longValue() * 500;
    }

    @Test
    void anOverrideThroughTheApiPricesTheNextRequestInTheLogAndTheMetricsAlike() {
        addEndpoint("main", upstream.baseUrl());
        Resp put = api("PUT", "/_/api/pricing/overrides", OVERRIDE_JSON);
        assertEquals(200, put.status(), put.body());

        assertEquals(200, proxy(MESSAGE).status());
        logged(1);
        JsonObject entry = newestEntry();
        assertTrue(entry.getBoolean("priced"), entry.toString());
        long expected = atOverride(entry);
        assertTrue(expected > 0, entry.toString());
        assertEquals(expected, entry.getJsonNumber("costMicros").longValue(), "the stored row: " + entry);
        assertEquals(expected, metricsCostMicros(), "the metrics price with the same table");
    }

    @Test
    void anOverrideStoredOutsideTheApiReachesTheLiveTableOnceTheLogWriterSawIt() {
        addEndpoint("main", upstream.baseUrl());
        assertEquals(200, proxy(MESSAGE).status());
        logged(1);
        long bundled = newestEntry().getJsonNumber("costMicros").longValue();
        assertEquals(bundled, metricsCostMicros());

        // as another process would: only the overrides' version tells the server
        new PriceRepository(server.database()).put(new PriceOverride("claude-sonnet-4-5", OVERRIDE));
        assertEquals(200, proxy(MESSAGE).status());
        logged(2);
        JsonObject second = newestEntry();
        assertEquals(atOverride(second), second.getJsonNumber("costMicros").longValue(),
                "the writer rereads the overrides when their version moved: " + second);
        assertTrue(atOverride(second) != bundled, "the override changes the cost");

        long before = metricsCostMicros();
        assertEquals(200, proxy(MESSAGE).status());
        logged(3);
        JsonObject third = newestEntry();
        assertEquals(atOverride(third), third.getJsonNumber("costMicros").longValue());
        assertEquals(atOverride(third), metricsCostMicros() - before, "the metrics now price with the override too");
    }
}
