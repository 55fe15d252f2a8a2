package dev.codeproxy.app;

import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Without a session the dashboard says how to get one; the printed login link gets one. */
class UiLoginTest extends UiServerTest {

    @Test
    void withoutSessionShowsTheLoginLinkScreenThenTheLinkLogsIn() {
        // the API's 401s (and the refused live channel) are the point of this test
        tab.allowHttpError(401, "/_/api/").allow("WebSocket connection to .*/_/ws.* failed");
        page.navigate(base() + "/");
        assertThat(page.getByRole(AriaRole.HEADING))
                .hasText("Open the login link printed by code-proxy");
        assertThat(page.locator("form[action='/_/login'] input[name=code]")).isVisible();
        assertThat(page.locator("form[action='/_/login'] input[name=token]")).hasCount(0);
        tab.screenshot("login-light");

        page.navigate(server.loginUrl());
        assertThat(page.locator("[data-testid=live-status]")).hasAttribute("data-status", "open");
        assertEquals(base() + "/", page.url());
        assertThat(page.locator("h1")).hasText("Dashboard");
        // the session cookie is HttpOnly: the page's scripts never see it
        assertEquals("", page.evaluate("document.cookie"));
    }

    @Test
    void theCodeFormLogsInToo() {
        tab.allowHttpError(401, "/_/api/").allow("WebSocket connection to .*/_/ws.* failed");
        page.navigate(base() + "/#/logs");
        String link = server.loginUrl();
        page.locator("#login-code").fill(link.substring(link.indexOf("code=") + 5));
        page.locator("form[action='/_/login'] button[type=submit]").click();
        assertThat(page.locator("[data-testid=live-status]")).hasAttribute("data-status", "open");
        assertThat(page.locator("h1")).hasText("Dashboard");
    }
}
