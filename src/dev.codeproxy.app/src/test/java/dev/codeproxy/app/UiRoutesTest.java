package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.options.AriaRole;
import dev.codeproxy.testkit.ClaudeCodeBodies;
import dev.codeproxy.testkit.FakeUpstream;
import jakarta.json.JsonArray;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Routes in the dashboard: added, refused at the rule with the server's words, reordered, saved;
 * a pasted body tested against the rules; the route in the Logs filter and on the dashboard.
 */
class UiRoutesTest extends UiServerTest {

    private JsonArray storedRoutes() {
        return api("/_/api/routes").getJsonArray("routes");
    }

    @Test
    void editTestAndSeeRoutes() {
        FakeUpstream up = upstream();
        addEndpoint("cheap", up.baseUrl());
        addEndpoint("best", up.baseUrl());
        login();
        go("/settings");
        Locator editor = byTest("routes-editor");
        assertThat(editor).containsText("No routes");

        // a rule naming an endpoint that does not exist: refused at the rule, nothing stored
        tab.allowHttpError(400, "/_/api/routes");
        editor.getByText("Add rule").click();
        editor.getByLabel("Rule 1 endpoints").fill("ghost");
        editor.getByText("Save routes").click();
        assertThat(editor.locator("[data-rule='0'] [role=alert]")).containsText("unknown endpoint 'ghost'");
        assertEquals(0, storedRoutes().size());

        editor.getByLabel("Rule 1 endpoints").fill("cheap");
        editor.getByLabel("Rule 1 model").fill("glm-4.5-air");
        editor.getByText("Add rule").click();
        editor.getByLabel("Rule 2 kind").selectOption("longContext");
        editor.getByLabel("Rule 2 minimum input tokens").fill("-3");
        editor.getByLabel("Rule 2 endpoints").fill("best, cheap");
        editor.getByText("Save routes").click();
        assertThat(editor.locator("[data-rule='1'] [role=alert]")).containsText("cannot be negative");
        editor.getByLabel("Rule 2 minimum input tokens").fill("100000");
        editor.getByLabel("Move rule 2 up").click();
        editor.getByText("Save routes").click();
        assertThat(page.getByText("Routes saved")).isVisible();
        JsonArray saved = storedRoutes();
        assertEquals("longContext", saved.getJsonObject(0).getString("match"));
        assertEquals(100000, saved.getJsonObject(0).getInt("minInputTokens"));
        assertEquals("best", saved.getJsonObject(0).getJsonArray("endpoints").getString(0));
        assertEquals("background", saved.getJsonObject(1).getString("match"));
        assertEquals("glm-4.5-air", saved.getJsonObject(1).getString("model"));

        // a pasted body: Claude Code's title request takes the background rule
        editor.locator("#route-test-body").fill(ClaudeCodeBodies.titleRequest("claude-haiku-4-5-20251001"));
        editor.getByRole(AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("Test").setExact(true)).click();
        assertThat(byTest("route-test-result")).containsText("Route background (rule 2) → cheap");
        assertThat(byTest("route-test-result")).containsText("0 tools");

        // traffic: a plain message without tools is background; the log filters by it, the dashboard sums it
        assertEquals("background", send(false).headers().firstValue("x-code-proxy-route").orElseThrow());
        AdminServerTest.await("the request in the log", () -> {
            server.requestLog().flush();
            return server.requestLog().written() >= 1;
        });
        go("/logs?route=background");
        assertThat(page.locator("table tbody tr").first()).containsText("background");
        page.locator("table tbody tr").first().click();
        assertThat(byTest("log-route")).hasText("background");
        go("/");
        assertThat(byTest("usage-by-route")).containsText("background");
    }
}
