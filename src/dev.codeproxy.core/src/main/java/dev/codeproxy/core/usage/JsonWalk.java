package dev.codeproxy.core.usage;

import dev.codeproxy.core.wire.JsonBytes;

/**
 * One pass over bytes that may or may not be JSON: checks that they are exactly one JSON value
 * (RFC 8259's grammar, whitespace around it allowed) and hands on the members of a top-level
 * object as it passes them, as byte ranges: nothing is decoded and no tree is built.
 *
 * <p>Iterative, so hostile nesting cannot overflow the stack; nesting deeper than
 * {@link #MAX_DEPTH} is refused, as the JSON-P parser this replaces refused it. Bytes inside
 * strings are not checked for valid UTF-8 (JSON-P decoded with replacement characters, so
 * nothing there was refused either).
 */
final class JsonWalk {
    /** Deepest nesting accepted: Parsson's default (it refuses 1,000 levels), which the old check had. */
    static final int MAX_DEPTH = 999;
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    /** Receives each member of a top-level object once its value has been checked. */
    interface Member {
        /**
         * @param b  the bytes
         * @param ks index of the key's opening quote
         * @param ke index after the key's closing quote
         * @param vs first index of the value
         * @param ve index after the value
         */
        void member(byte[] b, int ks, int ke, int vs, int ve);
    }

    private final byte[] b;
    private final int to;
    private int i;
    private int depth;
    /** Bit d-1 is set when level d (1 to 64) is an object, clear when it is an array. */
    private long kinds;
    /** The same for levels beyond 64; allocated only for such nesting. */
    private long[] deep;
    private int ks;
    private int ke;
    private int vs;

    private JsonWalk(byte[] b, int from, int to) {
        this.b = b;
        this.i = from;
        this.to = to;
    }

    /**
     * Whether {@code b[from, to)} is exactly one JSON value; {@code m} (may be null) sees the
     * members of a top-level object, in order, each after its value was checked.
     */
    static boolean walk(byte[] b, int from, int to, Member m) {
        return new JsonWalk(b, from, to).run(m);
    }

    private boolean run(Member m) {
        ws();
        while (true) {
            // a value starts at i
            if (i >= to) {
                return false;
            }
            byte c = b[i];
            if (c == '{' || c == '[') {
                if (depth == MAX_DEPTH) {
                    return false;
                }
                push(c == '{');
                i++;
                ws();
                if (i >= to) {
                    return false;
                }
                if (b[i] == (c == '{' ? '}' : ']')) {
                    i++;
                    depth--;
                } else {
                    if (c == '{' && !memberHead()) {
                        return false;
                    }
                    continue;
                }
            } else if (c == '"') {
                i = JsonBytes.checkedStringEnd(b, i + 1, to);
                if (i < 0) {
                    return false;
                }
            } else if (c == 't' || c == 'f' || c == 'n') {
                if (!literal(c == 't' ? TRUE : c == 'f' ? FALSE : NULL)) {
                    return false;
                }
            } else if (!number()) {
                return false;
            }
            // a value ended at i: close what it ends, or go on to the next value
            while (true) {
                if (depth == 0) {
                    ws();
                    return i == to;
                }
                boolean object = isObject(depth);
                if (depth == 1 && object && m != null) {
                    m.member(b, ks, ke, vs, i);
                }
                ws();
                if (i >= to) {
                    return false;
                }
                byte x = b[i];
                if (x == ',') {
                    i++;
                    ws();
                    if (object && !memberHead()) {
                        return false;
                    }
                    break;
                }
                if (x != (object ? '}' : ']')) {
                    return false;
                }
                i++;
                depth--;
            }
        }
    }

    /** A key, its colon and the whitespace before the value; notes where they are at the top level. */
    private boolean memberHead() {
        if (i >= to || b[i] != '"') {
            return false;
        }
        int s = i;
        i = JsonBytes.checkedStringEnd(b, i + 1, to);
        if (i < 0) {
            return false;
        }
        int e = i;
        ws();
        if (i >= to || b[i] != ':') {
            return false;
        }
        i++;
        ws();
        if (depth == 1) {
            ks = s;
            ke = e;
            vs = i;
        }
        return true;
    }

    private boolean literal(byte[] lit) {
        if (i + lit.length > to) {
            return false;
        }
        for (int k = 0; k < lit.length; k++) {
            if (b[i + k] != lit[k]) {
                return false;
            }
        }
        i += lit.length;
        return true;
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?} */
    private boolean number() {
        if (b[i] == '-') {
            i++;
        }
        if (i >= to) {
            return false;
        }
        if (b[i] == '0') {
            i++;
        } else if (!digits()) {
            return false;
        }
        if (i < to && b[i] == '.') {
            i++;
            if (!digits()) {
                return false;
            }
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < to && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            return digits();
        }
        return true;
    }

    /** One or more digits. */
    private boolean digits() {
        int s = i;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i > s;
    }

    private void push(boolean object) {
        int bit = depth;
        depth++;
        if (bit < 64) {
            kinds = object ? kinds | 1L << bit : kinds & ~(1L << bit);
            return;
        }
        int w = (bit >>> 6) - 1;
        if (deep == null) {
            deep = new long[(MAX_DEPTH >>> 6) + 1];
        }
        long mask = 1L << (bit & 63);
        deep[w] = object ? deep[w] | mask : deep[w] & ~mask;
    }

    private boolean isObject(int level) {
        int bit = level - 1;
        if (bit < 64) {
            return (kinds & 1L << bit) != 0;
        }
        return (deep[(bit >>> 6) - 1] & 1L << (bit & 63)) != 0;
    }

    private void ws() {
        while (i < to) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    /**
     * The members of an object the walk has already checked, one at a time: for reading the few
     * small objects that matter ({@code usage}, {@code message}) after they passed.
     */
    static final class Members {
        private final byte[] b;
        private int i;
        int ks;
        int ke;
        int vs;
        int ve;

        /** @param start index of the object's opening brace */
        Members(byte[] b, int start) {
            this.b = b;
            this.i = start + 1;
        }

        /** Moves to the next member; false after the last. */
        boolean next() {
            ws();
            if (b[i] == ',') {
                i++;
                ws();
            }
            if (b[i] == '}') {
                return false;
            }
            ks = i;
            i = JsonBytes.stringEnd(b, i + 1);
            ke = i;
            ws();
            i++; // the colon
            ws();
            vs = i;
            skipValue();
            ve = i;
            return true;
        }

        private void skipValue() {
            byte c = b[i];
            if (c == '"') {
                i = JsonBytes.stringEnd(b, i + 1);
            } else if (c == '{' || c == '[') {
                int d = 0;
                while (true) {
                    byte x = b[i];
                    if (x == '"') {
                        i = JsonBytes.stringEnd(b, i + 1);
                        continue;
                    }
                    if (x == '{' || x == '[') {
                        d++;
                    } else if ((x == '}' || x == ']') && --d == 0) {
                        i++;
                        return;
                    }
                    i++;
                }
            } else {
                while (b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\r'
                        && b[i] != '\t') {
                    i++;
                }
            }
        }

        private void ws() {
            while (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
                i++;
            }
        }
    }
}
