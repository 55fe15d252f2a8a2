package dev.codeproxy.admin.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-use login codes: what the banner, the browser and {@code code-proxy login} carry in
 * {@code /_/login?code=...} instead of the admin token. A code is 128 random bits, valid for
 * {@link #TTL_MS} (2 minutes) and consumed by its first use, right or late. At most
 * {@link #MAX_OPEN} codes wait at once; issuing more drops the oldest.
 */
public final class LoginCodes {
    /** How long a code stays valid: 2 minutes. */
    public static final long TTL_MS = 120_000;
    static final int MAX_OPEN = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Map<String, Long> open = new ConcurrentHashMap<>();

    public LoginCodes(Clock clock) {
        this.clock = clock;
    }

    /** A new code, valid for {@link #TTL_MS} from now. */
    public String issue() {
        long now = clock.millis();
        prune(now);
        if (open.size() >= MAX_OPEN) {
            open.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(e -> open.remove(e.getKey()));
        }
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        String code = HexFormat.of().formatHex(b);
        open.put(code, now + TTL_MS);
        return code;
    }

    /** Whether {@code code} is an open code that has not expired; consumes it either way. */
    public boolean redeem(String code) {
        if (code == null) {
            return false;
        }
        Long until = open.remove(code.strip());
        return until != null && clock.millis() < until;
    }

    private void prune(long now) {
        for (Iterator<Long> it = open.values().iterator(); it.hasNext(); ) {
            if (it.next() <= now) {
                it.remove();
            }
        }
    }
}
