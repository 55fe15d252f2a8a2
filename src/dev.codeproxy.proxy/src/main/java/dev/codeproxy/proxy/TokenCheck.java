package dev.codeproxy.proxy;

/** Decides whether a client token may use the proxy path. */
@FunctionalInterface
public interface TokenCheck {
    boolean valid(String token);
}
