package dev.codeproxy.admin;

import dev.codeproxy.admin.security.SecurityFilter;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the admin API's handlers on platform threads of their own, so that the dashboard never
 * slows the proxy.
 *
 * <p>Helidon serves every request on a virtual thread, and the virtual threads share as many
 * carrier threads as there are cores. The admin handlers spend their time in SQLite, which is
 * native code: a virtual thread inside a native call keeps its carrier, and SQLite's busy timeout
 * (10 s) sleeps inside native code too. On two cores, two slow statistics queries used to hold both
 * carriers, and every proxied request and stream waited for them. Here the request's virtual thread
 * hands the rest of the routing (the handler, its database work, writing the answer) to a worker
 * and waits for it, which unmounts it and frees the carrier for the proxy.
 *
 * <p>At most {@value #MAX_WORKERS} workers run at once; idle ones end after 30 s. Past the bound a
 * request runs on its own virtual thread as before rather than queue behind the others. Only paths
 * under {@code /_/api} and the status line move: the proxy path, the dashboard's files and the live
 * socket do no database work on request threads.
 *
 * <p>Workers run at {@link Thread#MIN_PRIORITY}, which the image maps to nice 19 (see scripts/build):
 * when the core is busy, the proxy's request threads run first and the dashboard's queries wait.
 */
final class AdminWorkers implements Filter, AutoCloseable {
    static final int MAX_WORKERS = 8;
    private static final String API = "/_/api";
    /** Claude Code's status line reads the statistics too. */
    private static final String STATUS_LINE = "/_/statusline";

    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_WORKERS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), Thread.ofPlatform().daemon().priority(Thread.MIN_PRIORITY).name("admin-worker-", 1).factory());

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!Thread.currentThread().isVirtual() || !underApi(SecurityFilter.routedPath(req.path()))) {
            chain.proceed();
            return;
        }
        Future<?> done;
        try {
            done = pool.submit(chain::proceed);
        } catch (RejectedExecutionException e) {
            chain.proceed(); // all workers busy (or shutting down): as before, on this thread
            return;
        }
        await(done);
    }

    static boolean underApi(String routed) {
        return routed != null && (routed.equals(API) || routed.startsWith(API + "/") || routed.equals(STATUS_LINE));
    }

    /**
     * Waits for the worker, even when interrupted (the worker is writing this request's answer),
     * and throws what the handler threw, for the server's error handling.
     */
    private static void await(Future<?> done) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Workers running now (for tests and metrics). */
    int active() {
        return pool.getActiveCount();
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
