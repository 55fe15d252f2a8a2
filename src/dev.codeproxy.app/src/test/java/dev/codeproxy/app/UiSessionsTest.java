package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.ColorScheme;
import dev.codeproxy.core.event.AttemptRecord;
import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Sessions page: Claude Code sessions with their cost, tokens, cache hit ratio, endpoints and
 * failover cost; a session that is working updates live (new requests, its live dot) without a
 * reload; the detail shows the timeline of its requests with the endpoint switch marked and what
 * it cost. Writes target/screenshots/sessions-{light,dark}.png and session-detail-{light,dark}.png.
 */
class UiSessionsTest extends UiServerTest {
    static final String SONNET = "claude-sonnet-4-5-20250929";
    static final String OPUS = "claude-opus-4-1-20250805";
    static final String LIVE = "5d9c1e0a-77f3-4a8e-9b1f-2c6e0d4a1b37";
    static final String SWITCHED = "a41f6c2e-0b8d-4e57-93a2-6f1d2c3b4a5e";

    long nextId = 2_000_000;

    /** A finished request of a session, handed to the request log as the proxy hands it. */
    void finished(String session, String project, long at, String endpoint, String firstTried, String model, Usage u) {
        long total = 4_000;
        List<AttemptRecord> attempts = new ArrayList<>();
        if (firstTried != null) {
            attempts.add(new AttemptRecord(1, firstTried, model, "http_529", 529, 0, -1, 300));
        }
        attempts.add(new AttemptRecord(attempts.size() + 1, endpoint, model, "ok", 200, 0, 400, total));
        RequestRecord r = new RequestRecord(nextId++, at, "POST", "/v1/messages", "beta=true", model, model, true, 200,
                endpoint, attempts.size(), firstTried != null, 400, 900, total, u, null, attempts, Map.of(), Map.of(),
                Map.of(), null, false, null, false, null, session, project, null);
        server.requestLog().onEvent(new ProxyEvent.RequestCompleted(r));
    }

