package dev.codeproxy.admin.security;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The dashboard's sessions, kept on the server only. A login creates a session whose id (256
 * random bits) is the cookie's value; the store keeps only the id's SHA-256, so neither a heap
 * dump nor the sessions list can be replayed as a cookie. A session ends when it has been idle
 * for {@link #IDLE_MS} (12 hours), {@link #ABSOLUTE_MS} (7 days) after login, on logout, on "log
 * out everywhere" and when the admin token is rotated. With a file, sessions survive a restart:
 * the file (mode 0600, written atomically) holds only the hashes, so it cannot be replayed as a
 * cookie either; last use is written at most once a minute per session.
 */
public final class SessionStore {
    private static final Logger LOG = Logger.getLogger(SessionStore.class.getName());
    /** Name of the sessions file in the data directory. */
    public static final String FILE = "admin-sessions.json";
    public static final long IDLE_MS = 12L * 3600 * 1000;
    public static final long ABSOLUTE_MS = 7L * 24 * 3600 * 1000;
    /** Sessions kept at most; a login past it ends the least recently used one. */
    static final int MAX_SESSIONS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One session as the dashboard lists it.
     *
     * @param handle a short public name of the session (a hash prefix: not usable as a cookie)
     */
    public record Info(String handle, long createdAt, long lastSeenAt, long expiresAt, String remote,
                       String userAgent) {
    }

    private static final class Session {
        final String handle;
        final long created;
        volatile long lastSeen;
        final String remote;
        final String userAgent;

        Session(String handle, long created, String remote, String userAgent) {
            this.handle = handle;
            this.created = created;
            this.lastSeen = created;
            this.remote = remote;
            this.userAgent = userAgent;
        }
    }

    /** How often a session's last use is written to the file at most. */
    static final long SAVE_TOUCH_MS = 60_000;

    private final Clock clock;
    private final Path file;
    private final Map<String, Session> byHash = new ConcurrentHashMap<>();
    private volatile long savedAt;

    /** Sessions in memory only (they end with the process). */
    public SessionStore(Clock clock) {
        this(clock, null);
    }

    /**
     * Sessions kept in {@code file} too (null: memory only). A file that cannot be read is left
     * aside: every browser logs in again, nothing else is lost.
     */
    public SessionStore(Clock clock, Path file) {
        this.clock = clock;
        this.file = file;
        load();
    }

    /** Starts a session; returns its id (the cookie value; never stored). */
    public String create(String remote, String userAgent) {
        long now = clock.millis();
        prune(now);
        if (byHash.size() >= MAX_SESSIONS) {
            byHash.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().lastSeen))
                    .ifPresent(e -> byHash.remove(e.getKey()));
        }
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        String hash = hash(id);
        byHash.put(hash, new Session(hash.substring(0, 12), now, clip(remote, 64), clip(userAgent, 200)));
        save();
        return id;
    }

    /** Whether {@code id} names a live session; a valid one counts as activity. */
    public boolean touch(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return false;
        }
        String hash = hash(id);
        Session s = byHash.get(hash);
        if (s == null) {
            return false;
        }
        long now = clock.millis();
        if (expired(s, now)) {
            byHash.remove(hash);
            save();
            return false;
        }
        s.lastSeen = now;
        if (now - savedAt >= SAVE_TOUCH_MS) {
            save();
        }
        return true;
    }

    /** The handle of the session {@code id} names, or null. */
    public String handleOf(String id) {
        Session s = id == null || id.length() > 100 ? null : byHash.get(hash(id));
        return s == null ? null : s.handle;
    }

    /** Ends the session with this cookie value; false when there was none. */
    public boolean revoke(String id) {
        boolean removed = id != null && id.length() <= 100 && byHash.remove(hash(id)) != null;
        if (removed) {
            save();
        }
        return removed;
    }

    /** Ends the session listed under {@code handle}; false when there was none. */
    public boolean revokeHandle(String handle) {
        boolean removed = byHash.entrySet().removeIf(e -> e.getValue().handle.equals(handle));
        if (removed) {
            save();
        }
        return removed;
    }

    /** Ends every session; returns how many there were. */
    public int revokeAll() {
        int n = byHash.size();
        byHash.clear();
        save();
        return n;
    }

    /** The live sessions, most recently used first. */
    public List<Info> list() {
        long now = clock.millis();
        prune(now);
        List<Info> out = new ArrayList<>();
        for (Session s : byHash.values()) {
            out.add(new Info(s.handle, s.created, s.lastSeen, Math.min(s.lastSeen + IDLE_MS, s.created + ABSOLUTE_MS),
                    s.remote, s.userAgent));
        }
        out.sort(Comparator.comparingLong(Info::lastSeenAt).reversed());
        return out;
    }

    /** Seconds a browser should keep the cookie: the absolute lifetime. */
    public static long cookieMaxAgeSeconds() {
        return ABSOLUTE_MS / 1000;
    }

    private void prune(long now) {
        byHash.values().removeIf(s -> expired(s, now));
    }

    private void load() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        long now = clock.millis();
        try (JsonReader r = Json.createReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            for (JsonValue v : r.readObject().getJsonArray("sessions")) {
                JsonObject o = v.asJsonObject();
                String hash = o.getString("hash");
                if (!hash.matches("[0-9a-f]{64}")) {
                    continue;
                }
                Session s = new Session(hash.substring(0, 12), o.getJsonNumber("createdAt").longValue(),
                        clip(o.getString("remote", ""), 64), clip(o.getString("userAgent", ""), 200));
                s.lastSeen = o.getJsonNumber("lastSeenAt").longValue();
                if (!expired(s, now) && byHash.size() < MAX_SESSIONS) {
                    byHash.put(hash, s);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("dashboard sessions in " + file + " could not be read (" + e.getClass().getSimpleName()
                    + "); every browser logs in again");
            byHash.clear();
        }
    }

    private synchronized void save() {
        if (file == null) {
            return;
        }
        long now = clock.millis();
        savedAt = now;
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (var e : byHash.entrySet()) {
            Session s = e.getValue();
            if (!expired(s, now)) {
                a.add(Json.createObjectBuilder().add("hash", e.getKey()).add("createdAt", s.created)
                        .add("lastSeenAt", s.lastSeen).add("remote", s.remote).add("userAgent", s.userAgent));
            }
        }
        String json = Json.createObjectBuilder().add("format", "code-proxy-sessions/1").add("sessions", a).build()
                .toString();
        try {
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warning("dashboard sessions could not be saved to " + file + ": " + e.getMessage()
                    + " (they end when the server stops)");
        }
    }

    private static boolean expired(Session s, long now) {
        return now - s.lastSeen >= IDLE_MS || now - s.created >= ABSOLUTE_MS;
    }

    private static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(max).forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return b.toString();
    }

    static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
