package dev.codeproxy.core.event;

/** Receives {@link ProxyEvent}s; implementations must return at once (a slow disk or browser never stalls a stream). */
@FunctionalInterface
public interface ProxyListener {
    ProxyListener NONE = e -> { };

    void onEvent(ProxyEvent event);
}
