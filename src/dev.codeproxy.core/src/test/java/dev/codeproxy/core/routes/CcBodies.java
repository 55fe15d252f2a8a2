package dev.codeproxy.core.routes;

import java.nio.charset.StandardCharsets;

/**
 * Request bodies in the shape the real Claude Code CLI (2.1.328) sends, recorded on loopback: the
 * key order, the billing block first in {@code system}, tools, {@code metadata.user_id} as a JSON
 * string, adaptive thinking; texts shortened.
 */
final class CcBodies {
    static final String BILLING_MAIN = "x-anthropic-billing-header: cc_version=2.1.328.593; cc_entrypoint=cli;";
    static final String BILLING_SUB = "x-anthropic-billing-header: cc_version=2.1.328.593; cc_entrypoint=cli; "
            + "cc_is_subagent=true;";

    private CcBodies() {
    }

    static String system(String billing) {
        return "[{\"type\":\"text\",\"text\":\"" + billing + "\"},{\"type\":\"text\",\"text\":\"You are Claude Code, "
                + "Anthropic's official CLI for Claude.\",\"cache_control\":{\"type\":\"ephemeral\"}},{\"type\":\"text\","
                + "\"text\":\"" + "Use the tools available to you. ".repeat(40) + "\"}]";
    }

    static String tools(int n, boolean webSearch) {
        StringBuilder sb = new StringBuilder("[");
        String[] names = {"Agent", "Bash", "Edit", "Read", "Write", "Skill", "ToolSearch", "Workflow", "ListAgents",
            "ReportFindings", "ScheduleWakeup", "DeferredToolPlaceholder", "WebSearch"};
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"name\":\"").append(names[i % names.length])
                    .append("\",\"description\":\"Runs a tool. The \\\"type\\\":\\\"image\\\" of a block.\",")
                    .append("\"input_schema\":{\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"}}}}");
        }
        if (webSearch) {
            sb.append(n == 0 ? "" : ",").append("{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":8}");
        }
        return sb.append(']').toString();
    }

    static final String USER_ID = "\"{\\\"device_id\\\":\\\"04ca7c7b\\\",\\\"account_uuid\\\":\\\"\\\","
            + "\\\"session_id\\\":\\\"c9cebb89-133a-40e4-9979-ec947e30298f\\\"}\"";

    /** The main request of a turn: 12 tools, adaptive thinking, the user's text as the last message. */
    static String main(String model, String lastUserContent) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
                + "\"<system-reminder>\\nAttribution...</system-reminder>\"}]},{\"role\":\"assistant\",\"content\":[{"
                + "\"type\":\"text\",\"text\":\"Earlier answer\"}]},{\"role\":\"user\",\"content\":" + lastUserContent
                + "}],\"system\":" + system(BILLING_MAIN) + ",\"tools\":" + tools(12, false)
                + ",\"metadata\":{\"user_id\":" + USER_ID + "},\"max_tokens\":128000,\"thinking\":{\"type\":\"adaptive\","
                + "\"display\":\"updates\"},\"context_management\":{\"edits\":[{\"type\":\"clear_thinking_20251015\","
                + "\"keep\":\"all\"}]},\"output_config\":{\"effort\":\"medium\"},\"stream\":true}";
    }

    static String main(String model) {
        return main(model, "[{\"type\":\"text\",\"text\":\"say hi\"}]");
    }

    /** The session-title request (querySource generate_session_title): tools [], no thinking, a JSON schema. */
    static String title(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
                + "\"<session>\\nfix the flaky login test\\n</session>\\n\\nWrite the title in the predominant language"
                + "\"}]}],\"system\":[{\"type\":\"text\",\"text\":\"x-anthropic-billing-header: cc_version=2.1.328.028; "
                + "cc_entrypoint=sdk-cli;\"},{\"type\":\"text\",\"text\":\"You are naming a coding session.\"}],"
                + "\"tools\":[],\"metadata\":{\"user_id\":" + USER_ID + "},\"max_tokens\":128000,\"output_config\":{"
                + "\"effort\":\"medium\",\"format\":{\"type\":\"json_schema\",\"schema\":{\"type\":\"object\","
                + "\"properties\":{\"title\":{\"type\":\"string\"}},\"required\":[\"title\"],"
                + "\"additionalProperties\":false}}},\"stream\":true}";
    }

    /** A Task/Agent-tool subagent: fewer tools, the billing block says cc_is_subagent=true. */
    static String subagent(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Find the config loader\"}],"
                + "\"system\":" + system(BILLING_SUB) + ",\"tools\":" + tools(9, false) + ",\"metadata\":{\"user_id\":"
                + USER_ID + "},\"max_tokens\":32000,\"stream\":true}";
    }

    /** The request Claude Code's WebSearch tool makes: the server web search tool, no thinking. */
    static String webSearch(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Perform a web search for "
                + "the query: helidon 4.5 release\"}],\"system\":" + system(BILLING_MAIN) + ",\"tools\":"
                + tools(0, true) + ",\"max_tokens\":32000,\"stream\":true}";
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
