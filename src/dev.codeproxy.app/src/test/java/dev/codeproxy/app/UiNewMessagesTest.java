package dev.codeproxy.app;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.options.AriaRole;
import dev.codeproxy.testkit.Conversation;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "What did Claude Code just send?": the log detail of a conversation's third turn says which of
 * its messages are new, shows only those on request, and copies the body as sent.
 */
class UiNewMessagesTest extends UiServerTest {

    @Test
    void theDetailShowsTheMessagesNewThisTurn() throws Exception {
        FakeUpstream main = upstream();
        main.setDefault(Reply.sse(SseFixtures.message(MODEL, 2)));
        addEndpoint("Main", main.baseUrl());
        Conversation c = new Conversation(9, MODEL, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
        for (int n = 1; n <= 3; n++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/messages?beta=true"))
                    .timeout(Duration.ofSeconds(30)).header("x-api-key", CLIENT).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(c.turnBytes(n))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }
        server.requestLog().flush();
        login();
        go("/logs");
        Locator done = page.locator("[data-testid=log-table] tr[data-state=done]");
        assertThat(done).hasCount(3);
        done.first().locator("a").click();
        Locator panel = page.getByRole(AriaRole.DIALOG);
        Locator bar = panel.locator("[data-testid=new-messages]");
        assertThat(bar).containsText("2 of 5 messages new this turn");
        assertThat(bar).containsText("1 earlier changed");
        // the whole body first; then only the new messages: the answer and the user's next message
        assertThat(panel.locator("[data-testid=new-messages-only]")).hasCount(0);
        assertThat(panel.locator(".json")).containsText("4: { role, content}");
        panel.locator(".json").getByText("Expand all").click();
        assertThat(panel.locator(".json")).containsText("Fix the failing test");
        bar.getByText("New messages only (2)").click();
        Locator only = panel.locator("[data-testid=new-messages-only]");
        assertThat(only).isVisible();
        assertThat(only).containsText("\"role\": \"assistant\"");
        assertThat(only).containsText("1: {");
        assertThat(only).not().containsText("2: {");
        only.getByText("Expand all").click();
        assertThat(only).containsText("\"assistant\"");
        assertThat(only).containsText("tool_result");
        assertThat(only).not().containsText("Fix the failing test");
        bar.getByText("Whole body").click();
        assertThat(panel.locator("[data-testid=new-messages-only]")).hasCount(0);
        assertThat(panel.locator(".json")).containsText("4: { role, content}");

        // the body as sent: the download link, and copy as curl carries the raw bytes
        String href = panel.locator("[data-testid=raw-body-link]").getAttribute("href");
        assertTrue(href.endsWith("/request-body"), href);
        tab.context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
        panel.getByText("Copy as curl").click();
        String curl = (String) page.evaluate("navigator.clipboard.readText()");
        String quoted = "'" + c.turn(3).replace("'", "'\\''") + "'";
        assertTrue(curl.endsWith("--data-binary " + quoted), "curl sends the body byte for byte");
    }
}
