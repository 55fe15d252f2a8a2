package dev.codeproxy.core.wire;

/**
 * Where, in one request body, lie the parts the request log stores once each: the value of each
 * top-level {@code system} and {@code tools} key (any type), each element of a top-level
 * {@code messages} array, in body order; and the value of the top-level {@code metadata} key (the
 * last one). {@link RequestBody#scan} notes them on its one walk over the body, so the log does not
 * walk the body again; they are the same spans the log's own split finds ({@code store.log.BodyParts}).
 *
 * <p>Valid only for the very array that was scanned ({@link #describes}): a copy, a capped prefix
 * or a rewritten body (another model) is another array. One {@code int[]} of (kind, start, end)
 * triples, no object per part: it is made on the request thread. It keeps the scanned array
 * referenced, which is the body the request holds anyway; a holder that drops the body drops this
 * with it.
 */
public final class BodySpans {
    /** A {@code system} value. */
    public static final int SYSTEM = 1;
    /** A {@code tools} value. */
    public static final int TOOLS = 2;
    /** An element of {@code messages}. */
    public static final int MESSAGE = 3;

    private final byte[] body;
    private final int[] spans;
    private final int parts;
    private final int metadataStart;
    private final int metadataEnd;

    BodySpans(byte[] body, int[] spans, int ints, int metadataStart, int metadataEnd) {
        this.body = body;
        this.spans = spans;
        this.parts = ints / 3;
        this.metadataStart = metadataStart;
        this.metadataEnd = metadataEnd;
    }

    /** Whether these spans are those of {@code b}: true only for the array that was scanned. */
    public boolean describes(byte[] b) {
        return b != null && b == body;
    }

    /** The number of parts. */
    public int parts() {
        return parts;
    }

    /** Part {@code p}'s kind: {@link #SYSTEM}, {@link #TOOLS} or {@link #MESSAGE}. */
    public int kind(int p) {
        return spans[3 * p];
    }

    /** Where part {@code p} starts in the body. */
    public int start(int p) {
        return spans[3 * p + 1];
    }

    /** Where part {@code p} ends in the body (exclusive). */
    public int end(int p) {
        return spans[3 * p + 2];
    }

    /** Where the {@code metadata} value starts, -1 when there is none. */
    public int metadataStart() {
        return metadataStart;
    }

    /** Where the {@code metadata} value ends (exclusive), -1 when there is none. */
    public int metadataEnd() {
        return metadataEnd;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("BodySpans[");
        for (int p = 0; p < parts; p++) {
            b.append(p == 0 ? "" : ", ").append(kind(p)).append(':').append(start(p)).append('-').append(end(p));
        }
        return b.append("; metadata ").append(metadataStart).append('-').append(metadataEnd).append(']').toString();
    }
}
