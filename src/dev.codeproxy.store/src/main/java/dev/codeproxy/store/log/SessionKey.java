package dev.codeproxy.store.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Claude Code session a request belongs to, as the log stores it: a hash, never the id
 * (session ids are credentials by the redaction rule). Derived as the proxy's session routing
 * does: the {@code x-claude-code-session-id} header when its value reached the log (the proxy
 * redacts it, so usually not), else the session part of {@code metadata.user_id} — a JSON string
 * {@code {"device_id":..,"session_id":"<uuid>"}} (CLI 2.1.332) or
 * {@code user_<hash>_account_<uuid>_session_<uuid>} (older). Empty when there is none.
 */
final class SessionKey {
    private static final Pattern JSON_FORM = Pattern.compile("\\\\?\"session_id\\\\?\"\\s*:\\s*\\\\?\"([^\"\\\\]+)");
    private static final Pattern OLD_FORM = Pattern.compile("_session_([0-9A-Za-z-]+)");
    private static final Pattern USER_ID = Pattern.compile("\"user_id\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private SessionKey() {
    }

    /**
     * @param sessionId the session the proxy found for the request (its live header, before
     *                  redaction, or metadata.user_id: {@code SessionKeys}), or null: then the
     *                  stored headers and the body are looked at here
     */
    static String of(String sessionId, Map<String, List<String>> headers, byte[] body, BodyParts.Split split) {
        if (sessionId != null && !sessionId.isBlank()) {
            return hash(sessionId.strip());
        }
        if (headers != null) {
            for (var e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase("x-claude-code-session-id")
                        && e.getValue() != null && !e.getValue().isEmpty()) {
                    String v = e.getValue().getFirst();
                    if (v != null && !v.isBlank() && !v.equals(Redactor.MASK)) {
                        return hash(v.strip());
                    }
                }
            }
        }
        if (split == null || split.metadata() == null) {
            return "";
        }
        BodyParts.Span m = split.metadata();
        String meta = new String(body, m.start(), Math.min(m.end() - m.start(), 4096), StandardCharsets.UTF_8);
        Matcher u = USER_ID.matcher(meta);
        if (!u.find()) {
            return "";
        }
        String userId = u.group(1);
        Matcher j = JSON_FORM.matcher(userId);
        if (j.find()) {
            return hash(j.group(1));
        }
        Matcher o = OLD_FORM.matcher(userId);
        return o.find() ? hash(o.group(1)) : "";
    }

    /** One digest per thread: {@code MessageDigest.getInstance} looks the provider up on every call. */
    private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(PartPreparer::sha256);

    private static String hash(String session) {
        byte[] d = SHA.get().digest(("code-proxy session " + session).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, 16);
    }
}
