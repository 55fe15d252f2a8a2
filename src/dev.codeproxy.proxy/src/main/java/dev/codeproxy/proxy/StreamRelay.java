package dev.codeproxy.proxy;

import dev.codeproxy.core.sse.SseFramer;
import dev.codeproxy.core.usage.UsageScanner;
import dev.codeproxy.core.wire.ApiError;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Owns every flush of a stream, in two phases.
 *
 * <p>Before commit ({@link #awaitCommit}): events are held until the first
 * {@code content_block_start} (or a normal end after {@code message_stop}); an {@code event: error},
 * a cut, an idle upstream or an empty stream before that point is a failure the caller can still
 * fail over from — the client has seen nothing.
 *
 * <p>After commit ({@link #relay}): each whole event is written exactly as received and flushed at
 * once (the events completed by one read together, in one write). When the upstream dies or goes
 * idle, the client gets an Anthropic {@code event: error} and the end of the stream: it never
 * hangs. Encoded streams (gzip and such, which we do not ask for) cannot be framed, so they commit
 * at once and are flushed per read.
 */
final class StreamRelay {
    /** Bytes held before the commit point at most (a real stream holds message_start and a few pings). */
    static final int MAX_HELD_BYTES = 1024 * 1024;
    /** One SSE event at most; a larger one fails the stream instead of growing the buffer without end. */
    static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;

    enum PreCommit { COMMIT, FAILED }

    enum Result { COMPLETED, CLIENT_CLOSED, UPSTREAM_FAILED, UPSTREAM_IDLE, UPSTREAM_ERROR_EVENT, EVENT_TOO_LARGE }

    private final HttpClientResponse up;
    private final IdleWatchdog watchdog;
    private final long idleMs;
    private final long t0;
    private final boolean encoded;
    private final SseFramer framer = new SseFramer();
    /** Events held before the commit point; dropped once they are sent (a stream may stay open for minutes). */
    private ByteArrayOutputStream held = new ByteArrayOutputStream(512);
    /**
     * One read from the upstream. 4 KiB: events are small (a delta is about 150 bytes), a larger one
     * arrives in several reads, and every open stream holds this buffer while it waits.
     */
    private final byte[] buf = new byte[4 * 1024];
    private IdleWatchdog.Watch watch;
    private InputStream in;
    private long firstTokenMs = -1;
    private boolean sawContent;
    private boolean sawStop;
    private boolean ended;
    private boolean errorEvent;
    private String failure;
    private OutputStream out;
    private boolean clientGone;
    private boolean tooLarge;
    private final UsageScanner usage = new UsageScanner();
    private final Capture capture;

    StreamRelay(HttpClientResponse up, IdleWatchdog watchdog, long idleMs, long t0, Capture capture) {
        this.up = up;
        this.capture = capture;
        this.watchdog = watchdog;
        this.idleMs = idleMs;
        this.t0 = t0;
        String enc = up.headers().first(HeaderNames.CONTENT_ENCODING).orElse("identity").trim();
        this.encoded = !enc.isEmpty() && !enc.equalsIgnoreCase("identity");
    }

    long firstTokenMs() {
        return firstTokenMs;
    }

    UsageScanner usage() {
        return usage;
    }

    /** Looks at one whole event on its way: usage events are parsed, every event is captured for the log. */
    private void observe(byte[] b, int off, int len, String name) {
        // reads the data line where it lies (only message_start and message_delta are looked at)
        usage.frame(name, b, off, len);
        if (capture != null) {
            capture.write(b, off, len);
        }
    }

    /** Why the stream failed before commit ({@code error event}, {@code cut}, {@code idle}, {@code empty}). */
    String failure() {
        return failure;
    }

    /** Reads until the stream may be committed or has failed. On failure the upstream is closed. */
    PreCommit awaitCommit() {
        watch = watchdog.watch(idleMs, up::close);
        in = up.inputStream();
        if (encoded) {
            return PreCommit.COMMIT;
        }
        while (!sawContent) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException | RuntimeException e) {
                return failBeforeCommit(watch.fired() ? "idle for " + idleMs + " ms" : "connection lost");
            }
            if (n < 0) {
                ended = true;
                if (sawStop && framer.pending() == 0) {
                    return PreCommit.COMMIT;
                }
                return failBeforeCommit(held.size() == 0 && framer.pending() == 0 ? "empty stream"
                        : "stream ended before any content");
            }
            watch.touch();
            framer.feed(buf, 0, n, this::hold);
            if (errorEvent) {
                return failBeforeCommit("error event before content");
            }
            if (held.size() > MAX_HELD_BYTES) {
                return failBeforeCommit("more than " + MAX_HELD_BYTES + " bytes before any content");
            }
            if (framer.pending() > MAX_EVENT_BYTES) {
                return failBeforeCommit("an event larger than " + MAX_EVENT_BYTES + " bytes");
            }
        }
        return PreCommit.COMMIT;
    }

    private void hold(byte[] b, int off, int len, String name) {
        switch (name) {
            case "error" -> {
                if (!sawContent) {
                    errorEvent = true;
                    return;
                }
            }
            case "content_block_start" -> sawContent = true;
            case "message_stop" -> sawStop = true;
            case "content_block_delta" -> markFirstToken();
            default -> {
            }
        }
        observe(b, off, len, name);
        held.write(b, off, len);
    }

    /** The stream may not commit after all (the client left): stop watching and close the upstream. */
    void abandon() {
        watchdog.release(watch);
        up.close();
    }

    private PreCommit failBeforeCommit(String why) {
        failure = why;
        watchdog.release(watch);
        up.close();
        return PreCommit.FAILED;
    }

    /** After commit: sends what was held, then relays the rest. Headers must already be set on {@code res}. */
    Result relay(ServerResponse res) {
        try {
            try {
                out = res.outputStream();
            } catch (RuntimeException e) {
                clientGone = true;
                return Result.CLIENT_CLOSED;
            }
            if (held.size() > 0) {
                write(held.toByteArray(), 0, held.size());
            }
            held = null;
            flush();
            if (ended) {
                close();
                return clientGone ? Result.CLIENT_CLOSED : Result.COMPLETED;
            }
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException | RuntimeException e) {
                    return upstreamEnded();
                }
                if (n < 0) {
                    break;
                }
                watch.touch();
                if (encoded) {
                    if (capture != null) {
                        capture.write(buf, 0, n);
                    }
                    write(buf, 0, n);
                    flush();
                } else {
                    framer.feed(buf, 0, n, relaySink);
                }
                if (clientGone) {
                    return Result.CLIENT_CLOSED;
                }
                if (!encoded && framer.pending() > MAX_EVENT_BYTES) {
                    tooLarge = true;
                    return upstreamEnded();
                }
            }
            if (framer.pending() > 0) {
                // the upstream ended cleanly but mid-event: pass the tail on rather than swallow it
                byte[] rest = framer.remainder();
                write(rest, 0, rest.length);
            }
            close();
            if (clientGone) {
                return Result.CLIENT_CLOSED;
            }
            return errorEvent ? Result.UPSTREAM_ERROR_EVENT : Result.COMPLETED;
        } finally {
            watchdog.release(watch);
            if (clientGone) {
                up.close();
            }
        }
    }

    /**
     * After commit: the whole events of each read are written together and flushed at once (one
     * chunk and one flush per read instead of one per event; a stream whose events arrive one by
     * one still gets each at once). The events of one feed are contiguous in one array.
     */
    private final SseFramer.Sink relaySink = new SseFramer.Sink() {
        private byte[] runArray;
        private int runOff;
        private int runLen;

        @Override
        public void event(byte[] b, int off, int len, String name) {
            if (name.equals("content_block_delta")) {
                markFirstToken();
            } else if (name.equals("error")) {
                errorEvent = true;
            }
            observe(b, off, len, name);
            if (runLen > 0 && (b != runArray || off != runOff + runLen)) {
                write(runArray, runOff, runLen); // not expected: the framer's events of one feed are contiguous
                runLen = 0;
            }
            if (runLen == 0) {
                runArray = b;
                runOff = off;
            }
            runLen += len;
        }

        @Override
        public void endOfFeed() {
            if (runLen > 0) {
                write(runArray, runOff, runLen);
                flush();
                runLen = 0;
            }
            runArray = null;
        }
    };

    private void markFirstToken() {
        if (firstTokenMs < 0) {
            firstTokenMs = (System.nanoTime() - t0) / 1_000_000L;
        }
    }

    private Result upstreamEnded() {
        boolean idle = watch.fired();
        if (!clientGone) {
            String msg = watch.stopped() ? "Code Proxy is shutting down; stream ended"
                    : tooLarge ? "upstream sent an event larger than " + MAX_EVENT_BYTES + " bytes; stream ended by Code Proxy"
                    : idle ? "upstream stream idle for " + idleMs + " ms; stream ended by Code Proxy"
                    : "upstream connection lost mid-stream; stream ended by Code Proxy";
            ApiError err = watch.stopped() ? new ApiError(503, "overloaded_error", msg)
                    : new ApiError(idle ? 504 : 502, "api_error", msg);
            // only whole events were written, so an event cut in half is dropped: it would corrupt the client's parser
            byte[] e = err.sseEvent().getBytes(StandardCharsets.UTF_8);
            if (!encoded) {
                write(e, 0, e.length);
            }
            close();
        }
        if (tooLarge) {
            up.close();
            return Result.EVENT_TOO_LARGE;
        }
        return idle ? Result.UPSTREAM_IDLE : Result.UPSTREAM_FAILED;
    }

    private void write(byte[] b, int off, int len) {
        if (clientGone) {
            return;
        }
        try {
            out.write(b, off, len);
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed client as ServerConnectionException, a plain RuntimeException
            clientGone = true;
        }
    }

    private void flush() {
        if (clientGone) {
            return;
        }
        try {
            out.flush();
        } catch (IOException | RuntimeException e) {
            clientGone = true;
        }
    }

    private void close() {
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            clientGone = true;
        }
    }
}
