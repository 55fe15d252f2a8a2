package dev.codeproxy.app;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.endpoint.ModelMap;
import dev.codeproxy.store.EndpointRepository;
import dev.codeproxy.testkit.FakeUpstream;
import dev.codeproxy.testkit.RecordedRequest;
import dev.codeproxy.testkit.Reply;
import dev.codeproxy.testkit.SseFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The proxy's one scan of a request body, through the real server: bodies that once defeated it
 * (a string that is empty or starts with an escape; a '}' where an array element should be)
 * are forwarded and answered like any other.
 */
class BodyScanTest {
    private FakeUpstream upstream;
    private TestProxy proxy;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        proxy = TestProxy.start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void aBodyWithEmptyOrEscapeFirstStringsIsStillSentWithTheEndpointsModel() {
        Endpoint e = proxy.addEndpoint("glm", upstream.baseUrl());
        new EndpointRepository(proxy.server.database().client()).update(new Endpoint(e.id(), e.name(), "", true, 1,
                1, e.baseUrl(), "", e.authStyle(), e.timeoutMs(), new ModelMap("", "", "", "glm-4.6", ""), false));
        proxy.server.config().reload();
        for (String text : new String[] {"", "\\\"quoted\\\" first", "\\\\"}) {
            // an empty tool result, a text that starts with a quote or a backslash
            String body = "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                    + "\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"" + text + "\"}]}],\"max_tokens\":64,"
                    + "\"stream\":false}";
            upstream.enqueue(Reply.json(200, SseFixtures.jsonMessage("glm-4.6", "ok")));
            HttpResponse<byte[]> r = proxy.post("/v1/messages?beta=true", body);
            assertEquals(200, r.statusCode(), text);
            RecordedRequest got = upstream.takeRequest(Duration.ofSeconds(5));
            assertArrayEquals(body.replace("claude-sonnet-4-5", "glm-4.6").getBytes(StandardCharsets.UTF_8), got.body(),
                    "the model mapped, every other byte as sent: " + text);
        }
    }

    @Test
    void aClosingBraceWhereAnArrayElementShouldBeIsForwardedAndAnswered() {
        proxy.addEndpoint("main", upstream.baseUrl());
        // each of these once kept its request thread looping for good: the client never got an answer
        for (String body : new String[] {"{\"messages\":[1}", "{\"tools\":[1}", "{\"system\":[1}"}) {
            upstream.enqueue(Reply.error(400, "invalid_request_error", "messages: invalid JSON"));
            HttpResponse<byte[]> r = proxy.post("/v1/messages", body);
            assertEquals(400, r.statusCode(), body);
            assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), upstream.takeRequest(Duration.ofSeconds(5)).body());
        }
        // and the proxy still serves
        upstream.enqueue(Reply.json(200, SseFixtures.jsonMessage("claude-sonnet-4-5", "ok")));
        assertEquals(200, proxy.post("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode());
    }
}
