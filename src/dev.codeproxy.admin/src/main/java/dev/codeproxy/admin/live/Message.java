package dev.codeproxy.admin.live;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One outgoing message, shared by every subscriber: its JSON is made at most once, by the first
 * subscriber thread that sends it (never on the proxy's thread that published it).
 */
final class Message {
    /** Not a message: asks the subscriber's thread for a keep-alive ping. */
    static final Message PING = ofJson("");

    private final Supplier<Object> body;
    private volatile String json;

    Message(Supplier<Object> body) {
        this.body = body;
    }

    static Message ofJson(String json) {
        Message m = new Message(() -> null);
        m.json = json;
        return m;
    }

    String json(Function<Object, String> writer) {
        String j = json;
        if (j == null) {
            synchronized (this) {
                j = json;
                if (j == null) {
                    j = writer.apply(body.get());
                    json = j;
                }
            }
        }
        return j;
    }
}
