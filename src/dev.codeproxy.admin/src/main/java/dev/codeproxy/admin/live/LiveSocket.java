package dev.codeproxy.admin.live;

import dev.codeproxy.admin.security.AccessPolicy;
import dev.codeproxy.admin.security.SecurityFilter;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import java.util.Optional;

/**
 * {@code /_/ws}: one instance per connection. The upgrade is checked like any admin request (Host,
 * admin token or session cookie, same Origin) before the socket opens; then the connection is a
 * subscriber of the {@link EventBroker}. What the client sends is ignored. The broker pings every
 * minute; the browser's automatic pong is the activity that keeps Helidon from closing the socket
 * as idle (after 5 minutes without a frame from the client).
 */
public final class LiveSocket implements WsListener {
    public static final String PATH = "/_/ws";

    private final EventBroker broker;
    private final AccessPolicy policy;
    private volatile Runnable unsubscribe;

    public LiveSocket(EventBroker broker, AccessPolicy policy) {
        this.broker = broker;
        this.policy = policy;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        // the remote address is not known here; the HTTP filter (which sees upgrades too) counts failed logins
        AccessPolicy.Decision d = policy.check(prologue.method().text(), prologue.uriPath().rawPath(),
                SecurityFilter.routedPath(prologue.uriPath()), headers, null, false,
                headers.contains(HeaderNames.UPGRADE));
        if (!d.allowed()) {
            throw new WsUpgradeException(d.body());
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        unsubscribe = broker.subscribe(new Outlet() {
            @Override
            public void send(String text) {
                session.send(text, true);
            }

            @Override
            public void ping() {
                session.ping(BufferData.empty());
            }

            @Override
            public void close() {
                session.close(WsCloseCodes.GOING_AWAY, "server stopping");
            }
        });
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        // activity only
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        end();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        end();
    }

    private void end() {
        Runnable u = unsubscribe;
        unsubscribe = null;
        if (u != null) {
            u.run();
        }
    }
}
