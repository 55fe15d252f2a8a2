package dev.codeproxy.core.secret;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one rule for what is a credential by its name, wherever a request is stored or shown (the
 * request log's headers, path and query, the admin API, the live channel, headless log lines):
 * a header, query parameter or matrix parameter whose name contains {@code key}, {@code token},
 * {@code secret}, {@code auth}, {@code session}, {@code signature}, {@code password},
 * {@code cookie} or {@code credential}, in any case, has its value replaced by
 * {@value #MASK}. A rule and not a list: gateways invent their own names
 * ({@code x-goog-api-key}, {@code X-My-Gateway-Token}, {@code ?access_token=}), and a list is
 * always one name short.
 *
 * <p>Forwarding is not affected: the upstream receives every header and the query as sent.
 *
 * <p>One exception keeps the log useful: Anthropic's rate-limit response headers
 * ({@code anthropic-ratelimit-input-tokens-remaining} ...) contain "token" but carry counts and
 * times; they are kept when their value is a number or a timestamp, and masked otherwise.
 * {@code x-claude-code-session-id} matches "session" and is masked like every other match.
 */
public final class Credentials {
    /** What a credential's value becomes. */
    public static final String MASK = "[redacted]";

    /** Lower-case parts of a name that make it a credential's. */
    private static final String[] WORDS = {"key", "token", "secret", "auth", "session", "signature", "password",
            "cookie", "credential"};
    private static final String RATE_LIMIT_PREFIX = "anthropic-ratelimit-";

    private Credentials() {
    }

    /** Whether a header or parameter name names a credential (case-insensitive). */
    static boolean isCredentialName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        String n = name.toLowerCase(Locale.ROOT);
        for (String w : WORDS) {
            if (n.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this header's value must be masked: its name is a credential's (see the exception above). */
    public static boolean masksHeader(String name, String value) {
        if (!isCredentialName(name)) {
            return false;
        }
        return !(name.regionMatches(true, 0, RATE_LIMIT_PREFIX, 0, RATE_LIMIT_PREFIX.length())
                && value != null && isCountOrTime(value));
    }

    /**
     * Headers with credential values masked; names lower-cased and merged (several spellings of
     * one name become one entry). A new map; the argument is not changed.
     */
    public static Map<String, List<String>> headers(Map<String, List<String>> headers) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() == null) {
                continue;
            }
            String name = e.getKey().toLowerCase(Locale.ROOT);
            List<String> values = e.getValue() == null ? List.of() : e.getValue();
            List<String> kept = out.computeIfAbsent(name, k -> new ArrayList<>());
            for (String v : values) {
                kept.add(masksHeader(name, v) ? MASK : v == null ? "" : v);
            }
        }
        return out;
    }

    /**
     * A raw query string ({@code a=1&key=...}) with the values of credential parameters masked.
     * Names are compared percent-decoded ({@code %6Bey=} is {@code key=}); everything else is kept
     * as received. Parameters are separated by {@code &} or {@code ;}. Null stays null.
     */
    public static String query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return rawQuery;
        }
        StringBuilder out = null;
        int start = 0;
        int n = rawQuery.length();
        for (int i = 0; i <= n; i++) {
            if (i < n && rawQuery.charAt(i) != '&' && rawQuery.charAt(i) != ';') {
                continue;
            }
            int eq = rawQuery.indexOf('=', start);
            if (eq >= start && eq < i && isCredentialName(decode(rawQuery.substring(start, eq)))) {
                if (out == null) {
                    out = new StringBuilder(n).append(rawQuery, 0, start);
                }
                out.append(rawQuery, start, eq + 1).append(MASK);
            } else if (out != null) {
                out.append(rawQuery, start, i);
            }
            if (out != null && i < n) {
                out.append(rawQuery.charAt(i));
            }
            start = i + 1;
        }
        return out == null ? rawQuery : out.toString();
    }

    /**
     * A raw path with the values of credential matrix parameters masked
     * ({@code /v1/messages;token=...}). A path without {@code ;} is returned as it is.
     */
    public static String path(String rawPath) {
        if (rawPath == null || rawPath.indexOf(';') < 0) {
            return rawPath;
        }
        StringBuilder out = new StringBuilder(rawPath.length());
        int segStart = 0;
        while (segStart <= rawPath.length()) {
            int slash = rawPath.indexOf('/', segStart);
            int segEnd = slash < 0 ? rawPath.length() : slash;
            String seg = rawPath.substring(segStart, segEnd);
            int semi = seg.indexOf(';');
            if (semi < 0) {
                out.append(seg);
            } else {
                out.append(seg, 0, semi + 1).append(query(seg.substring(semi + 1)));
            }
            if (slash < 0) {
                break;
            }
            out.append('/');
            segStart = slash + 1;
        }
        return out.toString();
    }

    /**
     * A path with its query ({@code /v1/messages?key=...}) masked in both parts; for a stored
     * target or URL kept as one string.
     */
    static String target(String pathAndQuery) {
        if (pathAndQuery == null) {
            return null;
        }
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? path(pathAndQuery)
                : path(pathAndQuery.substring(0, q)) + "?" + query(pathAndQuery.substring(q + 1));
    }

    /**
     * Percent-decoding for a parameter name, lenient (a bad escape is kept as written), repeated
     * up to three times: a name encoded twice ({@code %256Bey}) is still the client's "key".
     */
    private static String decode(String s) {
        String cur = s;
        for (int round = 0; round < 3 && (cur.indexOf('%') >= 0 || cur.indexOf('+') >= 0); round++) {
            String next = decodeOnce(cur);
            if (next.equals(cur)) {
                break;
            }
            cur = next;
        }
        return cur;
    }

    private static String decodeOnce(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                b.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (c == '+') {
                b.write(' ');
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                b.write(bytes, 0, bytes.length);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** A count, a number of seconds or an ISO-8601 time: what rate-limit headers carry. */
    private static boolean isCountOrTime(String v) {
        String s = v.strip();
        if (s.isEmpty() || s.length() > 40 || s.charAt(0) < '0' || s.charAt(0) > '9') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == ':' || c == '.' || c == '-' || c == '+' || c == 'T' || c == 'Z')) {
                return false;
            }
        }
        return true;
    }
}
