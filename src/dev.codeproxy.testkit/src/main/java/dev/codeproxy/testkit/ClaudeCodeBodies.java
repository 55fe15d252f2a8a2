package dev.codeproxy.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request bodies and headers shaped like those of the Claude Code CLI (see CLIENTS.md).
 * Deterministic: the same arguments always give the same bytes.
 *
 * <p>The big body contains non-ASCII text (é, 日本, emoji), escaped quotes and backslashes, and a
 * JSON unicode escape (backslash, u00e9), so a proxy that re-serialises the JSON instead of forwarding it
 * byte for byte is caught by comparing bytes.
 */
public final class ClaudeCodeBodies {

    /** The request target Claude Code uses: {@code /v1/messages?beta=true}. */
    public static final String MESSAGES_TARGET = "/v1/messages?beta=true";

    /** The {@code anthropic-beta} list sent by {@link #headers(String, String)}. */
    public static final String BETAS = "claude-code-20250219,context-1m-2025-08-07,interleaved-thinking-2025-05-14,"
            + "context-management-2025-06-27,fine-grained-tool-streaming-2025-05-14";

    /** A user id in the format of Claude Code's {@code metadata.user_id}. */
    public static final String USER_ID = "user_5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"
            + "_account__session_7c1e2a9d-3b4f-4e6a-9c8d-1f2e3d4c5b6a";

    private static final String FILLER = "Use this tool when the task requires it. Prefer dedicated tools over "
            + "shell commands, batch independent calls in one message, and never guess file contents: read "
            + "them first. Paths must be absolute. Output longer than the limit is truncated, so narrow the "
            + "query instead of paging through huge results. Report failures verbatim to the user. ";

    private ClaudeCodeBodies() {
    }

