package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Logs page: requests appear at the top as they happen (in flight, then finished) without a
 * reload; the detail shows the attempts, the stream's assembled text and raw events, the request
 * body as JSON, and copies a curl command without secrets; filters narrow the list, live too.
 */
class UiLogsTest extends UiServerTest {
    static final int DELTAS = 6;

    @Test
    void requestsAppearLiveAndTheDetailShowsTheAssembledStream() {
        FakeUpstream flaky = upstream();
        flaky.setDefault(Reply.error(529, "overloaded_error", "Overloaded"));
        FakeUpstream main = upstream();
        addEndpoint("Flaky", flaky.baseUrl());
        addEndpoint("Main", main.baseUrl());
        login();
        go("/logs");
        assertThat(page.locator("h1")).hasText("Logs");
        assertThat(page.getByText("No requests yet. They appear here the moment they finish.")).isVisible();
        page.evaluate("window.__sameDocument = true");

        // a stream that fails over from Flaky to Main: in flight at the top, then finished
        main.enqueue(Reply.sse(SseFixtures.message(MODEL, DELTAS)).delayBetweenEvents(Duration.ofMillis(300)));
        CompletableFuture<HttpResponse<String>> stream = sendAsync(true);
        Locator inFlight = page.locator("[data-testid=log-table] tr[data-state=in-flight]");
        assertThat(inFlight).hasCount(1);
        assertEquals(200, stream.join().statusCode());
        Locator done = page.locator("[data-testid=log-table] tr[data-state=done]");
        assertThat(done).hasCount(1);
        assertThat(inFlight).hasCount(0);
        assertThat(done.first()).containsText("200 ↻");
        String streamId = done.first().getAttribute("data-request-id");

        // an error the upstream answers, then a plain request: each at the top as it finishes
        main.enqueue(Reply.error(400, "invalid_request_error", "messages: at least one message is required"));
        assertEquals(400, send(false).statusCode());
        assertThat(done).hasCount(2);
        assertThat(done.first()).containsText("400");
        // the error the log recorded is shown under the request
        assertThat(done.first().locator(".err")).containsText("400");
        assertEquals(200, send(false).statusCode());
        assertThat(done).hasCount(3);
        assertThat(done.first()).containsText("200");
        assertEquals(true, page.evaluate("window.__sameDocument === true"));

        // the stream's detail
        page.locator("[data-testid=log-table] tr[data-request-id='" + streamId + "'] a").click();
        Locator panel = page.getByRole(AriaRole.DIALOG);
        assertThat(panel).isVisible();
        assertTrue(page.url().endsWith("id=" + streamId), page.url());
        assertThat(panel.locator("[data-testid=log-summary]")).containsText("Failed over");
        Locator attempts = panel.locator("[data-testid=attempts] li");
        assertThat(attempts.last()).containsText("Main");
        assertThat(attempts.first()).containsText("Flaky");
        assertThat(attempts.first()).containsText("HTTP 529");
        Locator text = panel.locator("[data-testid=assembled-text]");
        assertThat(text).isVisible();
        assertEquals(SseFixtures.messageText(DELTAS), text.textContent());
        // message_start, content_block_start, ping, the deltas, content_block_stop, message_delta, message_stop
        int events = SseFixtures.message(MODEL, DELTAS).size();
        panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Events (" + events + ")")).click();
        assertThat(panel.locator("[data-testid=raw-events] li")).hasCount(events);
        assertThat(panel.locator("[data-testid=raw-events] li").first()).containsText("message_start");
        // the request body as a folding JSON tree
        Locator json = panel.locator("section[aria-labelledby=req-h] .json");
        assertThat(json).containsText("\"messages\"");
        assertThat(json).not().containsText("Say hello"); // the outer two levels start open
        json.getByText("Expand all").click();
        assertThat(json).containsText("Say hello");
        json.getByText("Collapse all").click();
        assertThat(json).not().containsText("\"messages\"");
        json.locator("button.fold").first().click();
        assertThat(json).containsText("\"messages\"");

        // copy as curl: the proxy's URL and body, the credential as a shell variable, no secret
        tab.context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
        panel.getByText("Copy as curl").click();
        assertThat(page.getByText("curl command copied")).isVisible();
        String curl = (String) page.evaluate("navigator.clipboard.readText()");
        assertTrue(curl.startsWith("curl '" + base() + "/v1/messages'"), curl);
        assertTrue(curl.contains("$CODE_PROXY_TOKEN"), curl);
        assertTrue(curl.contains("\"stream\":true"), curl);
        for (String secret : List.of(CLIENT, ADMIN, KEY)) {
            assertFalse(curl.contains(secret), "curl carries a secret: " + curl);
        }

        // Escape closes the panel (and the URL forgets the id)
        page.keyboard().press("Escape");
        assertThat(panel).hasCount(0);
        assertFalse(page.url().contains("id="), page.url());

        // filters: only 4xx, and a new 200 does not slip in live
        page.locator("form[role=search] select").first().selectOption("4xx");
        assertThat(done).hasCount(1);
        assertThat(done.first()).containsText("400");
        assertTrue(page.url().contains("status=4xx"), page.url());
        assertEquals(200, send(false).statusCode());
        main.enqueue(Reply.error(404, "not_found_error", "model: nope"));
        assertEquals(404, send(false).statusCode());
        assertThat(done).hasCount(2);
        assertThat(done.first()).containsText("404");
        page.getByText("Clear", new Page.GetByTextOptions().setExact(true)).click();
        assertThat(done).hasCount(5);
    }

