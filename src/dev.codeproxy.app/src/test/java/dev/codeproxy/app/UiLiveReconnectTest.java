package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import dev.codeproxy.testkit.FakeUpstream;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A lost live connection: the page says so, reconnects by itself (with backoff) when the server
 * is back, refetches what it missed, and shows new requests live again, all without a reload.
 */
class UiLiveReconnectTest extends UiServerTest {

    @Test
    void reconnectsAfterTheServerRestartsAndResyncs() {
        FakeUpstream up = upstream();
        addEndpoint("Main", up.baseUrl());
        login();
        page.evaluate("window.__sameDocument = true");
        int port = server.port();

        // the outage: the browser logs its failed reconnects; that is expected here
        tab.allow("WebSocket connection to .*/_/ws.* failed").allow("ERR_CONNECTION_REFUSED");
        server.close();
        Locator status = byTest("live-status");
        assertThat(status).not().hasAttribute("data-status", "open");
        assertThat(status).containsText("Reconnecting");

        // a request served while the page was away from this server: it must show up after the resync
        server = startProxy(port);
        assertEquals(200, send(false).statusCode());
        assertThat(status).hasAttribute("data-status", "open");
        Locator done = page.locator("[data-testid=live-feed] li[data-state=done]");
        assertThat(done).hasCount(1);
        assertThat(byTest("card-requests").locator(".value")).hasText("1");

        // and live again
        assertEquals(200, send(true).statusCode());
        assertThat(done).hasCount(2);
        assertEquals(true, page.evaluate("window.__sameDocument === true"));
    }
}
