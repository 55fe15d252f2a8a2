package dev.codeproxy.admin.live;

/** Where a subscriber's messages go (a WebSocket session); {@link #send} may block, on the subscriber's own thread only. */
public interface Outlet {
    void send(String text) throws Exception;

    /** A keep-alive (a WebSocket ping: browsers answer it, which keeps the server from closing an idle socket). */
    default void ping() throws Exception {
    }

    /** Ends the connection (the subscriber stopped). */
    void close();
}
