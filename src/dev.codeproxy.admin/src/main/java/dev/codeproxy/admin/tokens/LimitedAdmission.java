package dev.codeproxy.admin.tokens;

import dev.codeproxy.core.event.RequestRecord;
import dev.codeproxy.core.wire.ApiError;
import dev.codeproxy.proxy.Admission;
import dev.codeproxy.store.TokenLimits;
import dev.codeproxy.store.TokenRepository.StoredToken;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request of a token with limits: expiry before the body is read, then the allowed models
 * (in memory) and the budget and rates (in the database, through the {@link TokenGate}); once
 * admitted, its cost and tokens are charged when it ends, whatever the end.
 */
final class LimitedAdmission implements Admission {
    private final StoredToken token;
    private final TokenGate gate;
    private volatile boolean admitted;
    private final AtomicBoolean charged = new AtomicBoolean();

    LimitedAdmission(StoredToken token, TokenGate gate) {
        this.token = token;
        this.gate = gate;
    }

    @Override
    public Refusal beforeBody() {
        TokenLimits l = token.limits();
        if (l.expiredAt(gate.clock().instant())) {
            return new Refusal(ApiError.permission("client token '" + token.name() + "' expired on " + l.expires()
                    + " (00:00 UTC); refused since then: ask for a new token or a later expiry"), 0);
        }
        return null;
    }

    @Override
    public Refusal admit(String model) {
        TokenLimits l = token.limits();
        if (!l.allows(model)) {
            return new Refusal(ApiError.permission("client token '" + token.name() + "' may use only the models "
                    + String.join(", ", l.models()) + " (a model is allowed when its name contains one of them); "
                    + "this request asked for '" + (model.length() > 100 ? model.substring(0, 100) + "..." : model) + "'"), 0);
        }
        if (!l.metered()) {
            admitted = true;
            return null;
        }
        TokenGate.Decision d = gate.admit(token);
        admitted = d.refusal() == null;
        return d.refusal();
    }

    @Override
    public void completed(RequestRecord record) {
        if (admitted && token.limits().metered() && charged.compareAndSet(false, true)) {
            gate.charge(token, record);
        }
    }
}
