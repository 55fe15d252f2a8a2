package dev.codeproxy.proxy;

/**
 * How many requests the proxy serves at once, streams included. Each open stream keeps about
 * 80 KiB of heap alive (its sockets' buffers, its virtual thread's stack, the headers of both
 * sides); past what the heap holds, the collector runs without pause and then the heap runs out,
 * which took the whole proxy down (its listener among the threads that died) and every open
 * stream with it. Past the limit a request gets 503 {@code overloaded_error} with
 * {@code retry-after}, which Claude Code and the SDKs retry, and the streams already open go on.
 */
final class InFlightLimit {
    /** System property that overrides {@link #defaultLimit()}. */
    static final String PROPERTY = "codeproxy.maxInFlight";
    /** Heap per request in flight that the default allows for. */
    static final long HEAP_PER_REQUEST = 128 * 1024;

    private InFlightLimit() {
    }

    /**
     * One request per {@value #HEAP_PER_REQUEST} bytes of the heap limit (4,096 with the image's
     * default 512 MB heap; 8,192 with {@code -Xmx1g}), at least 256; the system property
     * {@value #PROPERTY} overrides it.
     */
    static int defaultLimit() {
        Integer set = Integer.getInteger(PROPERTY);
        if (set != null && set > 0) {
            return set;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(256, Runtime.getRuntime().maxMemory() / HEAP_PER_REQUEST));
    }
}
