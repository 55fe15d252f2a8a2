package dev.codeproxy.proxy;

import dev.codeproxy.core.ApiError;
import dev.codeproxy.core.sse.SseFramer;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Owns every flush of a stream. Upstream bytes are framed into whole SSE events and each event is
 * written to the client exactly as received and flushed at once. Encoded streams (gzip and such)
 * cannot be framed without decoding, so they are written and flushed per read instead. When the
 * upstream dies or goes idle, the client gets an Anthropic {@code event: error} and the end of the
 * stream: it never hangs.
 */
final class StreamRelay {
    enum Result { COMPLETED, CLIENT_CLOSED, UPSTREAM_FAILED, UPSTREAM_IDLE }

    private final HttpClientResponse up;
    private final ServerResponse res;
    private final IdleWatchdog watchdog;
    private final long idleMs;
    private final long t0;
    private final boolean encoded;
    private long firstTokenMs = -1;
    private OutputStream out;
    private boolean clientGone;

    StreamRelay(HttpClientResponse up, ServerResponse res, IdleWatchdog watchdog, long idleMs, long t0) {
        this.up = up;
        this.res = res;
        this.watchdog = watchdog;
        this.idleMs = idleMs;
        this.t0 = t0;
        String enc = up.headers().first(HeaderNames.CONTENT_ENCODING).orElse("identity").trim();
        this.encoded = !enc.isEmpty() && !enc.equalsIgnoreCase("identity");
    }

    long firstTokenMs() {
        return firstTokenMs;
    }

    Result run() {
        IdleWatchdog.Watch watch = watchdog.watch(idleMs, up::close);
        SseFramer framer = new SseFramer();
        byte[] buf = new byte[16 * 1024];
        try {
            out = res.outputStream();
            InputStream in = up.inputStream();
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException | RuntimeException e) {
                    return upstreamEnded(watch, framer);
                }
                if (n < 0) {
                    break;
                }
                watch.touch();
                if (encoded) {
                    write(buf, 0, n);
                    flush();
                } else {
                    framer.feed(buf, 0, n, (b, off, len, name) -> {
                        if (firstTokenMs < 0 && name.equals("content_block_delta")) {
                            firstTokenMs = (System.nanoTime() - t0) / 1_000_000L;
                        }
                        write(b, off, len);
                        flush();
                    });
                }
                if (clientGone) {
                    return Result.CLIENT_CLOSED;
                }
            }
            if (framer.pending() > 0) {
                // the upstream ended cleanly but mid-event: pass the tail on rather than swallow it
                byte[] rest = framer.remainder();
                write(rest, 0, rest.length);
            }
            if (clientGone) {
                return Result.CLIENT_CLOSED;
            }
            close();
            return clientGone ? Result.CLIENT_CLOSED : Result.COMPLETED;
        } finally {
            watchdog.release(watch);
            if (clientGone) {
                up.close();
            }
        }
    }

    private Result upstreamEnded(IdleWatchdog.Watch watch, SseFramer framer) {
        boolean idle = watch.fired();
        if (!clientGone) {
            String msg = idle ? "upstream stream idle for " + idleMs + " ms; stream ended by Code Proxy"
                    : "upstream connection lost mid-stream; stream ended by Code Proxy";
            ApiError err = idle ? new ApiError(504, "api_error", msg) : new ApiError(502, "api_error", msg);
            // an event cut in half is dropped: half an event would corrupt the client's parser
            byte[] e = ((framer.pending() > 0 && !encoded ? "\n\n" : "") + err.sseEvent())
                    .getBytes(StandardCharsets.UTF_8);
            if (!encoded) {
                write(e, 0, e.length);
            }
            close();
        }
        return idle ? Result.UPSTREAM_IDLE : Result.UPSTREAM_FAILED;
    }

    private void write(byte[] b, int off, int len) {
        if (clientGone) {
            return;
        }
        try {
            out.write(b, off, len);
        } catch (IOException | UncheckedIOException e) {
            clientGone = true;
        }
    }

    private void flush() {
        if (clientGone) {
            return;
        }
        try {
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            clientGone = true;
        }
    }

    private void close() {
        try {
            out.close();
        } catch (IOException | UncheckedIOException e) {
            clientGone = true;
        }
    }
}
