package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import dev.codeproxy.core.endpoint.AuthStyle;
import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.core.usage.Usage;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every page in light and dark at 1280x800 (and the busiest two at 1920x1080), with realistic
 * data: three endpoints (one breaker open, one disabled), requests through the proxy today and
 * months of history. Writes target/screenshots/*.png (docs/screenshots/ holds a copy of one set
 * for the README) and checks that no page scrolls sideways or logs a console error.
 */
class UiScreenshotsTest extends UiServerTest {
    static final String[] MODELS = {"claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-1-20250805"};

    @Test
    void everyPageInLightAndDark() {
        seed();
        tab.close();
        tab = null;
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            String theme = scheme == ColorScheme.DARK ? "dark" : "light";
            try (BrowserSupport.Tab t = browser.tab(scheme)) {
                shootAll(t, theme);
                t.assertNoConsoleErrors();
            }
        }
        try (BrowserSupport.Tab t = browser.tab(ColorScheme.LIGHT, 1920, 1080)) {
            open(t, "/");
            settle(t.page);
            noSidewaysScroll(t.page, "dashboard at 1920");
            t.screenshot("dashboard-1920-light");
            t.assertNoConsoleErrors();
        }
        try (BrowserSupport.Tab t = browser.tab(ColorScheme.DARK, 1920, 1080)) {
            open(t, "/logs");
            settle(t.page);
            noSidewaysScroll(t.page, "logs at 1920");
            t.screenshot("logs-1920-dark");
            t.assertNoConsoleErrors();
        }
    }

    private void shootAll(BrowserSupport.Tab t, String theme) {
        Page p = t.page;
        open(t, "/");
        assertThat(p.locator("[data-testid=live-feed] li").first()).isVisible();
        settle(p);
        noSidewaysScroll(p, "dashboard");
        t.screenshot("dashboard-" + theme);

        // the heatmap with a day's tooltip
        Locator today = p.locator("[data-testid=heatmap] rect[data-day='" + LocalDate.now().minusDays(3) + "']");
        today.scrollIntoViewIfNeeded();
        p.evaluate("document.querySelector('[data-testid=heatmap]').closest('section').scrollIntoView({block: 'center'})");
        today.hover();
        assertThat(p.locator("[data-testid=heatmap-tooltip]")).isVisible();
        t.screenshot("dashboard-heatmap-" + theme);

        p.navigate(base() + "/#/endpoints");
        assertThat(p.locator("[data-testid=endpoint-list] > li")).hasCount(3);
        settle(p);
        noSidewaysScroll(p, "endpoints");
        t.screenshot("endpoints-" + theme);

        p.locator("[data-endpoint=Anthropic]").getByText("Edit", new Locator.GetByTextOptions().setExact(true)).click();
        assertThat(p.getByRole(AriaRole.DIALOG)).isVisible();
        settle(p);
        t.screenshot("endpoint-form-" + theme);
        p.keyboard().press("Escape");

        p.navigate(base() + "/#/logs");
        Locator rows = p.locator("[data-testid=log-table] tr[data-state=done]");
        assertThat(rows.first()).isVisible();
        settle(p);
        noSidewaysScroll(p, "logs");
        t.screenshot("logs-" + theme);

        p.locator("[data-testid=log-table] tr[data-state=done]:has(.tag) a").first().click();
        assertThat(p.locator("[data-testid=assembled-text]")).isVisible();
        p.locator("section[aria-labelledby=res-h]").scrollIntoViewIfNeeded();
        settle(p);
        t.screenshot("log-detail-" + theme);
        p.keyboard().press("Escape");

        p.navigate(base() + "/#/settings");
        assertThat(p.locator("#set-port")).isVisible();
        settle(p);
        noSidewaysScroll(p, "settings");
        t.screenshot("settings-" + theme);
        p.locator("#section-claude").scrollIntoViewIfNeeded();
        p.evaluate("document.getElementById('section-claude').scrollIntoView()");
        settle(p);
        t.screenshot("settings-claude-" + theme);
    }

    private void open(BrowserSupport.Tab t, String route) {
        t.page.setDefaultTimeout(15_000);
        t.page.navigate(server.loginUrl());
        assertThat(t.page.locator("[data-testid=live-status]")).hasAttribute("data-status", "open");
        t.page.navigate(base() + "/#" + route);
    }

    /** Lets fetches land and animations end before a picture. */
    private static void settle(Page p) {
        p.waitForLoadState();
        assertThat(p.locator("[aria-busy=true]")).hasCount(0);
        p.waitForTimeout(400);
    }

    private static void noSidewaysScroll(Page p, String what) {
        Object over = p.evaluate("document.documentElement.scrollWidth - window.innerWidth");
        assertTrue(((Number) over).intValue() <= 0, what + " scrolls sideways by " + over + " px");
    }

    /** Three endpoints, a few dozen requests through the proxy, and four months of history. */
    private void seed() {
        FakeUpstream gateway = upstream();
        gateway.setDefault(Reply.error(529, "overloaded_error", "Overloaded"));
        FakeUpstream anthropic = upstream();
        FakeUpstream backup = upstream();
        EndpointRepository repo = new EndpointRepository(server.database().client());
        repo.add(new Endpoint(0, "Company gateway", "shared team key", true, 1, 1, gateway.baseUrl(),
                "sk-ant-gateway-0123456789abcdef", AuthStyle.BEARER, 600_000, ModelMap.EMPTY, false));
        repo.add(new Endpoint(0, "Anthropic", "personal key", true, 2, 1, anthropic.baseUrl(), KEY, AuthStyle.X_API_KEY,
                600_000, ModelMap.EMPTY, false));
        repo.add(new Endpoint(0, "Backup", "third-party, Anthropic-compatible", false, 3, 1, backup.baseUrl(),
                "sk-backup-0123456789abcdef", AuthStyle.X_API_KEY, 300_000,
                new ModelMap("", "", "vendor-haiku", "vendor-sonnet", "vendor-opus"), true));
        server.config().reload();
        server.controlPlane().configChanged();

        history(120);

        Random r = new Random(7);
        for (int i = 0; i < 14; i++) {
            String model = MODELS[i % 3 == 2 ? 2 : i % 2];
            long in = 400 + r.nextInt(5000);
            long out = 80 + r.nextInt(1500);
            String usage = "{\"input_tokens\":" + in + ",\"cache_creation_input_tokens\":" + (r.nextInt(3) * 900)
                    + ",\"cache_read_input_tokens\":" + (12_000 + r.nextInt(30_000)) + ",\"output_tokens\":1}";
            List<String> events = new ArrayList<>();
            events.add(SseFixtures.messageStart(model, usage));
            events.add(SseFixtures.contentBlockStart(0));
            for (String w : "I'll refactor the parser so that every error names the field and the accepted values."
                    .split(" ")) {
                events.add(SseFixtures.textDelta(0, w + " "));
            }
            events.add(SseFixtures.contentBlockStop(0));
            events.add(SseFixtures.messageDeltaWithUsage("end_turn", "{\"output_tokens\":" + out + "}"));
            events.add(SseFixtures.messageStop());
            if (i == 9) {
                anthropic.enqueue(Reply.error(400, "invalid_request_error", "max_tokens: Field required"));
            } else {
                anthropic.enqueue(Reply.sse(events));
            }
            String body = "{\"model\":\"" + model + "\",\"max_tokens\":4096,\"stream\":true,\"system\":[{\"type\":\"text\","
                    + "\"text\":\"You are Claude Code.\"}],\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                    + "\"text\":\"Make the config parser's errors name the field\"}]}]}";
            var req = HttpRequest.newBuilder(URI.create(base() + "/v1/messages"))
                    .header("x-api-key", CLIENT).header("content-type", "application/json")
                    .header("anthropic-version", "2023-06-01").header("user-agent", "claude-cli/2.1.197 (external, cli)")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                http.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        // until the log has written them
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (api("/_/api/stats/summary?range=today").getJsonNumber("requests").longValue() < 14
                && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertEquals(14, api("/_/api/stats/summary?range=today").getJsonNumber("requests").longValue());
    }

    /** Finished requests on past days, handed to the request log as the proxy would (aggregates included). */
    private void history(int days) {
        Random r = new Random(42);
        ZoneId zone = ZoneId.systemDefault();
        long id = 1_000_000;
        for (int d = days; d >= 1; d--) {
            LocalDate day = LocalDate.now().minusDays(d);
            int weekday = day.getDayOfWeek().getValue();
            int n = weekday >= 6 ? r.nextInt(3) : r.nextInt(14);
            if (r.nextInt(9) == 0) {
                n = 0;
            }
            for (int i = 0; i < n; i++) {
                long start = day.atTime(9 + r.nextInt(9), r.nextInt(60)).atZone(zone).toInstant().toEpochMilli();
                String model = MODELS[r.nextInt(5) == 0 ? 2 : r.nextInt(2)];
                boolean failed = r.nextInt(25) == 0;
                Usage usage = failed ? Usage.NONE : new Usage(300 + r.nextInt(6000), 60 + r.nextInt(2000),
                        r.nextInt(4) * 1200L, 0, 5_000 + r.nextInt(60_000));
                recordFinished(id++, start, model, usage, failed ? 529 : 200);
            }
        }
    }
}
