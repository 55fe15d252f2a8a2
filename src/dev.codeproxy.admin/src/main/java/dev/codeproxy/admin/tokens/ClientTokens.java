package dev.codeproxy.admin.tokens;

import dev.codeproxy.proxy.TokenCheck;
import dev.codeproxy.store.TokenRepository;

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
 */
public final class ClientTokens implements TokenCheck, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientTokens.class.getName());
    /** A use is written at most this often per token. */
    public static final long TOUCH_EVERY_MS = 60_000;

    private record Touch(long id, long at) {
    }

    private final TokenRepository repository;
    private volatile Map<String, Long> active = Map.of();
    private final Map<Long, Long> lastNoted = new ConcurrentHashMap<>();
    private final BlockingQueue<Touch> touches = new ArrayBlockingQueue<>(256);
    private final Thread writer;
    private volatile boolean closed;

    public ClientTokens(TokenRepository repository) {
        this.repository = repository;
        refresh();
        this.writer = Thread.ofPlatform().daemon().name("client-token-uses").start(this::drain);
    }

    public TokenRepository repository() {
        return repository;
    }

    /** Rereads the valid tokens (after a create or revoke, or a change by another process). */
    public void refresh() {
        active = Map.copyOf(repository.activeHashes());
    }

    /** How many stored tokens are valid. */
    public int size() {
        return active.size();
    }

    @Override
    public boolean valid(String token) {
        Map<String, Long> a = active;
        if (token == null || a.isEmpty()) {
            return false;
        }
        Long id = a.get(TokenRepository.hash(token));
        if (id == null) {
            return false;
        }
        long now = System.currentTimeMillis();
        Long last = lastNoted.get(id);
        if (last == null || now - last >= TOUCH_EVERY_MS) {
            // one request per minute and token wins the race; the rest skip the queue
            boolean won = last == null ? lastNoted.putIfAbsent(id, now) == null : lastNoted.replace(id, last, now);
            if (won) {
                touches.offer(new Touch(id, now));
            }
        }
        return true;
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