    @Test
    void pagesWalkOlderAndNewer() {
        long now = System.currentTimeMillis();
        for (int i = 0; i < 60; i++) {
            recordFinished(1_000 + i, now - (60 - i) * 60_000L, MODEL, new Usage(100 + i, 10, 0, 0, 0), 200);
        }
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (api("/_/api/logs?limit=100").getJsonArray("entries").size() < 60 && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        login();
        go("/logs");
        Locator done = page.locator("[data-testid=log-table] tr[data-state=done]");
        assertThat(done).hasCount(50);
        assertThat(done.first()).hasAttribute("data-request-id", "1059");
        Locator older = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Older →"));
        Locator newer = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("← Newer"));
        assertThat(newer).isDisabled();
        older.click();
        assertThat(done).hasCount(10);
        assertThat(done.first()).hasAttribute("data-request-id", "1009");
        assertThat(older).isDisabled();
        assertThat(page.getByText("Page 2")).isVisible();
        newer.click();
        assertThat(done).hasCount(50);
        assertThat(done.first()).hasAttribute("data-request-id", "1059");
    }

    @Test
    void theKeyboardOpensTheDetailKeepsFocusInItAndEscapeReturns() {
        FakeUpstream main = upstream();
        addEndpoint("Main", main.baseUrl());
        assertEquals(200, send(false).statusCode());
        login();
        go("/logs");
        Locator link = page.locator("[data-testid=log-table] tr[data-state=done] a").first();
        link.focus();
        page.keyboard().press("Enter");
        Locator panel = page.getByRole(AriaRole.DIALOG);
        assertThat(panel).isVisible();
        for (int i = 0; i < 30; i++) {
            page.keyboard().press("Tab");
            assertEquals(true, page.evaluate("document.querySelector('[role=dialog]').contains(document.activeElement)"),
                    "Tab left the dialog after " + (i + 1) + " presses");
        }
        page.keyboard().press("Escape");
        assertThat(panel).hasCount(0);
        assertThat(page.locator("[data-testid=log-table] tr[data-state=done] a").first()).isFocused();
    }

    @Test
    void aDetailLinkOpensStraightIntoTheRequest() {
        FakeUpstream main = upstream();
        addEndpoint("Main", main.baseUrl());
        main.enqueue(Reply.sse(SseFixtures.message(MODEL, 3)));
        assertEquals(200, send(true).statusCode());
        login();
        go("/logs");
        Locator done = page.locator("[data-testid=log-table] tr[data-state=done]");
        assertThat(done).hasCount(1);
        String id = done.first().getAttribute("data-request-id");
        go("/logs?id=" + id);
        page.reload();
        assertEquals(SseFixtures.messageText(3), page.locator("[data-testid=assembled-text]").textContent());
    }
}
