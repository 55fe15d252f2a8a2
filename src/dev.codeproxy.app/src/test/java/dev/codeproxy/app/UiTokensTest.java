package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client tokens with limits in Settings: created with limits (a bad value refused at its field
 * with the server's words), used through the proxy, shown with spend against budget and this
 * minute's use, limits edited in place.
 */
class UiTokensTest extends UiServerTest {

    private JsonObject stored(String name) {
        for (var v : api("/_/api/tokens").getJsonArray("tokens")) {
            if (v.asJsonObject().getString("name").equals(name)) {
                return v.asJsonObject();
            }
        }
        throw new AssertionError("no token " + name);
    }

    private int proxyWith(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("x-api-key", token).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(messages(false))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void createUseAndEditLimits() throws Exception {
        addEndpoint("main", upstream().baseUrl());
        login();
        go("/settings");
        page.locator("#token-name").fill("alice");
        page.getByText("Limits (optional)").click();
        page.locator("#new-token-owner").fill("Alice");
        page.locator("#new-token-budget").fill("NaN");
        page.locator("#new-token-period").selectOption("day");
        page.locator("#new-token-rpm").fill("5");
        tab.allowHttpError(400, "/_/api/tokens");
        page.getByText("Create token").click();
        assertThat(page.locator("[data-field-error=new-token-budget]")).containsText("expected a number of dollars");
        assertTrue(api("/_/api/tokens").getJsonArray("tokens").isEmpty(), "nothing created");

        page.locator("#new-token-budget").fill("0.01");
        page.getByText("Create token").click();
        Locator created = page.locator(".created code");
        assertThat(created).containsText("cp-");
        String token = created.textContent().strip();
        JsonObject t = stored("alice");
        assertEquals(5, t.getJsonObject("limits").getInt("rpm"));
        assertEquals("day", t.getJsonObject("limits").getString("period"));
        assertEquals("Alice", t.getString("owner"));

        assertEquals(200, proxyWith(token));
        page.reload();
        Locator spend = byTest("token-spend-alice");
        assertThat(spend).containsText("of $0.01 a day");
        assertThat(spend.getByRole(com.microsoft.playwright.options.AriaRole.PROGRESSBAR)).hasAttribute("aria-valuenow",
                java.util.regex.Pattern.compile("\\d+"));
        assertThat(byTest("token-minute-alice")).containsText("1 / 5 req");
        assertThat(page.locator("tr[data-token=alice]")).containsText("5 requests/min");

        // edit in place: a bad value is refused at its field, a good one saved
        page.getByLabel("Edit limits of alice").click();
        Locator rpm = page.locator("#token-" + t.getJsonNumber("id").longValue() + "-rpm");
        assertThat(rpm).hasValue("5");
        rpm.fill("-1");
        tab.allowHttpError(400, "/_/api/tokens/");
        page.getByText("Save limits").click();
        assertThat(page.locator("[data-field-error=token-" + t.getJsonNumber("id").longValue() + "-rpm]"))
                .containsText("from 1 to 1000000");
        rpm.fill("2");
        page.locator("#token-" + t.getJsonNumber("id").longValue() + "-models").fill("haiku");
        page.getByText("Save limits").click();
        assertThat(page.getByText("Limits of alice saved")).isVisible();
        JsonObject after = stored("alice");
        assertEquals(2, after.getJsonObject("limits").getInt("rpm"));
        assertEquals("haiku", after.getJsonObject("limits").getJsonArray("models").getString(0));
        assertThat(page.locator("tr[data-token=alice]")).containsText("models: haiku");
        assertEquals(403, proxyWith(token), "the new limits are in force: sonnet is not allowed");
    }
}
