package dev.codeproxy.store.log;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a request body stored by parts is put back together: the envelope's part id, then for
 * each part in body order its kind ({@link BodyParts}) and where it goes in the envelope (offset
 * from the previous part's place) packed in one number, and its part id as the difference from
 * the previous entry's (zigzag: parts of one conversation have near ids). Unsigned varints: a
 * 200-message body needs about 450 bytes of layout.
 */
record BodyLayout(long envelope, List<Entry> entries) {
    record Entry(int kind, long part, int gap) {
    }

    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 + entries.size() * 5);
        varint(out, envelope);
        varint(out, entries.size());
        long prev = envelope;
        for (Entry e : entries) {
            varint(out, (long) e.gap() << 2 | e.kind());
            long d = e.part() - prev;
            varint(out, d << 1 ^ d >> 63);
            prev = e.part();
        }
        return out.toByteArray();
    }

    static BodyLayout decode(byte[] b) {
        int[] at = {0};
        long envelope = read(b, at);
        int n = (int) read(b, at);
        List<Entry> entries = new ArrayList<>(n);
        long prev = envelope;
        for (int i = 0; i < n; i++) {
            long kg = read(b, at);
            long z = read(b, at);
            long part = prev + (z >>> 1 ^ -(z & 1));
            entries.add(new Entry((int) (kg & 3), part, (int) (kg >>> 2)));
            prev = part;
        }
        return new BodyLayout(envelope, entries);
    }

    /** Every part id with how often this layout refers to it (the envelope included). */
    void countRefs(Map<Long, Integer> into) {
        into.merge(envelope, 1, Integer::sum);
        for (Entry e : entries) {
            into.merge(e.part(), 1, Integer::sum);
        }
    }

    /** The body, from the parts' stored bytes by id. */
    byte[] join(Map<Long, byte[]> parts) {
        byte[] env = need(parts, envelope);
        int size = env.length;
        for (Entry e : entries) {
            size += need(parts, e.part()).length;
        }
        byte[] out = new byte[size];
        int o = 0;
        int from = 0;
        for (Entry e : entries) {
            int to = from + e.gap();
            System.arraycopy(env, from, out, o, e.gap());
            o += e.gap();
            byte[] p = parts.get(e.part());
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
            from = to;
        }
        System.arraycopy(env, from, out, o, env.length - from);
        return out;
    }

    /** The part ids of the messages, in order. */
    List<Long> messages() {
        List<Long> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.kind() == BodyParts.MESSAGE) {
                out.add(e.part());
            }
        }
        return out;
    }

    private static byte[] need(Map<Long, byte[]> parts, long id) {
        byte[] p = parts.get(id);
        if (p == null) {
            throw new IllegalStateException("stored body is damaged: part " + id + " is missing");
        }
        return p;
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long read(byte[] b, int[] at) {
        long v = 0;
        int shift = 0;
        while (true) {
            byte x = b[at[0]++];
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }
}
