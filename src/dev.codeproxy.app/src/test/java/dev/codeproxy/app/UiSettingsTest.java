package dev.codeproxy.app;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import dev.codeproxy.testkit.FakeUpstream;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Settings page: a value the server refuses is shown at its field and nothing is stored;
 * export downloads the configuration and importing it with replace brings the endpoints back;
 * price overrides; Claude Code apply / restore; the theme is remembered and on {@code <html>}
 * before the first paint.
 */
class UiSettingsTest extends UiServerTest {

    Locator section(String name) {
        return page.locator("form[data-section='" + name + "']");
    }

    @Test
    void aRefusedValueIsShownAtItsFieldAndGoodOnesAreSaved() {
        login();
        go("/settings");
        tab.allowHttpError(400, "/_/api/settings");
        Locator retries = page.locator("#set-maxRetries");
        assertThat(retries).hasValue("1");
        retries.fill("99");
        section("Routing settings").locator("button[type=submit]").click();
        Locator error = page.locator("[data-field-error=set-maxRetries]");
        assertThat(error).containsText("expected an integer from 0 to 10");
        assertThat(retries).hasAttribute("aria-invalid", "true");
        assertEquals(1, stored().getInt("maxRetries"));

        retries.fill("3");
        assertThat(error).hasCount(0);
        page.locator("#set-breakerThreshold").fill("5");
        section("Routing settings").locator("button[type=submit]").click();
        assertThat(page.getByText("Routing settings saved")).isVisible();
        assertEquals(3, stored().getInt("maxRetries"));
        assertEquals(5, stored().getInt("breakerThreshold"));

        page.locator("#set-captureMode").selectOption("errors");
        section("Retention settings").locator("button[type=submit]").click();
        assertThat(page.getByText("Retention settings saved")).isVisible();
        assertEquals("errors", stored().getString("captureMode"));
        // what is saved is what the page shows after a reload
        page.reload();
        assertThat(page.locator("#set-maxRetries")).hasValue("3");
        assertThat(page.locator("#set-captureMode")).hasValue("errors");
    }

    @Test
    void exportThenImportWithReplaceGivesTheSameEndpoints() throws IOException {
        FakeUpstream up = upstream();
        addEndpoint("Alpha", up.baseUrl());
        addEndpoint("Beta", up.baseUrl());
        login();
        go("/settings");

        Locator export = page.locator("[data-testid=export-link]");
        assertThat(export).hasAttribute("href", "/_/api/export");
        Download download = page.waitForDownload(export::click);
        String file = Files.readString(download.path());
        assertTrue(file.contains("\"Alpha\"") && file.contains("\"Beta\""), file);
        assertFalse(file.contains(KEY), "an export without secrets holds a key: " + file);
        Path saved = Files.createTempFile(dataDir, "export", ".json");
        download.saveAs(saved);
        // the with-secrets link is one tick away (not downloaded here)
        page.getByLabel("Include API keys").check();
        assertThat(export).hasAttribute("href", "/_/api/export?secrets=true");
        page.getByLabel("Include API keys").uncheck();

        // the configuration moves on; importing the file with replace puts it back
        addEndpoint("Gamma", up.baseUrl());
        assertEquals(List.of("Alpha", "Beta", "Gamma"), endpointNames());
        page.locator("[data-testid=import-file]").setInputFiles(saved);
        Locator preview = page.locator("[data-testid=import-preview]");
        assertThat(preview).containsText("Gamma");
        assertThat(preview).not().containsText("Remove");
        page.getByText("Replace (remove others)").click();
        assertThat(preview).containsText("Remove Gamma");
        preview.getByText("Replace configuration").click();
        assertThat(preview).hasCount(0);
        assertThat(page.getByText("Imported " + saved.getFileName())).isVisible();
        assertEquals(List.of("Alpha", "Beta"), endpointNames());
        go("/endpoints");
        Locator rows = page.locator("[data-testid=endpoint-list] > li");
        assertThat(rows).hasCount(2);
        assertThat(rows.first()).hasAttribute("data-endpoint", "Alpha");
        assertThat(rows.last()).hasAttribute("data-endpoint", "Beta");
    }

    @Test
    void aBrokenImportFileListsItsProblemsAndChangesNothing() throws IOException {
        FakeUpstream up = upstream();
        addEndpoint("Alpha", up.baseUrl());
        login();
        go("/settings");
        tab.allowHttpError(400, "/_/api/import");
        Path bad = Files.writeString(dataDir.resolve("bad.json"),
                "{\"format\":\"code-proxy/1\",\"endpoints\":[{\"name\":\"X\",\"baseUrl\":\"ftp://nope\"}]}");
        page.locator("[data-testid=import-file]").setInputFiles(bad);
        Locator problems = page.locator(".problems");
        assertThat(problems).containsText("import refused");
        assertThat(problems).containsText("$.endpoints[0].baseUrl");
        assertThat(page.locator("[data-testid=import-preview]")).hasCount(0);
        assertEquals(List.of("Alpha"), endpointNames());
    }

    @Test
    void priceOverridesAreCheckedPerCellAndSaved() {
        login();
        go("/settings");
        tab.allowHttpError(400, "/_/api/pricing");
        page.getByText("Add override").click();
        page.locator("#ov-0-pattern").fill("claude-ui-test*");
        String[] values = {"3", "15", "3.75", "6", "abc"};
        String[] labels = {"Input", "Output", "Cache write 5 m", "Cache write 1 h", "Cache read"};
        for (int i = 0; i < values.length; i++) {
            page.getByLabel("Override 1: " + labels[i]).fill(values[i]);
        }
        page.getByText("Save prices").click();
        assertThat(page.locator("[data-testid=price-overrides] .cell-err")).hasCount(1);
        assertThat(page.getByLabel("Override 1: Cache read")).hasAttribute("aria-invalid", "true");
        page.getByLabel("Override 1: Cache read").fill("0.3");
        page.getByText("Save prices").click();
        assertThat(page.getByText("Prices saved")).isVisible();
        JsonObject first = api("/_/api/pricing").getJsonArray("rows").getJsonObject(0);
        assertEquals("claude-ui-test*", first.getString("pattern"));
        assertEquals("override", first.getString("source"));
        assertEquals("0.3", first.getJsonObject("price").getString("cacheRead"));
    }

