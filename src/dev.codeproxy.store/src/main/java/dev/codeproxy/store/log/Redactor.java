package dev.codeproxy.store.log;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
    /**
     * The prefilter of {@link #bytes}: bit {@code (b[i] << 8 | b[i+1])} is set when a secret or a
     * credential shape may start with those two bytes. Almost every position of a body fails
     * this one lookup, so a body costs one pass of table reads, whatever the number of secrets.
     */
    private final long[] starts = new long[65536 / 64];

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
        this.secretBytes = new byte[secrets.size()][];
        for (int i = 0; i < secrets.size(); i++) {
            secretBytes[i] = secrets.get(i).getBytes(StandardCharsets.UTF_8);
            mark(secretBytes[i][0], secretBytes[i][1]);
        }
        mark((byte) 's', (byte) 'k');
        mark((byte) 'c', (byte) 'p');
    }

    private void mark(byte a, byte b) {
        int k = (a & 0xff) << 8 | (b & 0xff);
        starts[k >>> 6] |= 1L << k;
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

    /**
     * Masks every secret and credential shape in a body, in one pass: at each position the
     * secrets (longest first) and then the shapes are tried, behind a two-byte prefilter.
     * Returns the same array when nothing matched (the common case: no copy at all).
     */
    byte[] bytes(byte[] body) {
        if (body == null) {
            return null;
        }
        ByteArrayOutputStream out = null;
        int copied = 0;
        int last = body.length - 1;
        int i = 0;
        while (i < last) {
            int k = (body[i] & 0xff) << 8 | (body[i + 1] & 0xff);
            if ((starts[k >>> 6] & (1L << k)) == 0) {
                i++;
                continue;
            }
            int end = -1;
            for (byte[] secret : secretBytes) {
                if (body.length - i >= secret.length && regionEquals(body, i, secret, 0, secret.length)) {
                    end = i + secret.length;
                    break;
                }
            }
            if (end < 0) {
                // right after a mask the byte before is "]" (as when secrets were masked in a pass of their own)
                end = Shapes.at(body, i, false, out != null && i == copied);
            }
            if (end < 0) {
                i++;
                continue;
            }
            if (out == null) {
                out = new ByteArrayOutputStream(body.length);
            }
            out.write(body, copied, i - copied);
            out.write(MASK_BYTES, 0, MASK_BYTES.length);
            copied = end;
            i = end;
        }
        if (out == null) {
            return body;
        }
        out.write(body, copied, body.length - copied);
        return out.toByteArray();
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
            ByteArrayOutputStream out = null;
            int copied = 0;
            int i = 0;
            while (i < in.length) {
                int end = at(in, i, cut, out != null && i == copied);
                if (end < 0) {
                    i++;
                    continue;
                }
                if (out == null) {
                    out = new ByteArrayOutputStream(in.length);
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

        /** The end of a credential shape starting at {@code i}, or -1; {@code afterMask}: a mask precedes {@code i}. */
        static int at(byte[] in, int i, boolean cut, boolean afterMask) {
            byte c = in[i];
            if (c == 's' && startsWith(in, i, ANTHROPIC)) {
                int j = i + ANTHROPIC.length;
                while (j < in.length && keyChar(in[j])) {
                    j++;
                }
                if (j - i - ANTHROPIC.length >= ANTHROPIC_MIN || (cut && j == in.length)) {
                    return j;
                }
            } else if (c == 'c' && startsWith(in, i, CLIENT) && (i == 0 || afterMask || !keyChar(in[i - 1]))) {
                int j = i + CLIENT.length;
                while (j < in.length && hex(in[j])) {
                    j++;
                }
                int n = j - i - CLIENT.length;
                boolean whole = n == CLIENT_HEX && (j == in.length || !keyChar(in[j]));
                if (whole || (cut && j == in.length && n > 0)) {
                    return j;
                }
            } else if (cut && c == 's' && in.length - i < ANTHROPIC.length
                    && Arrays.equals(in, i, in.length, ANTHROPIC, 0, in.length - i) && in.length - i >= 4) {
                return in.length; // "sk-a" at the very end of a cut body
            }
            return -1;
        }

        private static boolean startsWith(byte[] in, int at, byte[] p) {
            return in.length - at >= p.length && Arrays.equals(in, at, at + p.length, p, 0, p.length);
        }

        private static boolean keyChar(byte b) {
            return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_';
        }

        private static boolean hex(byte b) {
            return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
        }
    }

    /** Where {@code needle} first occurs in {@code hay} at or after {@code from}, or -1 (tests use it). */
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
        return Arrays.equals(a, aFrom, aFrom + len, b, bFrom, bFrom + len);
    }
}