    /**
     * Claude Code's session-title request (2.1.328, querySource generate_session_title, recorded on
     * loopback; texts shortened): {@code tools: []}, no thinking, a JSON schema in
     * {@code output_config.format}, streaming.
     */
    public static String titleRequest(String model) {
        return "{\"model\":" + Json.quote(model) + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"<session>\\nfix the flaky login test\\n</session>\"}]}],\"system\":[{\"type\":\"text\","
                + "\"text\":\"x-anthropic-billing-header: cc_version=2.1.328.028; cc_entrypoint=sdk-cli;\"},{\"type\":"
                + "\"text\",\"text\":\"You are naming a coding session.\"}],\"tools\":[],\"metadata\":{\"user_id\":\""
                + USER_ID + "\"},\"max_tokens\":128000,\"output_config\":{\"effort\":\"medium\",\"format\":{\"type\":"
                + "\"json_schema\",\"schema\":{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"}},"
                + "\"required\":[\"title\"],\"additionalProperties\":false}}},\"stream\":true}";
    }

    /** A tiny Messages request: model, max_tokens 1024, one user message "Hello", stream. */
    public static String minimal(String model, boolean stream) {
        return "{\"model\":" + Json.quote(model) + ",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hello\"}],\"stream\":" + stream + "}";
    }

    /**
     * A Claude Code-like request: keys model, messages (a user message and a {@code role:"system"}
     * entry), system (text blocks), tools (with input_schema), metadata.user_id, max_tokens 32000,
     * thinking adaptive, context_management, output_config effort high, stream — padded with tool
     * definitions to exactly {@code approxBytes} UTF-8 bytes. When {@code approxBytes} is below the
     * unpadded size (about 9 KB) the unpadded body is returned.
     */
    public static String request(String model, boolean stream, int approxBytes) {
        String prefix = "{\"model\":" + Json.quote(model) + ",\"messages\":" + MESSAGES + ",\"system\":" + SYSTEM
                + ",\"tools\":[";
        String suffix = "],\"metadata\":{\"user_id\":\"" + USER_ID + "\"},\"max_tokens\":32000,"
                + "\"thinking\":{\"type\":\"adaptive\"},\"context_management\":{\"edits\":[{\"type\":"
                + "\"clear_thinking_20251015\",\"keep\":\"all\"}]},\"output_config\":{\"effort\":\"high\"},"
                + "\"stream\":" + stream + "}";
        List<String> tools = new ArrayList<>(BASE_TOOLS);
        int size = utf8(prefix) + utf8(suffix) + joinedSize(tools);
        int n = 0;
        while (true) {
            String next = tool("mcp__workspace__fixture_tool_" + n, FILLER + FILLER + FILLER);
            int add = utf8(next) + 1;
            if (size + add > approxBytes) {
                break;
            }
            tools.add(next);
            size += add;
            n++;
        }
        int gap = approxBytes - size;
        String empty = tool("mcp__workspace__padding", "");
        int overhead = utf8(empty) + 1;
        if (gap < overhead && n > 0) {
            gap += utf8(tools.removeLast()) + 1;
        }
        if (gap >= overhead) {
            tools.add(tool("mcp__workspace__padding", filler(gap - overhead)));
        }
        return prefix + String.join(",", tools) + suffix;
    }

    /**
     * The headers Claude Code sends with a Messages request (bearer token variant), in order.
     * Excludes host, content-length and connection.
     */
    public static Map<String, String> headers(String authToken, String sessionId) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("accept", "application/json");
        h.put("anthropic-beta", BETAS);
        h.put("anthropic-dangerous-direct-browser-access", "true");
        h.put("anthropic-version", "2023-06-01");
        h.put("authorization", "Bearer " + authToken);
        h.put("content-type", "application/json");
        h.put("user-agent", "claude-cli/2.1.332 (external, sdk-cli)");
        h.put("x-app", "cli");
        h.put("x-claude-code-session-id", sessionId);
        h.put("x-stainless-arch", "x64");
        h.put("x-stainless-lang", "js");
        h.put("x-stainless-os", "Linux");
        h.put("x-stainless-package-version", "0.70.0");
        h.put("x-stainless-retry-count", "0");
        h.put("x-stainless-runtime", "node");
        h.put("x-stainless-runtime-version", "v24.3.0");
        h.put("x-stainless-timeout", "600");
        h.put("accept-encoding", "gzip, deflate, br, zstd");
        return Collections.unmodifiableMap(h);
    }

    // ------------------------------------------------------------------ content

    private static final String MESSAGES = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
            + "\"<system-reminder>\\nAs you answer the user's questions, you can use the following context:\\n"
            + "# claudeMd\\nCodebase and user instructions are shown below. Be sure to adhere to these "
            + "instructions.\\n\\nContents of /home/dev/projects/caf\\u00e9/CLAUDE.md:\\n- Build with "
            + "`./mvnw -q install`\\n- Never edit generated files\\n</system-reminder>\"},{\"type\":\"text\","
            + "\"text\":\"Fix the failing test in src/Café.java — it prints \\\"日本語\\\" 🚀 instead of "
            + "\\\"ok\\\"; the Windows build uses C:\\\\Users\\\\dev\\\\café and a regex like \\\\d+\\\\.\\\\d+ "
            + "(emoji: 👩‍💻 ✅).\",\"cache_control\":{\"type\":\"ephemeral\"}}]},{\"role\":\"system\","
            + "\"content\":\"The user switched to plan mode. Summarise before editing — merci, ありがとう.\"}]";

    private static final String SYSTEM = "[{\"type\":\"text\",\"text\":\"You are Claude Code, Anthropic's "
            + "official CLI for Claude.\",\"cache_control\":{\"type\":\"ephemeral\"}},{\"type\":\"text\",\"text\":"
            + "\"\\nYou are an interactive CLI tool that helps users with software engineering tasks. Use the "
            + "instructions below and the tools available to you to assist the user.\\n\\n# Tone and style\\n"
            + "You should be concise, direct, and to the point. Use Github-flavored markdown for formatting.\\n\\n"
            + "# Following conventions\\nWhen making changes to files, first understand the file's code "
            + "conventions. Mimic code style, use existing libraries and utilities, and follow existing "
            + "patterns.\\n\\n# Environment\\n<env>\\nWorking directory: /home/dev/projects/café\\nIs directory "
            + "a git repo: Yes\\nPlatform: linux\\nToday's date: 2026-03-14\\n</env>\\nYou are powered by the "
            + "model named Sonnet 5. Quote paths with spaces: \\\"/tmp/my dir\\\".\","
            + "\"cache_control\":{\"type\":\"ephemeral\"}}]";

    private static final List<String> BASE_TOOLS = List.of(
            tool("Task", "Launch a new agent to handle complex, multi-step tasks autonomously. The Task tool "
                    + "launches specialized agents (subprocesses) that autonomously handle complex tasks."),
            toolWithSchema("Bash", "Executes a given bash command in a persistent shell session with optional "
                    + "timeout, ensuring proper handling and security measures. Always quote file paths that "
                    + "contain spaces with double quotes (e.g., cd \\\"path with spaces/file.txt\\\"). On "
                    + "Windows use C:\\\\Users\\\\name paths.",
                    "{\"command\":{\"type\":\"string\",\"description\":\"The command to execute\"},\"timeout\":"
                    + "{\"type\":\"number\",\"description\":\"Optional timeout in milliseconds (max 600000)\"},"
                    + "\"description\":{\"type\":\"string\",\"description\":\"Clear, concise description of what "
                    + "this command does in 5-10 words\"},\"run_in_background\":{\"type\":\"boolean\"}}",
                    "[\"command\"]"),
            tool("Glob", "Fast file pattern matching tool that works with any codebase size. Supports glob "
                    + "patterns like \\\"**/*.js\\\" or \\\"src/**/*.ts\\\". Returns matching file paths sorted by "
                    + "modification time."),
            toolWithSchema("Grep", "A powerful search tool built on ripgrep. Supports full regex syntax (e.g., "
                    + "\\\"log.*Error\\\", \\\"function\\\\s+\\\\w+\\\"). Filter files with glob parameter.",
                    "{\"pattern\":{\"type\":\"string\",\"description\":\"The regular expression pattern to search "
                    + "for in file contents\"},\"path\":{\"type\":\"string\"},\"glob\":{\"type\":\"string\"},"
                    + "\"output_mode\":{\"type\":\"string\",\"enum\":[\"content\",\"files_with_matches\",\"count\"]},"
                    + "\"-i\":{\"type\":\"boolean\"},\"-n\":{\"type\":\"boolean\"},\"head_limit\":{\"type\":\"number\"}}",
                    "[\"pattern\"]"),
            tool("ExitPlanMode", "Use this tool when you are in plan mode and have finished presenting your "
                    + "plan and are ready to code. This will prompt the user to exit plan mode."),
            toolWithSchema("Read", "Reads a file from the local filesystem. You can access any file directly by "
                    + "using this tool. The file_path parameter must be an absolute path, not a relative path. "
                    + "Handles UTF-8 names such as /srv/données/日本/レポート.md.",
                    "{\"file_path\":{\"type\":\"string\",\"description\":\"The absolute path to the file to "
                    + "read\"},\"offset\":{\"type\":\"number\"},\"limit\":{\"type\":\"number\"}}",
                    "[\"file_path\"]"),
            toolWithSchema("Edit", "Performs exact string replacements in files. The edit will FAIL if "
                    + "old_string is not unique in the file. Preserve the exact indentation (tabs/spaces).",
                    "{\"file_path\":{\"type\":\"string\"},\"old_string\":{\"type\":\"string\"},\"new_string\":"
                    + "{\"type\":\"string\"},\"replace_all\":{\"type\":\"boolean\",\"default\":false}}",
                    "[\"file_path\",\"old_string\",\"new_string\"]"),
            tool("Write", "Writes a file to the local filesystem. This tool will overwrite the existing file "
                    + "if there is one at the provided path. ALWAYS prefer editing existing files."),
            tool("NotebookEdit", "Completely replaces the contents of a specific cell in a Jupyter notebook "
                    + "(.ipynb file) with new source."),
            tool("WebFetch", "Fetches content from a specified URL and processes it using an AI model. "
                    + "Takes a URL and a prompt as input. HTTP URLs will be automatically upgraded to HTTPS."),
            tool("TodoWrite", "Use this tool to create and manage a structured task list for your current "
                    + "coding session ✅. This helps you track progress and organize complex tasks."),
            tool("WebSearch", "Allows Claude to search the web and use the results to inform responses — "
                    + "provides up-to-date information for current events and recent data."));

    private static String tool(String name, String description) {
        return toolWithSchema(name, description,
                "{\"input\":{\"type\":\"string\",\"description\":\"The input for " + name + "\"}}",
                "[\"input\"]");
    }

    /** description and properties are raw JSON text (already escaped). */
    private static String toolWithSchema(String name, String description, String properties, String required) {
        return "{\"name\":\"" + name + "\",\"description\":\"" + description + "\",\"input_schema\":{\"type\":"
                + "\"object\",\"properties\":" + properties + ",\"required\":" + required
                + ",\"additionalProperties\":false,\"$schema\":\"http://json-schema.org/draft-07/schema#\"}}";
    }

    private static String filler(int bytes) {
        StringBuilder sb = new StringBuilder(bytes);
        while (sb.length() < bytes) {
            sb.append(FILLER, 0, Math.min(FILLER.length(), bytes - sb.length()));
        }
        return sb.toString();
    }

    private static int joinedSize(List<String> items) {
        int size = Math.max(0, items.size() - 1);
        for (String s : items) {
            size += utf8(s);
        }
        return size;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
