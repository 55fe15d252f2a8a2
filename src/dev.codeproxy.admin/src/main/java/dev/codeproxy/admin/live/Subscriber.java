package dev.codeproxy.admin.live;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One live client: a bounded queue that publishers only ever offer to, and one virtual thread that
 * drains it into the client's {@link Outlet}. When the client is slower than the events (a paused
 * tab, a slow network), the oldest queued messages are dropped and the next thing it receives is
 * {@code {"type":"resync"}} followed by a fresh snapshot. A publisher never waits.
 */
final class Subscriber {
    private static final Logger LOG = Logger.getLogger(Subscriber.class.getName());
    static final String RESYNC = "{\"type\":\"resync\"}";

    private final BlockingQueue<Message> queue;
    private final Outlet outlet;
    private final Function<Object, String> writer;
    private final Supplier<Message> snapshot;
    private final Runnable onEnd;
    private final AtomicBoolean resync = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong globalDropped;
    private volatile boolean open = true;
    private Thread thread;

    Subscriber(int capacity, Outlet outlet, Function<Object, String> writer, Supplier<Message> snapshot,
               AtomicLong globalDropped, Runnable onEnd) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.outlet = outlet;
        this.writer = writer;
        this.snapshot = snapshot;
        this.globalDropped = globalDropped;
        this.onEnd = onEnd;
    }

    /** Starts draining; the snapshot goes first. */
    void start(Message first) {
        queue.offer(first);
        thread = Thread.ofVirtual().name("live-subscriber").start(this::drain);
    }

    /** Never blocks: a full queue loses its oldest message and the client is told to resync. */
    void offer(Message m) {
        if (!open) {
            return;
        }
        while (!queue.offer(m)) {
            if (queue.poll() != null) {
                dropped.incrementAndGet();
                globalDropped.incrementAndGet();
                resync.set(true);
            }
        }
    }

    long dropped() {
        return dropped.get();
    }

    int queued() {
        return queue.size();
    }

    private void drain() {
        try {
            while (open) {
                Message m = queue.take();
                if (resync.getAndSet(false)) {
                    outlet.send(RESYNC);
                    outlet.send(snapshot.get().json(writer));
                }
                if (m == Message.PING) {
                    outlet.ping();
                } else {
                    outlet.send(m.json(writer));
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (Exception e) {
            LOG.log(Level.FINE, "live client gone: " + e);
        } finally {
            open = false;
            queue.clear();
            onEnd.run();
        }
    }

    /** Stops the drainer (the socket closed, or the server stops). */
    void stop() {
        open = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Stops the drainer and closes the connection, on another thread: a stuck socket must not stall a stop. */
    void closeOutlet() {
        stop();
        Thread.ofVirtual().name("live-subscriber-close").start(() -> {
            try {
                outlet.close();
            } catch (RuntimeException e) {
                // already gone
            }
        });
    }
}
