package dev.codeproxy.admin.tokens;

import dev.codeproxy.proxy.Admission;
import dev.codeproxy.proxy.TokenCheck;
import dev.codeproxy.store.PriceRepository;
import dev.codeproxy.store.TokenMeter;
import dev.codeproxy.store.TokenRepository;
import dev.codeproxy.store.TokenRepository.StoredToken;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The stored client tokens as the proxy path checks them: an in-memory map of SHA-256 hashes,
 * replaced whenever a token is created or revoked ({@link #refresh()}). A valid token's last use
 * is written at most once a minute, never on the request's thread: the check only offers the id
 * to a small queue (dropping it when full) that one platform thread drains into the database.
 *
 * <p>A token with limits ({@link dev.codeproxy.store.TokenLimits}) is admitted request by request
 * ({@link #admission}): its limits are read with the token (so a change is in force on the next
 * refresh), what it used is counted in the database by the {@link TokenGate}.
 */
public final class ClientTokens implements TokenCheck, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientTokens.class.getName());
    /** A use is written at most this often per token. */
    public static final long TOUCH_EVERY_MS = 60_000;

    private record Touch(long id, long at) {
    }

    private final TokenRepository repository;
    private volatile Map<String, StoredToken> active = Map.of();
    private final TokenGate gate;
    private final Map<Long, Long> lastNoted = new ConcurrentHashMap<>();
    private final BlockingQueue<Touch> touches = new ArrayBlockingQueue<>(256);
    private final Thread writer;
    private volatile boolean closed;

    public ClientTokens(TokenRepository repository) {
        this(repository, Clock.systemUTC(), TokenGate.TIMEOUT);
    }

    /**
     * @param clock   the time budget periods, rate windows and expiry are measured by (UTC)
     * @param timeout how long a request of a limited token waits for the database before it is refused
     */
    public ClientTokens(TokenRepository repository, Clock clock, Duration timeout) {
        this.repository = repository;
        this.gate = new TokenGate(new TokenMeter(repository.client()), new PriceRepository(repository.client()), clock,
                timeout);
        refresh();
        this.writer = Thread.ofPlatform().daemon().name("client-token-uses").start(this::drain);
    }

    public TokenRepository repository() {
        return repository;
    }

    /** What a token used: its spend this period and its requests and tokens this minute (a database read). */
    public TokenMeter.Usage usage(StoredToken t) {
        return gate.meter().usage(t.id(), t.limits(), gate.clock().instant());
    }

    /** The clock limits are measured by (UTC). */
    public Clock clock() {
        return gate.clock();
    }

    /** Rereads the valid tokens (after a create or revoke, or a change by another process). */
    public void refresh() {
        active = Map.copyOf(repository.activeTokens());
    }

    /** How many stored tokens are valid. */
    public int size() {
        return active.size();
    }

    /** Valid: stored, not revoked, not expired. */
    @Override
    public boolean valid(String token) {
        StoredToken t = lookup(token);
        return t != null && !t.limits().expiredAt(gate.clock().instant());
    }

    /**
     * A stored token's admission: {@link Admission#UNLIMITED} without limits (nothing more than
     * the check above), one {@link LimitedAdmission} per request with limits, null when unknown.
     */
    @Override
    public Admission admission(String token) {
        StoredToken t = lookup(token);
        if (t == null) {
            return null;
        }
        return t.limits().enforced() ? new LimitedAdmission(t, gate) : Admission.UNLIMITED;
    }

    private StoredToken lookup(String token) {
        Map<String, StoredToken> a = active;
        if (token == null || a.isEmpty()) {
            return null;
        }
        StoredToken t = a.get(TokenRepository.hash(token));
        if (t == null) {
            return null;
        }
        long id = t.id();
        long now = System.currentTimeMillis();
        Long last = lastNoted.get(id);
        if (last == null || now - last >= TOUCH_EVERY_MS) {
            // one request per minute and token wins the race; the rest skip the queue
            boolean won = last == null ? lastNoted.putIfAbsent(id, now) == null : lastNoted.replace(id, last, now);
            if (won) {
                touches.offer(new Touch(id, now));
            }
        }
        return t;
    }

    private void drain() {
        while (!closed) {
            try {
                Touch t = touches.poll(1, TimeUnit.SECONDS);
                if (t != null) {
                    repository.touch(t.id(), t.at());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "could not record a client token's last use: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        gate.close();
        closed = true;
        writer.interrupt();
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // uses still queued are written now: they are few (one per token and minute)
        Touch t;
        while ((t = touches.poll()) != null) {
            try {
                repository.touch(t.id(), t.at());
            } catch (RuntimeException e) {
                return;
            }
        }
    }
}
