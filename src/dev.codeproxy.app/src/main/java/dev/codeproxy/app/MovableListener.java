package dev.codeproxy.app;

import dev.codeproxy.admin.ServerControl;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.BiFunction;

/**
 * The server's one Helidon listener, which a changed {@code host} or {@code port} setting moves
 * while the server runs: the new listener starts beside the old one ({@link #prepare}), takes over
 * when activated, and the old one stops on its own thread once the response that reported the move
 * went out. A failed bind is an exception that names the address and why, and the old listener
 * keeps serving.
 */
final class MovableListener {
    /** Told, under the listener's lock, where it listens now: at start and after every move. */
    interface Listening {
        void at(String host, int port, String url);
    }

    private final BiFunction<String, Integer, WebServer> factory;
    private final Listening listening;
    /** Runs after a move took effect, outside the lock (it may write files). */
    private final Runnable afterMove;
    private volatile WebServer server;
    /** The listen address as configured (a name, an address or a wildcard). */
    private volatile String host;
    private volatile boolean loopback;
    private boolean stopped;

    /**
     * @param factory   a listener with the server's routing on host:port, not started
     * @param listening told where the listener is, as it starts and as it moves
     * @param afterMove runs once a move took effect (Claude Code follows)
     */
    MovableListener(BiFunction<String, Integer, WebServer> factory, Listening listening, Runnable afterMove) {
        this.factory = factory;
        this.listening = listening;
        this.afterMove = afterMove;
    }

    /**
     * Starts listening on host:port (0: any free port).
     *
     * @throws IllegalStateException when the address cannot be bound; the message says why
     */
    synchronized void start(String host, int port) {
        if (server != null || stopped) {
            throw new IllegalStateException("the listener was started already");
        }
        WebServer s = started(factory.apply(host, port), host, port);
        take(s, host);
    }

    /**
     * Starts a second listener on host:port beside the current one; nothing changes for clients
     * until its {@link ServerControl.Listener#activate()}.
     *
     * @throws IllegalStateException when the address cannot be bound (the message says why) or the
     *                               listener stopped
     */
    synchronized ServerControl.Listener prepare(String host, int port) {
        if (stopped) {
            throw new IllegalStateException("the server is stopping");
        }
        WebServer fresh = started(factory.apply(host, port), host, port);
        return new ServerControl.Listener() {
            @Override
            public String url() {
                return "http://" + displayHost(fresh) + ":" + fresh.port();
            }

            @Override
            public Runnable activate() {
                WebServer old;
                synchronized (MovableListener.this) {
                    if (stopped) {
                        // stopped meanwhile: the new listener would outlive the server
                        fresh.stop();
                        return () -> { };
                    }
                    old = server;
                    take(fresh, host);
                }
                afterMove.run();
                // the old listener stops on its own thread: the response that reported the move is
                // still being finished by one of its threads
                return () -> Thread.ofPlatform().daemon().name("old-listener-stop").start(old::stop);
            }

            @Override
            public void abort() {
                fresh.stop();
            }
        };
    }

    private void take(WebServer s, String h) {
        server = s;
        host = h;
        loopback = isLoopback(h);
        listening.at(h, s.port(), url());
    }

    /** Stops the listener; later moves are refused. Idempotent. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (server != null) {
            server.stop();
        }
    }

    int port() {
        return server.port();
    }

    /** Where this machine reaches the listener: {@code http://127.0.0.1:9000} for a wildcard bind; null before start. */
    String url() {
        WebServer s = server;
        if (s == null) {
            return null;
        }
        return "http://" + displayHost(s) + ":" + s.port();
    }

    /**
     * The address the listener is bound to as a URL: {@code http://0.0.0.0:9000} for the wildcard
     * (every address of the machine), unlike {@link #url()}, which is where this machine reaches it.
     */
    String boundUrl() {
        WebServer s = server;
        String h = s.prototype().host();
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + s.port();
    }

    /** The listen address as configured (a name, an address or a wildcard). */
    String host() {
        return host;
    }

    /** Whether the listener is on a loopback address. */
    boolean loopback() {
        return loopback;
    }

    /** Starts a listener; Helidon reports a failed bind only as port -1, this makes it an exception. */
    private static WebServer started(WebServer s, String host, int port) {
        if (port != 0) {
            // Helidon logs a failed bind as two SEVERE lines before it reports port -1: find out first
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(host, port));
            } catch (IOException e) {
                throw new IllegalStateException("cannot listen on " + host + ":" + port + ": "
                        + (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")
                        ? "the port is in use (another Code Proxy? see --port or CODE_PROXY_PORT)"
                        : "the address is not available on this machine (" + e.getMessage() + ")"));
            }
        }
        s.start();
        if (s.port() < 0) {
            s.stop();
            throw new IllegalStateException("cannot listen on " + host + ":" + port
                    + ": the address is in use or not available on this machine");
        }
        return s;
    }

    private static String displayHost(WebServer s) {
        String h = s.prototype().host();
        if (h.equals("0.0.0.0") || h.equals("::")) {
            return "127.0.0.1";
        }
        return h.contains(":") ? "[" + h + "]" : h;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }
}
