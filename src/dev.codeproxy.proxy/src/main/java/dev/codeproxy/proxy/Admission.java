package dev.codeproxy.proxy;

import dev.codeproxy.core.event.ProxyEvent;
import dev.codeproxy.core.event.ProxyListener;
import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.wire.ApiError;

/**
 * Whether one request of one client token may go through, and what it used once it ended. A
 * token without limits gets {@link #UNLIMITED}, which does nothing at all (no allocation, no
 * database work); a token with limits gets one object per request (see the admin module's
 * client tokens). The proxy calls, on the request's thread: {@link #beforeBody} before the body
 * is read, {@link #admit} once the requested model is known, and {@link #completed} through the
 * listener {@link #around} gives it, when the request's record is handed over.
 */
public interface Admission {
    /** A token without limits. */
    Admission UNLIMITED = new Admission() {
    };

    /**
     * A refusal in the Anthropic envelope.
     *
     * @param retryAfterSeconds sent as {@code retry-after} when above 0
     */
    record Refusal(ApiError error, long retryAfterSeconds) {
    }

    /** Checks that need no body (the token expired): null to go on. */
    default Refusal beforeBody() {
        return null;
    }

    /**
     * Checks with the requested model (null when the body names none): allowed models, budget,
     * rates. May wait for the database (never on the caller's carrier); null: admitted.
     */
    default Refusal admit(String model) {
        return null;
    }

    /** The request ended (once per request, refused or not, also when the client went away). */
    default void completed(RequestRecord record) {
    }

    /** The listener for this request: {@code next}, plus {@link #completed} when the record passes by. */
    default ProxyListener around(ProxyListener next) {
        if (this == UNLIMITED) {
            return next;
        }
        return e -> {
            next.onEvent(e);
            if (e instanceof ProxyEvent.RequestCompleted c) {
                completed(c.record());
            }
        };
    }
}
