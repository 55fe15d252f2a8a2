package dev.codeproxy.app;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT / SIGTERM handling: the first signal starts a graceful stop on its own thread, a second
 * one stops at once. (The JVM's own handling runs shutdown hooks once and ignores a second Ctrl-C.)
 */
final class Signals {
    private Signals() {
    }

    static void onStop(Runnable graceful, Runnable immediate) {
        AtomicInteger count = new AtomicInteger();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (count.incrementAndGet() == 1) {
                        Thread.ofPlatform().name("code-proxy-stop").start(graceful);
                    } else {
                        immediate.run();
                    }
                });
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the shutdown hook still stops cleanly
            }
        }
    }
}
