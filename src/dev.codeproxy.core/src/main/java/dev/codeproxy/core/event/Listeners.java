package dev.codeproxy.core.event;

import java.util.List;

/** Fans events out to several listeners; one failing listener never stops the others (or the request). */
public final class Listeners implements ProxyListener {
    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());
    private final List<ProxyListener> all;

    private Listeners(List<ProxyListener> all) {
        this.all = List.copyOf(all);
    }

    public static ProxyListener of(ProxyListener... listeners) {
        return new Listeners(List.of(listeners));
    }

    @Override
    public void onEvent(ProxyEvent event) {
        for (ProxyListener l : all) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event listener failed: " + e);
            }
        }
    }
}
