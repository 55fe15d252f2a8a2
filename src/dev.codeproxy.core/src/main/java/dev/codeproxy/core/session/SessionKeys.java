package dev.codeproxy.core.session;

import dev.codeproxy.core.wire.BodySpans;
import dev.codeproxy.core.wire.Json;
import dev.codeproxy.core.wire.JsonBytes;
import dev.codeproxy.core.wire.RequestBody;
import jakarta.json.JsonString;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * Which Claude Code session and project a request belongs to, read cheaply: the session from the
 * {@code x-claude-code-session-id} header, else from the session part of {@code metadata.user_id}
 * (2.1.332 sends a JSON string {@code {"device_id":..,"session_id":"<uuid>"}}, older versions
 * {@code user_<hash>_account_<uuid>_session_<uuid>}); the project from the
 * {@code Primary working directory: <path>} line of Claude Code's environment block, found by a
 * byte search (no JSON tree is built) of only where Claude Code puts that block: the {@code system}
 * prompt, and the first message (where the CLI's context reminders go). A conversation's later
 * messages (tool results, pasted files) are not searched: they are most of a long body, and a
 * working directory quoted there is not the session's.
 */
public final class SessionKeys {
    /** Longest session id or project path kept (longer values are cut). */
    static final int MAX_ID = 128;
    static final int MAX_PROJECT = 1024;
    private static final byte[] WORKING_DIR = "Primary working directory: ".getBytes(StandardCharsets.US_ASCII);

    private SessionKeys() {
    }

    /** The session key of a request, or null when it has none. */
    public static String sessionId(String header, String metadataUserId) {
        if (header != null && !header.isBlank()) {
            return clip(header.strip(), MAX_ID);
        }
        String u = metadataUserId;
        if (u == null || u.isBlank()) {
            return null;
        }
        u = u.strip();
        if (u.startsWith("{")) {
            try (var r = Json.provider().createReader(new StringReader(u))) {
                var o = r.readObject();
                var v = o.get("session_id");
                if (v instanceof JsonString s && !s.getString().isBlank()) {
                    return clip(s.getString().strip(), MAX_ID);
                }
            } catch (RuntimeException e) {
                return null;
            }
            return null;
        }
        int i = u.lastIndexOf("_session_");
        if (i >= 0 && i + 9 < u.length()) {
            return clip(u.substring(i + 9), MAX_ID);
        }
        return null;
    }

    /**
     * The working directory of Claude Code's environment block in a request body (bytes of the
     * JSON as sent), or null; see {@link #project(byte[], BodySpans)}. Scans the body to find its
     * parts: for a caller that has not scanned it already.
     */
    public static String project(byte[] body) {
        return body == null ? null : project(body, RequestBody.scan(body).spans());
    }

    /**
     * The working directory of Claude Code's environment block in a request body, searched for in
     * the {@code system} values and the first message, in body order (the first found counts); null
     * when none has it, or when {@code spans} (the body's scan) are null or are another array's.
     * The value ends at the JSON escape of a line break, a quote or a {@code <}; JSON escapes in it
     * are decoded.
     */
    public static String project(byte[] body, BodySpans spans) {
        if (body == null || spans == null || !spans.describes(body)) {
            return null;
        }
        boolean firstMessage = true;
        for (int p = 0; p < spans.parts(); p++) {
            int kind = spans.kind(p);
            if (kind == BodySpans.SYSTEM || kind == BodySpans.MESSAGE && firstMessage) {
                firstMessage &= kind != BodySpans.MESSAGE;
                int at = JsonBytes.indexOf(body, WORKING_DIR, spans.start(p), spans.end(p));
                if (at >= 0) {
                    return value(body, at + WORKING_DIR.length);
                }
            }
        }
        return null;
    }

    /** The path that starts at {@code start}, up to the end of its line. */
    private static String value(byte[] body, int start) {
        int end = start;
        while (end < body.length && end - start < MAX_PROJECT * 2) {
            byte c = body[end];
            if (c == '"' || c == '<' || c == '\n' || c == '\r') {
                break;
            }
            if (c == '\\') {
                if (end + 1 >= body.length) {
                    break;
                }
                byte n = body[end + 1];
                if (n == 'n' || n == 'r' || n == 't') {
                    break; // an escaped line break or tab ends the line
                }
                end += 2;
                continue;
            }
            end++;
        }
        if (end == start) {
            return null;
        }
        String raw = new String(body, start, end - start, StandardCharsets.UTF_8).strip();
        if (raw.indexOf('\\') >= 0) {
            try (var r = Json.provider().createReader(new StringReader("[\"" + raw + "\"]"))) {
                raw = r.readArray().getString(0);
            } catch (RuntimeException e) {
                return null;
            }
        }
        return raw.isEmpty() ? null : clip(raw, MAX_PROJECT);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
