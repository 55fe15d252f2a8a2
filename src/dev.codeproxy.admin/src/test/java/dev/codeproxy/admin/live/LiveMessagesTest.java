package dev.codeproxy.admin.live;

import dev.codeproxy.admin.FinishedRequests;
import dev.codeproxy.admin.api.dto.LiveDtos;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.pricing.ModelPrice;
import dev.codeproxy.core.pricing.PriceOverride;
import dev.codeproxy.core.pricing.PriceTable;
import dev.codeproxy.core.usage.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A finished request as the live feed shows it: the billed model's cost, tokens, and no credential. */
class LiveMessagesTest {
    private static final Usage USAGE = new Usage(1_000_000, 100_000, 0, 0, 0);

    @Test
    void theBreakersClosedIsShownAsHealthyAndTheOtherStatesKeepTheirNames() {
        assertEquals("healthy", LiveMessages.stateName("closed"));
        for (String s : List.of("open", "half_open", "cooldown", "auth_failed", "disabled")) {
            assertEquals(s, LiveMessages.stateName(s));
        }
    }

    @Test
    void theModelSentUpstreamIsTheOneBilled() {
        // one priced model overridden to round numbers: $1 per million input tokens, $10 per million output
        PriceTable prices = PriceTable.bundled().withOverrides(List.of(
                new PriceOverride("glm-4.6", ModelPrice.of("1", "10", "0", "0", "0"))));
        RequestRecord mapped = FinishedRequests.finished(1, "/v1/messages", "zai", "claude-sonnet-4-5", "glm-4.6", 200,
                USAGE, false, 900, 300, null);
        LiveDtos.Completed c = LiveMessages.completed(mapped, prices, "");
        assertTrue(c.entry().priced());
        assertEquals(2_000_000, c.entry().costMicros(), "1M input at $1 + 100k output at $10 = $2");
        assertEquals("claude-sonnet-4-5", c.entry().model());
        assertEquals("glm-4.6", c.entry().sentModel());
        assertEquals(1_100_000, c.entry().tokens().total());
        assertEquals("success", c.entry().outcome());
    }

    @Test
    void anUnknownModelIsUnpricedNotFree() {
        RequestRecord r = FinishedRequests.finished(2, "/v1/messages", "local", "my-own-llm", null, 200, USAGE, false, 900,
                -1, null);
        LiveDtos.Completed c = LiveMessages.completed(r, PriceTable.bundled(), "");
        assertFalse(c.entry().priced());
        assertEquals(0, c.entry().costMicros());
        assertEquals(-1, c.entry().firstTokenMs());
    }

    @Test
    void theOutcomeClassAndErrorAreCarried() {
        RequestRecord over = FinishedRequests.finished(3, "/v1/messages", "backup", "claude-sonnet-4-5", null, 200, USAGE,
                true, 900, 300, null);
        assertEquals("failed_over", LiveMessages.completed(over, PriceTable.bundled(), "").entry().outcome());
        RequestRecord broke = FinishedRequests.finished(4, "/v1/messages", "primary", "claude-sonnet-4-5", null, 200, USAGE,
                false, 900, 300, "upstream 'primary' closed the stream before it ended");
        LiveDtos.Completed c = LiveMessages.completed(broke, PriceTable.bundled(), "");
        assertEquals("upstream_error", c.entry().outcome());
        assertEquals("upstream 'primary' closed the stream before it ended", c.entry().error());
    }

    @Test
    void credentialMatrixParametersInThePathAreMasked() {
        RequestRecord r = FinishedRequests.finished(5, "/v1;key=sk-ant-abc/messages;Token=cpc-xyz;beta=true", "p",
                "claude-sonnet-4-5", null, 200, Usage.NONE, false, 10, -1, null);
        assertEquals("/v1;key=[redacted]/messages;Token=[redacted];beta=true",
                LiveMessages.completed(r, PriceTable.bundled(), "").entry().path());
    }

    @Test
    void anInstanceSharingADatabaseNamesItselfInEachEntry() {
        RequestRecord r = FinishedRequests.finished(6, "/v1/messages", "p", "claude-sonnet-4-5", null, 200, USAGE,
                false, 10, -1, null);
        assertEquals("gw-1:9000", LiveMessages.completed(r, PriceTable.bundled(), "gw-1:9000").entry().instance());
        assertEquals("", LiveMessages.completed(r, PriceTable.bundled(), "").entry().instance());
    }
}
