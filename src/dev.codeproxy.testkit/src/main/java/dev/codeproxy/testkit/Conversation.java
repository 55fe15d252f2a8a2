package dev.codeproxy.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Claude Code conversation as the CLI sends it, turn by turn: every request carries the same
 * system prompt (about 12 KB) and tool definitions (about 24 KB) and the whole history, which
 * grows by about 3 KB a turn (an assistant message with text and a tool call, then the user's
 * tool result and a short note). As the CLI does, only the last message carries
 * {@code cache_control}, so a message's bytes change once, when it stops being the last.
 * {@code metadata.user_id} is the 2.1.332 JSON string with the session id. Texts are
 * pseudo-random words from a fixed vocabulary (compressible like prose and code, not like
 * repetition), with non-ASCII text and JSON escapes mixed in. Deterministic per seed.
 */
public final class Conversation {
    private static final String[] WORDS = ("the a to of and in is for on with that this it as be are by not or from "
            + "file test build parser value error return class method string list map null import package public "
            + "private static final void int long boolean if else for while try catch throw new true false "
            + "function const let var async await module export config server request response stream token "
            + "session cache retry endpoint header body json field index offset length buffer bytes line path "
            + "café naïve 日本語 données résumé Straße ✅ 🚀 \\\"quoted\\\" C:\\\\Users\\\\dev tab\\there new\\nline "
            + "\\u00e9t\\u00e9 0 1 2 42 100 404 500 {} [] () => -> == != <= >= && || ++ -- += ;").split(" ");

    private final String model;
    private final String sessionId;
    private final SplittableRandom random;
    private final String system;
    private final String tools;
    /** Messages without the cache marker, and the last one's marked form, by index. */
    private final List<String> plain = new ArrayList<>();
    private final List<String> marked = new ArrayList<>();

    public Conversation(long seed, String model, String sessionId) {
        this.model = model;
        this.sessionId = sessionId;
        this.random = new SplittableRandom(seed);
        this.system = "[{\"type\":\"text\",\"text\":\"x-anthropic-billing-header: cc_version=2.1.332; "
                + "cc_entrypoint=sdk-cli;\"},{\"type\":\"text\",\"text\":\"You are Claude Code, Anthropic's official "
                + "CLI for Claude.\"},{\"type\":\"text\",\"text\":\"" + words(12_000) + "\\nPrimary working directory: "
                + "/home/dev/projects/café\",\"cache_control\":{\"type\":\"ephemeral\"}}]";
        StringBuilder t = new StringBuilder("[");
        String[] names = {"Agent", "Bash", "Glob", "Grep", "Read", "Edit", "Write", "NotebookEdit", "WebFetch",
            "TodoWrite", "WebSearch", "ExitPlanMode"};
        for (int i = 0; i < names.length; i++) {
            t.append(i == 0 ? "" : ",").append("{\"name\":\"").append(names[i]).append("\",\"description\":\"")
                    .append(words(1_900)).append("\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"input\":"
                            + "{\"type\":\"string\"}},\"required\":[\"input\"],\"additionalProperties\":false,"
                            + "\"$schema\":\"http://json-schema.org/draft-07/schema#\"}}");
        }
        this.tools = t.append(']').toString();
        addUser(0, null);
    }

    /** The body of turn {@code n} (1-based): {@code 2n - 1} messages. */
    public String turn(int n) {
        while (plain.size() < 2 * n - 1) {
            int k = (plain.size() + 1) / 2; // the turn whose answer comes next
            String toolId = String.format("toolu_%06d_%s", k, Long.toHexString(random.nextLong() & 0xffffffL));
            plain.add("{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"" + words(300)
                    + "\"},{\"type\":\"tool_use\",\"id\":\"" + toolId + "\",\"name\":\"Bash\",\"input\":{\"command\":\""
                    + words(80) + "\"}}]}");
            marked.add(null);
            addUser(k, toolId);
        }
        int count = 2 * n - 1;
        StringBuilder b = new StringBuilder(64 * 1024 + count * 3200);
        b.append("{\"model\":\"").append(model).append("\",\"messages\":[");
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : ",").append(i == count - 1 ? marked.get(i) : plain.get(i));
        }
        b.append("],\"system\":").append(system).append(",\"tools\":").append(tools)
                .append(",\"metadata\":{\"user_id\":\"{\\\"device_id\\\":\\\"5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a\\\","
                        + "\\\"account_uuid\\\":\\\"\\\",\\\"session_id\\\":\\\"").append(sessionId)
                .append("\\\"}\"},\"max_tokens\":32000,\"thinking\":{\"type\":\"adaptive\"},\"context_management\":"
                        + "{\"edits\":[{\"type\":\"clear_thinking_20251015\",\"keep\":\"all\"}]},\"output_config\":"
                        + "{\"effort\":\"high\"},\"stream\":true}");
        return b.toString();
    }

    public byte[] turnBytes(int n) {
        return turn(n).getBytes(StandardCharsets.UTF_8);
    }

    private void addUser(int k, String toolId) {
        String head = toolId == null ? "{\"role\":\"user\",\"content\":[" : "{\"role\":\"user\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"" + toolId + "\",\"content\":\"" + words(2_400) + "\"},";
        String note = "{\"type\":\"text\",\"text\":\"" + (k == 0 ? "Fix the failing test in src/Café.java. " : "")
                + words(k == 0 ? 600 : 150) + "\"";
        plain.add(head + note + "}]}");
        marked.add(head + note + ",\"cache_control\":{\"type\":\"ephemeral\"}}]}");
    }

    private String words(int approxBytes) {
        StringBuilder sb = new StringBuilder(approxBytes + 32);
        while (sb.length() < approxBytes) {
            sb.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(12) == 0 ? ". " : " ");
        }
        return sb.toString().strip();
    }
}
