package dev.codeproxy.store.log;

import dev.codeproxy.core.session.SessionKeys;
import dev.codeproxy.core.wire.BodySpans;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The preparer thread's side of storing request bodies by parts: splits a body (by the spans
 * the proxy's scan found on its walk, else {@link BodyParts#split}), and redacts, hashes and
 * compresses only the parts it has not prepared before. It remembers the {@value #REMEMBERED}
 * parts used last by the SHA-256 of their bytes as received, for the redactor in use (a change
 * of secrets forgets them all, so a secret learnt later is masked in every part stored after). A
 * remembered part may since have been collected by retention: the writer then redacts and
 * compresses it itself ({@link Part#data()} null). One instance per thread.
 */
final class PartPreparer {
    /**
     * Parts remembered (about 170 bytes each, under 3 MiB in all): a 200-turn conversation has
     * about 800, so twenty long sessions at once still reuse every part.
     */
    static final int REMEMBERED = 16_384;

    /**
     * One part to store.
     *
     * @param hash SHA-256 of the stored (redacted) bytes: the part's address
     * @param size stored bytes before compression
     * @param data the compressed stored bytes; null when the log had this part already
     * @param source where the part's received bytes are ({@code source[from, to)}), for the writer's fallback
     */
    record Part(byte[] hash, int size, byte[] data, byte[] source, int from, int to, Redactor redactor) {
    }

    /** A part in its place: {@code gap} envelope bytes after the previous part's place. */
    record Placed(int kind, Part part, int gap) {
    }

    /** A body ready to be stored by parts; {@code size} is the stored body's length. */
    record Prepared(Part envelope, List<Placed> parts, int size, String sessionKey) {
    }

    private record Known(byte[] hash, int size) {
    }

    private record Key(long a, long b, long c, long d) {
        static Key of(byte[] h) {
            ByteBuffer bb = ByteBuffer.wrap(h);
            return new Key(bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
        }
    }

    private final MessageDigest sha = sha256();
    private final BodyCodec codec = new BodyCodec(BodyCodec.PART_LEVEL);
    private final Map<Key, Known> known = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Known> eldest) {
            return size() > REMEMBERED;
        }
    };
    private Redactor knownFor;

    /** A part of a session's previous body: its place there and what preparing it gave. */
    private record Seen(int start, int end, Key rawKey, Known known) {
    }

    /** A session's previous body (the same array the request carried, not a copy) and its parts. */
    private record Previous(byte[] body, Seen[] parts) {
    }

    /**
     * The previous body of the last {@value #SESSIONS} sessions. Claude Code resends the whole
     * conversation every turn, so most of a body equals the previous one byte for byte: a part that
     * lies wholly inside the common prefix, at the same place, is the same part, and is found
     * without hashing it ({@link Arrays#mismatch} reads the bytes many times faster than SHA-256).
     */
    static final int SESSIONS = 32;
    private final Map<String, Previous> previous = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Previous> eldest) {
            return size() > SESSIONS;
        }
    };
    /**
     * The project of each recent session: a Claude Code session keeps its working directory, so
     * the body is searched once per session instead of on every request of it.
     */
    private final Map<String, String> projects = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 1024;
        }
    };

    /**
     * The project of {@code body}'s session, searched for only when the session is new here, and
     * then only where the environment block can be ({@code spans}: the proxy's scan of this very
     * array, else null and the body is scanned here).
     */
    String project(String sessionId, byte[] body, BodySpans spans) {
        String p = projects.get(sessionId);
        if (p == null) {
            p = spans != null && spans.describes(body) ? SessionKeys.project(body, spans) : SessionKeys.project(body);
            if (p == null) {
                return null; // not found (yet): looked for again on the session's next request
            }
            projects.put(sessionId, p);
        }
        return p;
    }
    /** Parts redacted and compressed, and parts found remembered (tests and the benchmark read them). */
    volatile long prepared;
    volatile long reused;
    /** Of the reused, those found in place in the session's previous body (not hashed). */
    volatile long inPlace;

    /**
     * The body by parts, or null when it is not one JSON object (it is then stored whole).
     * {@code scanned}: where the parts lie, as the proxy's scan found them on its walk over this very
     * array; null (or another array's) and the body is walked here to find them.
     */
    Prepared prepare(byte[] body, BodySpans scanned, Map<String, List<String>> headers, String sessionId, Redactor red) {
        BodyParts.Split split = scanned != null && scanned.describes(body) ? BodyParts.of(scanned) : BodyParts.split(body);
        if (split == null) {
            return null;
        }
        if (red != knownFor) {
            known.clear();
            previous.clear();
            knownFor = red;
        }
        byte[] envelope = split.envelope(body);
        Part env = part(envelope, 0, envelope.length, red, rawHash(envelope, 0, envelope.length));
        int size = env.size();
        String slot = sessionId == null ? "" : sessionId;
        Previous prev = previous.get(slot);
        // bytes before `common` are the previous body's; a part must end before it to be the same
        int common = 0;
        if (prev != null) {
            int m = Arrays.mismatch(prev.body(), body);
            common = m < 0 ? body.length : m;
        }
        List<BodyParts.Span> spans = split.parts();
        List<Placed> placed = new ArrayList<>(spans.size());
        Seen[] seen = new Seen[spans.size()];
        int removed = 0;
        int last = 0;
        int pi = 0;
        for (int i = 0; i < spans.size(); i++) {
            BodyParts.Span sp = spans.get(i);
            int at = sp.start() - removed;
            Seen same = null;
            if (sp.end() < common) {
                // the previous body's parts are in order: walk to this place
                while (pi < prev.parts().length && prev.parts()[pi].start() < sp.start()) {
                    pi++;
                }
                if (pi < prev.parts().length && prev.parts()[pi].start() == sp.start() && prev.parts()[pi].end() == sp.end()) {
                    same = prev.parts()[pi];
                }
            }
            Part p;
            if (same != null) {
                known.get(same.rawKey()); // keeps it among the recently used
                reused++;
                inPlace++;
                p = new Part(same.known().hash(), same.known().size(), null, body, sp.start(), sp.end(), red);
                seen[i] = new Seen(sp.start(), sp.end(), same.rawKey(), same.known());
            } else {
                byte[] raw = rawHash(body, sp.start(), sp.end());
                p = part(body, sp.start(), sp.end(), red, raw);
                seen[i] = new Seen(sp.start(), sp.end(), Key.of(raw), new Known(p.hash(), p.size()));
            }
            placed.add(new Placed(sp.kind(), p, at - last));
            size += p.size();
            removed += sp.end() - sp.start();
            last = at;
        }
        previous.put(slot, new Previous(body, seen));
        return new Prepared(env, placed, size, SessionKey.of(sessionId, headers, body, split));
    }

    /** SHA-256 of a part's bytes as received: what {@link #known} remembers it by. */
    private byte[] rawHash(byte[] src, int from, int to) {
        sha.update(src, from, to - from);
        return sha.digest();
    }

    private Part part(byte[] src, int from, int to, Redactor red, byte[] rawHash) {
        Key key = Key.of(rawHash);
        Known k = known.get(key);
        if (k != null) {
            reused++;
            return new Part(k.hash(), k.size(), null, src, from, to, red);
        }
        Stored s = store(src, from, to, red, codec, sha, rawHash);
        known.put(key, new Known(s.hash(), s.bytes().length));
        prepared++;
        return new Part(s.hash(), s.bytes().length, s.data(), src, from, to, red);
    }

    record Stored(byte[] bytes, byte[] hash, byte[] data) {
    }

    /** Redacts, hashes and compresses one part ({@code rawHash}: its received bytes' hash, or null). */
    static Stored store(byte[] src, int from, int to, Redactor red, BodyCodec codec, MessageDigest sha, byte[] rawHash) {
        byte[] raw = Arrays.copyOfRange(src, from, to);
        byte[] stored = red.bytes(raw);
        byte[] hash = stored == raw && rawHash != null ? rawHash : sha.digest(stored);
        return new Stored(stored, hash, codec.compress(stored));
    }

    void close() {
        codec.close();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
