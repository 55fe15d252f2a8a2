package dev.codeproxy.proxy;

/** Decides whether a client token may use the proxy path. */
@FunctionalInterface
public interface TokenCheck {
    boolean valid(String token);

    /**
     * How a request with this token is admitted: null when the token is not valid,
     * {@link Admission#UNLIMITED} when it has no limits (the default for every valid token).
     */
    default Admission admission(String token) {
        return valid(token) ? Admission.UNLIMITED : null;
    }
}