    @Test
    void claudeCodeIsPointedHereAndRestored() throws IOException {
        login();
        go("/settings");
        Locator status = page.locator("[data-testid=claude-status]");
        assertThat(status).containsText("Not pointed at this proxy");
        assertThat(page.locator(".wanted")).containsText("ANTHROPIC_BASE_URL");
        assertThat(page.locator(".wanted")).containsText(base());
        page.getByText("Apply now").click();
        assertThat(status).containsText("Points at this proxy");
        String written = Files.readString(claudeDir.resolve("settings.json"));
        assertTrue(written.contains(base()), written);
        page.getByText("Restore", new Page.GetByTextOptions().setExact(true)).click();
        assertThat(status).containsText("Not pointed at this proxy");
        assertFalse(Files.exists(claudeDir.resolve("settings.json")) && Files.readString(claudeDir.resolve("settings.json"))
                .contains(base()));
    }

    @Test
    void darkThemeIsRememberedAndOnHtmlBeforeTheFirstPaint() {
        login();
        assertEquals("light", page.evaluate("document.documentElement.dataset.theme"));
        // system (light here) → light → dark
        Locator toggle = page.locator("[data-testid=theme-toggle]");
        toggle.click();
        assertThat(toggle).hasAttribute("title", "Theme: light");
        toggle.click();
        assertThat(toggle).hasAttribute("title", "Theme: dark");
        assertEquals("dark", page.evaluate("document.documentElement.dataset.theme"));

        // records the first time <html> gets its theme, and whether the body existed yet (it must
        // not: set while the head is parsed, before anything can be painted)
        page.addInitScript("""
                window.__firstTheme = null;
                new MutationObserver((records, obs) => {
                  const t = document.documentElement && document.documentElement.getAttribute('data-theme');
                  if (t && !window.__firstTheme) {
                    window.__firstTheme = { theme: t, bodyParsed: !!document.body,
                      stylesheets: document.querySelectorAll('link[rel=stylesheet]').length };
                    obs.disconnect();
                  }
                }).observe(document, { subtree: true, childList: true, attributes: true });
                """);
        page.reload();
        assertThat(page.locator("[data-testid=live-status]")).hasAttribute("data-status", "open");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) page.evaluate("window.__firstTheme");
        assertEquals("dark", first.get("theme"), String.valueOf(first));
        assertEquals(false, first.get("bodyParsed"), String.valueOf(first));
        assertEquals(0, ((Number) first.get("stylesheets")).intValue(), "the theme came after the stylesheet: " + first);
        assertEquals("rgb(14, 16, 20)", page.evaluate("getComputedStyle(document.body).backgroundColor"));
        tab.screenshot("theme-after-reload-dark");

        // the Settings radio says the same, and "system" follows the browser's preference
        go("/settings");
        assertThat(page.locator("[data-testid=theme-dark]")).isChecked();
        page.locator("label:has([data-testid=theme-system])").click();
        assertEquals("light", page.evaluate("document.documentElement.dataset.theme"));
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        assertThat(page.locator("html")).hasAttribute("data-theme", "dark");
    }

    JsonObject stored() {
        return api("/_/api/settings").getJsonObject("settings");
    }

    @Test
    void theSessionsPanelListsThisBrowserAndLogOutEverywhereEndsIt() {
        login();
        // a second browser session, opened by a script with another login code
        String other = server.loginUrl();
        HttpClient http = HttpClient.newHttpClient();
        try {
            var r = http.send(HttpRequest.newBuilder(URI.create(other)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(303, r.statusCode());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            http.close();
        }
        go("/settings");
        Locator rows = page.locator("[data-testid=admin-sessions] tbody tr");
        assertThat(rows).hasCount(2);
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("this browser"))).hasCount(1);
        page.locator("#section-sessions").scrollIntoViewIfNeeded();
        tab.screenshot("settings-sessions");
        tab.allowHttpError(401, "/_/api/").allow("WebSocket connection to .*/_/ws.* failed");
        page.getByRole(AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Log out everywhere")).click();
        page.getByRole(AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Yes")).click();
        // the page reloads onto the login screen (named: the Settings page's own headings may still be there)
        assertThat(page.getByRole(AriaRole.HEADING,
                new Page.GetByRoleOptions().setName("Open the login link printed by code-proxy"))).isVisible();
    }

    @Test
    void runSelfTestShowsEachScenarioAsItEnds() {
        addEndpoint("Main", upstream().baseUrl());
        login();
        go("/settings");
        page.locator("#section-selftest").scrollIntoViewIfNeeded();
        page.getByRole(AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Run self-test")).click();
        Locator results = page.locator("[data-testid=selftest-results] li");
        assertThat(results.first()).isVisible();
        assertThat(page.locator("[data-testid=selftest-summary]")).containsText("Every scenario behaves as documented",
                new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        assertThat(results).hasCount(9);
        // one endpoint and the default retries: a 401 reaches Claude Code, and the page says what to change
        assertThat(results.filter(new Locator.FilterOptions().setHasText("401 key refused"))).containsText("second endpoint");
        tab.screenshot("settings-selftest");
    }
}
