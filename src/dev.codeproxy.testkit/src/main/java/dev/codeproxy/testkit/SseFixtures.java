package dev.codeproxy.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Messages API fixtures, formatted exactly as Anthropic sends them: each event is
 * {@code "event: NAME\ndata: JSON\n\n"}. All fixtures are deterministic (same arguments, same bytes).
 */
public final class SseFixtures {

    /** The message id used by all fixtures. */
    public static final String MESSAGE_ID = "msg_01FakeUpstreamTestkit0001";

    /**
     * The usage object of {@link #messageStart(String)}: input 25, cache creation 10
     * (ephemeral 5m 10, 1h 0), cache read 5, output 1.
     */
    public static final String START_USAGE = "{\"input_tokens\":25,\"cache_creation_input_tokens\":10,"
            + "\"cache_read_input_tokens\":5,\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,"
            + "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":1,\"service_tier\":\"standard\"}";

    private SseFixtures() {
    }

    /**
     * A complete text stream: message_start, content_block_start (text), ping, {@code deltas}
     * text deltas ("tok0 ", "tok1 ", ...), content_block_stop, message_delta (end_turn, output
     * tokens = {@code deltas}), message_stop. {@code 5 + deltas + 2} events in total.
     */
    public static List<String> message(String model, int deltas) {
        List<String> events = new ArrayList<>(deltas + 7);
        events.add(messageStart(model));
        events.add(contentBlockStart(0));
        events.add(ping());
        for (int i = 0; i < deltas; i++) {
            events.add(textDelta(0, "tok" + i + " "));
        }
        events.add(contentBlockStop(0));
        events.add(messageDelta("end_turn", deltas));
        events.add(messageStop());
        return List.copyOf(events);
    }

    /** The concatenated text of the deltas of {@link #message(String, int)}: "tok0 tok1 ...". */
    public static String messageText(int deltas) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < deltas; i++) {
            sb.append("tok").append(i).append(' ');
        }
        return sb.toString();
    }

    /**
     * message_start (model {@link FakeUpstream#DEFAULT_MODEL}) followed by an {@code error} event,
     * e.g. an overloaded stream.
     */
    public static List<String> errorBeforeContent(String errorType, String message) {
        return errorBeforeContent(FakeUpstream.DEFAULT_MODEL, errorType, message);
    }

    /** message_start for {@code model} followed by an {@code error} event. */
    public static List<String> errorBeforeContent(String model, String errorType, String message) {
        return List.of(messageStart(model), errorEvent(errorType, message));
    }

    /** One {@code event: error} with the Anthropic error envelope. */
    public static String errorEvent(String type, String message) {
        return event("error", Reply.errorEnvelope(type, message));
    }

    /**
     * A non-streaming Messages response with one text block, stop_reason end_turn, and usage
     * (input 25, cache creation 10, cache read 5, output 7).
     */
    public static String jsonMessage(String model, String text) {
        return "{\"id\":\"" + MESSAGE_ID + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + Json.quote(model) + ",\"content\":[{\"type\":\"text\",\"text\":" + Json.quote(text)
                + "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,"
                + "\"cache_creation_input_tokens\":10,\"cache_read_input_tokens\":5,\"cache_creation\":"
                + "{\"ephemeral_5m_input_tokens\":10,\"ephemeral_1h_input_tokens\":0},\"output_tokens\":7,"
                + "\"service_tier\":\"standard\"}}";
    }

    // ------------------------------------------------------------------ building blocks

    /** Formats one event: {@code "event: NAME\ndata: DATA\n\n"}. */
    public static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    /** message_start with {@link #START_USAGE}. */
    public static String messageStart(String model) {
        return messageStart(model, START_USAGE);
    }

    /** message_start with a custom usage JSON object. */
    public static String messageStart(String model, String usageJson) {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + MESSAGE_ID
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + Json.quote(model)
                + ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + usageJson + "}}");
    }

    /** content_block_start of an empty text block. */
    public static String contentBlockStart(int index) {
        return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    }

    /** A ping event. */
    public static String ping() {
        return event("ping", "{\"type\":\"ping\"}");
    }

    /** A text_delta content_block_delta. */
    public static String textDelta(int index, String text) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
                + ",\"delta\":{\"type\":\"text_delta\",\"text\":" + Json.quote(text) + "}}");
    }

    /** content_block_stop. */
    public static String contentBlockStop(int index) {
        return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    /** message_delta with a stop reason and {@code usage: {"output_tokens": N}}. */
    public static String messageDelta(String stopReason, int outputTokens) {
        return messageDeltaWithUsage(stopReason, "{\"output_tokens\":" + outputTokens + "}");
    }

    /** message_delta with a stop reason and a custom (cumulative) usage JSON object. */
    public static String messageDeltaWithUsage(String stopReason, String usageJson) {
        return event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                + Json.quote(stopReason) + ",\"stop_sequence\":null},\"usage\":" + usageJson + "}");
    }

    /** message_stop. */
    public static String messageStop() {
        return event("message_stop", "{\"type\":\"message_stop\"}");
    }
}
