package dev.codeproxy.store.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Removes credentials from everything the log stores: values of credential headers, every
 * occurrence of a known secret (endpoint keys, client tokens) in any text, header or body, and
 * anything shaped like a credential even when its value is not known here: Anthropic keys
 * ({@code sk-ant-} and 20 or more key characters) and Code Proxy's generated tokens ({@code cp-}
 * and 64 hex digits; tokens made in the dashboard are stored only as hashes). The proxy redacts
 * headers already; this is the second, independent line.
 */
final class Redactor {
    static final String MASK = "[redacted]";
    /** Headers whose values are credentials whatever they contain. */
    static final Set<String> SECRET_HEADERS = Set.of("authorization", "x-api-key", "cookie", "set-cookie",
            "proxy-authorization");
    /** Shorter "secrets" are ignored: masking every 2-letter match would destroy the log and hide nothing. */
    static final int MIN_SECRET_LENGTH = 4;

    private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.UTF_8);
    static final Redactor NONE = new Redactor(List.of());

    private final List<String> secrets;
    private final byte[][] secretBytes;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
        this.secretBytes = new byte[secrets.size()][];
        for (int i = 0; i < secrets.size(); i++) {
            secretBytes[i] = secrets.get(i).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A redactor for these secrets (nulls, blanks and very short values are skipped). */
    static Redactor of(Collection<String> raw) {
        if (raw == null || raw.isEmpty()) {
            return NONE;
        }
        Set<String> set = new LinkedHashSet<>();
        for (String s : raw) {
            if (s != null && s.strip().length() >= MIN_SECRET_LENGTH) {
                set.add(s.strip());
            }
        }
        List<String> sorted = new ArrayList<>(set);
        // longest first, so a secret that contains another is masked whole
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return sorted.isEmpty() ? NONE : new Redactor(List.copyOf(sorted));
    }

    List<String> secrets() {
        return secrets;
    }

    String text(String s) {
        if (s == null) {
            return null;
        }
        String out = s;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        if (out.contains("sk-ant-") || out.contains("cp-")) {
            byte[] b = out.getBytes(StandardCharsets.UTF_8);
            byte[] masked = Shapes.mask(b, false);
            if (masked != b) {
                out = new String(masked, StandardCharsets.UTF_8);
            }
        }
        return out;
    }

    /** Header names lower-cased; credential headers masked whole; secrets masked in every other value. */
    Map<String, List<String>> headers(Map<String, List<String>> headers) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() == null) {
                continue;
            }
            String name = text(e.getKey().toLowerCase(Locale.ROOT));
            List<String> values = e.getValue() == null ? List.of() : e.getValue();
            List<String> kept = new ArrayList<>(values.size());
            for (String v : values) {
                kept.add(SECRET_HEADERS.contains(name) ? MASK : text(v == null ? "" : v));
            }
            out.merge(name, kept, (a, b) -> {
                List<String> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            });
        }
        return out;
    }

    /** Masks every secret and credential shape in a body. Returns the same array when nothing matched. */
    byte[] bytes(byte[] body) {
        if (body == null) {
            return null;
        }
        byte[] out = body;
        for (byte[] secret : secretBytes) {
            out = replace(out, secret);
        }
        return Shapes.mask(out, false);
    }

    /**
     * For a body cut at a size cap: masks a tail that is the beginning of a secret (at least
     * {@link #MIN_SECRET_LENGTH} bytes), so the cut cannot leave part of a key behind.
     */
    byte[] cutTail(byte[] body) {
        if (body == null) {
            return null;
        }
        body = Shapes.mask(body, true);
        int longest = 0;
        for (byte[] secret : secretBytes) {
            for (int k = Math.min(secret.length - 1, body.length); k >= MIN_SECRET_LENGTH && k > longest; k--) {
                if (regionEquals(body, body.length - k, secret, 0, k)) {
                    longest = k;
                    break;
                }
            }
        }
        if (longest == 0) {
            return body;
        }
        byte[] out = new byte[body.length - longest + MASK_BYTES.length];
        System.arraycopy(body, 0, out, 0, body.length - longest);
        System.arraycopy(MASK_BYTES, 0, out, body.length - longest, MASK_BYTES.length);
        return out;
    }

    /** Credential shapes found by scanning, whatever their value. */
    static final class Shapes {
        private static final byte[] ANTHROPIC = "sk-ant-".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CLIENT = "cp-".getBytes(StandardCharsets.US_ASCII);
        /** Characters after {@code sk-ant-} that make a key look real. */
        static final int ANTHROPIC_MIN = 20;
        /** Hex digits of a generated token ({@code Secrets.newToken}: 32 random bytes). */
        static final int CLIENT_HEX = 64;

        private Shapes() {
        }

        /**
         * Masks {@code sk-ant-} + 20 or more of {@code [A-Za-z0-9_-]} and {@code cp-} + exactly 64
         * hex digits. With {@code cut} (the body was truncated), a shape running into the end
         * is masked whatever its length.
         */
        static byte[] mask(byte[] in, boolean cut) {
            java.io.ByteArrayOutputStream out = null;
            int copied = 0;
            int i = 0;
            while (i < in.length) {
                byte c = in[i];
                int end = -1;
                if (c == 's' && startsWith(in, i, ANTHROPIC)) {
                    int j = i + ANTHROPIC.length;
                    while (j < in.length && keyChar(in[j])) {
                        j++;
                    }
                    if (j - i - ANTHROPIC.length >= ANTHROPIC_MIN || (cut && j == in.length)) {
                        end = j;
                    }
                } else if (c == 'c' && startsWith(in, i, CLIENT) && (i == 0 || !keyChar(in[i - 1]))) {
                    int j = i + CLIENT.length;
                    while (j < in.length && hex(in[j])) {
                        j++;
                    }
                    int n = j - i - CLIENT.length;
                    boolean whole = n == CLIENT_HEX && (j == in.length || !keyChar(in[j]));
                    if (whole || (cut && j == in.length && n > 0)) {
                        end = j;
                    }
                } else if (cut && c == 's' && in.length - i < ANTHROPIC.length
                        && java.util.Arrays.equals(in, i, in.length, ANTHROPIC, 0, in.length - i) && in.length - i >= 4) {
                    end = in.length; // "sk-a" at the very end of a cut body
                }
                if (end < 0) {
                    i++;
                    continue;
                }
                if (out == null) {
                    out = new java.io.ByteArrayOutputStream(in.length);
                }
                out.write(in, copied, i - copied);
                out.write(MASK_BYTES, 0, MASK_BYTES.length);
                copied = end;
                i = end;
            }
            if (out == null) {
                return in;
            }
            out.write(in, copied, in.length - copied);
            return out.toByteArray();
        }

        private static boolean startsWith(byte[] in, int at, byte[] p) {
            return in.length - at >= p.length && java.util.Arrays.equals(in, at, at + p.length, p, 0, p.length);
        }

        private static boolean keyChar(byte b) {
            return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_';
        }

        private static boolean hex(byte b) {
            return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
        }
    }

    private static byte[] replace(byte[] in, byte[] needle) {
        int at = indexOf(in, needle, 0);
        if (at < 0) {
            return in;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length);
        int from = 0;
        while (at >= 0) {
            out.write(in, from, at - from);
            out.write(MASK_BYTES, 0, MASK_BYTES.length);
            from = at + needle.length;
            at = indexOf(in, needle, from);
        }
        out.write(in, from, in.length - from);
        return out.toByteArray();
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        if (needle.length == 0) {
            return -1;
        }
        byte first = needle[0];
        int last = hay.length - needle.length;
        for (int i = from; i <= last; i++) {
            if (hay[i] == first && regionEquals(hay, i, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionEquals(byte[] a, int aFrom, byte[] b, int bFrom, int len) {
        return java.util.Arrays.equals(a, aFrom, aFrom + len, b, bFrom, bFrom + len);
    }
}