    /** Earlier today: two finished sessions, one of which failed over from Main to Backup mid-way. */
    void history() {
        long now = System.currentTimeMillis();
        long t = now - Duration.ofHours(3).toMillis();
        for (int i = 0; i < 6; i++) {
            finished("0c7e2b91-3f4a-4d6e-8a1b-9e8f7d6c5b4a", "/home/ann/code/billing-api", t + i * 95_000L, "Main", null,
                    SONNET, new Usage(900 + i * 40, 700 + i * 90, i == 0 ? 24_000 : 1_800, 0, i == 0 ? 0 : 24_000 + i * 1_900));
        }
        t = now - Duration.ofMinutes(70).toMillis();
        for (int i = 0; i < 8; i++) {
            boolean switchNow = i == 5;
            String ep = i < 5 ? "Main" : "Backup";
            finished(SWITCHED, "/home/ann/code/code-proxy", t + i * 120_000L, ep, switchNow ? "Main" : null,
                    i == 3 ? OPUS : SONNET, new Usage(1_200 + i * 50, 1_100 + i * 70,
                            i == 0 || switchNow ? 38_000 : 2_100, 0, i == 0 || switchNow ? 0 : 38_000 + i * 2_200));
        }
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (api("/_/api/usage/sessions").getJsonArray("sessions").size() < 2 && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** A request of the live session through the proxy, as Claude Code sends it. */
    void claudeCodeRequest(FakeUpstream main, long in, long read) {
        main.enqueue(Reply.json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                + SONNET + "\",\"content\":[{\"type\":\"text\",\"text\":\"Done.\"}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":" + in + ",\"output_tokens\":420,\"cache_creation_input_tokens\":1500,"
                + "\"cache_read_input_tokens\":" + read + "}}"));
        String body = "{\"model\":\"" + SONNET + "\",\"max_tokens\":32000,\"system\":[{\"type\":\"text\",\"text\":"
                + "\"You are Claude Code.\\n<env>\\nPrimary working directory: /home/ann/code/web-dashboard\\n"
                + "Is directory a git repo: Yes\\n</env>\"}],\"metadata\":{\"user_id\":\"user_ab12_account_cd34_session_"
                + LIVE + "\"},\"messages\":[{\"role\":\"user\",\"content\":\"Add a Sessions page\"}]}";
        HttpRequest r = HttpRequest.newBuilder(URI.create(base() + "/v1/messages?beta=true"))
                .header("x-api-key", CLIENT).header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01").header("x-claude-code-session-id", LIVE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sessionsUpdateLiveAndTheDetailShowsTheTimelineAndTheCostOfFailover() {
        FakeUpstream main = upstream();
        addEndpoint("Main", main.baseUrl());
        addEndpoint("Backup", upstream().baseUrl());
        history();
        login();
        go("/sessions");
        assertThat(page.locator("h1")).hasText("Sessions");
        Locator rows = page.locator("[data-testid=sessions-table] tbody tr");
        assertThat(rows).hasCount(2);
        page.evaluate("window.__sameDocument = true");

        // a Claude Code session starts: its row appears at the top, live, without a reload
        claudeCodeRequest(main, 3_200, 0);
        Locator live = page.locator("[data-session-id='" + LIVE + "']");
        assertThat(live).isVisible();
        assertThat(rows).hasCount(3);
        assertThat(rows.first()).hasAttribute("data-session-id", LIVE);
        assertThat(live).hasAttribute("data-active", "true");
        assertThat(live.locator(".project")).containsText("web-dashboard");
        assertThat(live.locator("td").nth(3)).hasText("1");
        claudeCodeRequest(main, 2_100, 4_700);
        assertThat(live.locator("td").nth(3)).hasText("2");
        assertEquals(true, page.evaluate("window.__sameDocument"), "updated in place, not reloaded");

        // the switched session: its failover cost in the list, the card and the detail
        Locator switched = page.locator("[data-session-id='" + SWITCHED + "']");
        // 38,000 cache tokens written again on Backup at 3.75 per million: $0.1425
        assertThat(switched.locator("td.failover")).hasText("1 · $0.14");
        assertThat(byTest("sessions-failover-cost")).containsText("$0.14");
        assertThat(byTest("sessions-failover-cost")).containsText("38k cache tokens rebuilt after 1 endpoint switch");
        switched.locator("a").first().click();
        assertThat(byTest("session-facts")).containsText(SWITCHED);
        assertThat(byTest("session-failover-cost")).containsText("$0.14 · 38,000 cache tokens rebuilt after 1 switch");
        Locator timeline = page.locator("[data-testid=session-timeline] li");
        assertThat(timeline).hasCount(8);
        assertThat(page.locator("[data-testid=session-timeline] li.switched")).hasCount(1);
        assertThat(timeline.nth(5)).containsText("Switched to Backup: 38,000 cache tokens written again");
        assertTrue(page.url().contains("id=" + SWITCHED), page.url());
        page.keyboard().press("Escape");
        assertThat(byTest("session-facts")).hasCount(0);

        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            String theme = scheme == ColorScheme.DARK ? "dark" : "light";
            try (BrowserSupport.Tab t = browser.tab(scheme)) {
                Page p = t.page;
                p.setDefaultTimeout(15_000);
                p.navigate(server.loginUrl());
                assertThat(p.locator("[data-testid=live-status]")).hasAttribute("data-status", "open");
                p.navigate(base() + "/#/sessions");
                assertThat(p.locator("[data-testid=sessions-table] tbody tr")).hasCount(3);
                settle(p);
                noSidewaysScroll(p);
                t.screenshot("sessions-" + theme);
                p.locator("[data-session-id='" + SWITCHED + "'] a").first().click();
                assertThat(p.locator("[data-testid=session-timeline] li")).hasCount(8);
                settle(p);
                t.screenshot("session-detail-" + theme);
                t.assertNoConsoleErrors();
            }
        }
    }

    private static void settle(Page p) {
        p.waitForLoadState();
        assertThat(p.locator("[aria-busy=true]")).hasCount(0);
        p.waitForTimeout(400);
    }

    private static void noSidewaysScroll(Page p) {
        Object over = p.evaluate("document.documentElement.scrollWidth - window.innerWidth");
        assertTrue(((Number) over).intValue() <= 0, "the Sessions page scrolls sideways by " + over + " px");
    }
}
