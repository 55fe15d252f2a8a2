package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Endpoints page: add through the form (checked in the browser, then by the server, each
 * error at its field), the key never shown again, test, enable toggle, keyboard reordering, and
 * an edit that keeps the stored key.
 */
class UiEndpointsTest extends UiServerTest {
    static final String NEW_KEY = "sk-ant-ui-new-secret-key-9876543210zz";

    @Test
    void addThroughTheFormWithFieldErrorsThenTestToggleReorderAndEdit() {
        FakeUpstream existing = upstream();
        FakeUpstream gateway = upstream();
        addEndpoint("Existing", existing.baseUrl());
        login();
        go("/endpoints");
        Locator rows = page.locator("[data-testid=endpoint-list] > li");
        assertThat(rows).hasCount(1);

        page.locator("a.btn.primary", new Page.LocatorOptions().setHasText("Add endpoint")).click();
        Locator dialog = page.getByRole(AriaRole.DIALOG);
        assertThat(dialog).isVisible();
        Locator submit = dialog.locator("button[type=submit]");

        // checked in the browser first: nothing is sent
        page.locator("#ep-name").fill("");
        page.locator("#ep-baseUrl").fill("ftp://example.com");
        submit.click();
        assertThat(page.locator("[data-field-error=ep-name]")).containsText("Required");
        assertThat(page.locator("[data-field-error=ep-baseUrl]")).containsText("http:// or https://");
        assertThat(page.locator("#ep-name")).isFocused();

        // refused by the server, shown at the field: a base URL that points back at the proxy itself...
        tab.allowHttpError(400, "/_/api/endpoints");
        page.locator("#ep-name").fill("Gateway");
        page.locator("#ep-baseUrl").fill(base());
        page.locator("#ep-apiKey").fill(NEW_KEY);
        submit.click();
        assertThat(page.locator("[data-field-error=ep-baseUrl]")).containsText("points at Code Proxy itself");
        assertThat(page.locator("#ep-baseUrl")).hasAttribute("aria-invalid", "true");
        // ...and a name that is taken
        page.locator("#ep-baseUrl").fill(gateway.baseUrl());
        page.locator("#ep-name").fill("existing");
        submit.click();
        assertThat(page.locator("[data-field-error=ep-name]")).containsText("already the name of an endpoint");
        assertThat(page.locator("[data-field-error=ep-baseUrl]")).hasCount(0);

        page.locator("#ep-name").fill("Gateway");
        page.locator("#ep-weight").fill("5");
        page.locator("#ep-models\\.haiku").fill("claude-haiku-4-5");
        submit.click();
        assertThat(dialog).hasCount(0);
        assertThat(rows).hasCount(2);
        Locator row = page.locator("[data-endpoint=Gateway]");
        assertThat(row).containsText(gateway.baseUrl());
        assertThat(row).containsText("Healthy");
        // the key is only ever shown masked
        assertFalse(row.textContent().contains(NEW_KEY));
        JsonObject stored = endpoint("Gateway");
        assertTrue(stored.getBoolean("hasKey"));
        assertEquals(5, stored.getInt("weight"));
        assertEquals("claude-haiku-4-5", stored.getJsonObject("models").getString("haiku"));
        assertThat(row).containsText(stored.getString("apiKey"));

        // the test button: a real request with the key, its result in the row
        row.getByText("Test", new Locator.GetByTextOptions().setExact(true)).click();
        assertThat(row.locator("[data-testid=test-result]")).containsText("OK · HTTP 200");
        RecordedRequest probe = gateway.takeRequest(Duration.ofSeconds(5));
        assertNotNull(probe);
        assertEquals(NEW_KEY, probe.header("x-api-key"));
        // then the doctor's checks of the endpoint, each with ✓ or ✗
        Locator checks = row.locator("[data-testid=doctor-checks] li");
        assertThat(checks.filter(new Locator.FilterOptions().setHasText("tcp"))).hasAttribute("data-ok", "true");
        assertThat(checks.filter(new Locator.FilterOptions().setHasText("key"))).containsText("accepted");
        assertFalse(row.textContent().contains(NEW_KEY), "no check shows the key");

        // reorder from the keyboard: the handle takes arrow keys; the arrow buttons work too
        assertEquals(List.of("Existing", "Gateway"), endpointNames());
        row.locator("button.handle").focus();
        page.waitForResponse(r -> r.url().endsWith("/_/api/endpoints/reorder"), () -> page.keyboard().press("ArrowUp"));
        assertThat(rows.first()).hasAttribute("data-endpoint", "Gateway");
        assertEquals(List.of("Gateway", "Existing"), endpointNames());
        page.waitForResponse(r -> r.url().endsWith("/_/api/endpoints/reorder"),
                () -> page.getByLabel("Move Gateway down").click());
        assertThat(rows.first()).hasAttribute("data-endpoint", "Existing");
        assertEquals(List.of("Existing", "Gateway"), endpointNames());

        // and with the mouse: drag Existing below Gateway (onto the lower part of its row)
        double below = row.boundingBox().height * 0.9;
        page.waitForResponse(r -> r.url().endsWith("/_/api/endpoints/reorder"),
                () -> page.locator("[data-endpoint=Existing]").dragTo(row, new Locator.DragToOptions()
                        .setTargetPosition(200, below)));
        assertThat(rows.first()).hasAttribute("data-endpoint", "Gateway");
        assertEquals(List.of("Gateway", "Existing"), endpointNames());

        // enable toggle
        row.getByRole(AriaRole.SWITCH).click();
        assertThat(row.locator("[data-testid=endpoint-state]")).hasAttribute("data-state", "disabled");
        assertFalse(endpoint("Gateway").getBoolean("enabled"));
        row.getByRole(AriaRole.SWITCH).click();
        assertThat(row.locator("[data-testid=endpoint-state]")).hasAttribute("data-state", "healthy");

        // edit: the key field starts empty (the stored key is kept), Escape closes without saving
        row.getByText("Edit", new Locator.GetByTextOptions().setExact(true)).click();
        assertThat(page.locator("#ep-apiKey")).hasValue("");
        assertThat(page.locator("#ep-apiKey")).hasAttribute("placeholder", stored.getString("apiKey") + " (unchanged)");
        page.keyboard().press("Escape");
        assertThat(dialog).hasCount(0);
        row.getByText("Edit", new Locator.GetByTextOptions().setExact(true)).click();
        page.locator("#ep-note").fill("company gateway");
        dialog.locator("button[type=submit]").click();
        assertThat(dialog).hasCount(0);
        assertThat(row).containsText("company gateway");
        row.getByText("Test", new Locator.GetByTextOptions().setExact(true)).click();
        assertThat(row.locator("[data-testid=test-result]")).containsText("OK · HTTP 200");
        RecordedRequest again = gateway.takeRequest(Duration.ofSeconds(5));
        assertNotNull(again);
        assertEquals(NEW_KEY, again.header("x-api-key"));

        // delete asks first
        row.getByText("Delete", new Locator.GetByTextOptions().setExact(true)).click();
        row.getByText("Yes", new Locator.GetByTextOptions().setExact(true)).click();
        assertThat(rows).hasCount(1);
        assertEquals(List.of("Existing"), endpointNames());
    }

    JsonObject endpoint(String name) {
        return api("/_/api/endpoints").getJsonArray("endpoints").stream().map(v -> v.asJsonObject())
                .filter(o -> o.getString("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no endpoint " + name));
    }
}
