package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard, live: requests through the proxy (a stream, a failover, an error) show up in the
 * feed as they happen, in flight first, without a reload; the cards count them; the heatmap's
 * cell for today reads today's tokens.
 */
class UiDashboardTest extends UiServerTest {

    @Test
    void requestsAppearLiveInTheFeedAndTodaysHeatmapCellReadsTheirTokens() {
        FakeUpstream flaky = upstream();
        flaky.setDefault(Reply.error(529, "overloaded_error", "Overloaded"));
        FakeUpstream main = upstream();
        addEndpoint("Flaky", flaky.baseUrl());
        addEndpoint("Main", main.baseUrl());
        login();
        assertThat(page.locator("section[aria-labelledby=feed-title]")).containsText("No requests yet.");
        page.evaluate("window.__sameDocument = true");

        // a slow stream, tried on Flaky first (529, retried, then failed over): in flight, then done
        main.enqueue(Reply.sse(SseFixtures.message(MODEL, 8)).delayBetweenEvents(Duration.ofMillis(300)));
        CompletableFuture<HttpResponse<String>> stream = sendAsync(true);
        Locator inFlight = page.locator("[data-testid=live-feed] li[data-state=in-flight]");
        assertThat(inFlight).hasCount(1);
        assertThat(inFlight).containsText("claude-sonnet-4-5");
        assertThat(byTest("card-active")).containsText("1 request in flight");
        assertEquals(200, stream.join().statusCode());
        assertThat(inFlight).hasCount(0);
        Locator done = page.locator("[data-testid=live-feed] li[data-state=done]");
        assertThat(done).hasCount(1);
        assertThat(done.first()).containsText("200 ↻");
        assertThat(done.first()).containsText("Main");

        // a plain request, then an error the upstream answers (a client error: no failover)
        assertEquals(200, send(false).statusCode());
        main.enqueue(Reply.error(400, "invalid_request_error", "max_tokens: Field required"));
        assertEquals(400, send(false).statusCode());
        assertThat(done).hasCount(3);
        assertThat(done.first()).containsText("400");
        assertThat(byTest("card-requests").locator(".value")).hasText("3");

        // today's heatmap cell: the tokens the API counts for today (after the log has written them)
        long tokens = todaysTokens(3);
        assertTrue(tokens > 0);
        String today = LocalDate.now().toString();
        Locator cell = page.locator("[data-testid=heatmap] rect[data-day='" + today + "']");
        assertThat(cell).hasAttribute("data-tokens", Long.toString(tokens));
        cell.scrollIntoViewIfNeeded();
        cell.hover();
        Locator tip = byTest("heatmap-tooltip");
        assertThat(tip).hasAttribute("data-day", today);
        assertEquals(Long.toString(tokens), byTest("heatmap-tooltip-tokens").textContent().replaceAll("[^0-9]", ""));
        assertThat(tip).containsText("3 requests");

        // all of it without reloading the page
        assertEquals(true, page.evaluate("window.__sameDocument === true"));
    }

    @Test
    void emptyDashboardShowsEmptyStatesNotErrors() {
        login();
        assertThat(page.locator("section[aria-labelledby=feed-title]")).containsText("No requests yet.");
        assertThat(page.locator("section[aria-labelledby=models-title]")).containsText("No model was used in this period.");
        assertThat(page.locator("section[aria-labelledby=eps-title]")).containsText("No endpoint served requests");
        assertThat(byTest("card-requests").locator(".value")).hasText("0");
        assertThat(page.locator("[data-testid=heatmap] rect")).not().hasCount(0);
        assertThat(page.locator("[role=alert]")).hasCount(0);
    }

    /** Today's tokens from the heatmap API, once the log counted {@code requests} requests today. */
    long todaysTokens(int requests) {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            var days = api("/_/api/stats/heatmap").getJsonArray("days");
            JsonObject today = days.getJsonObject(days.size() - 1);
            if (today.getJsonNumber("requests").longValue() >= requests || System.nanoTime() > end) {
                assertEquals(LocalDate.now().toString(), today.getString("day"));
                return today.getJsonNumber("tokens").longValue();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
