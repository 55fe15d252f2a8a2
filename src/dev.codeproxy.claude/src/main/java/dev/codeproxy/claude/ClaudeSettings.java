package dev.codeproxy.claude;

import jakarta.json.Json;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Points Claude Code at the proxy through the {@code env} object of its {@code settings.json},
 * and takes exactly that back again.
 *
 * <ul>
 *   <li>{@link #apply} merges the wanted keys into {@code env}; {@code env.ANTHROPIC_API_KEY} and a
 *       top-level {@code apiKeyHelper} (they would bypass the proxy's token) are set aside.</li>
 *   <li>Before the first change the file is copied to {@code settings.json.backup}, and a ledger
 *       ({@code claude-ledger.json} in the data directory, mode 0600) records every key's value
 *       before and after. The ledger is written before the settings file, atomically.</li>
 *   <li>{@link #restore} reverts only the keys that still hold the proxy's value and puts set-aside
 *       keys back unless the user set them again; every other key stays as it is.
 *       {@link #recoverIfNeeded} does the same at startup after a crash.</li>
 *   <li>Writes are atomic (temporary file in the same directory, then rename), keep the file's
 *       mode, go through a symbolic link to its target, and print like
 *       {@code JSON.stringify(obj, null, 2)} with a trailing newline, keys in their order.</li>
 *   <li>A file that is not one well-formed JSON object (or whose {@code env} is not an object) is
 *       never written: {@link ClaudeSettingsException} names the file, line and column.</li>
 * </ul>
 *
 * Values are never put in messages or logs, only key names. One instance per data directory is
 * enough; calls are serialised in this process and, through a file lock, across processes.
 *
 * <p>Instances with different data directories may share one settings file. The one that
 * applied is named in {@code settings.json.code-proxy} ({@link Claim}; locked around every apply
 * and restore by {@link ClaimLock}). {@link #apply} refuses a file that another running instance
 * holds ({@link HeldByAnotherProxy}, naming it) and first restores one left by an instance that no
 * longer runs; {@link #restoreAbandoned} does the latter alone. So at most one ledger describes
 * the file at a time, and no instance ever restores another one's values.
 */
public final class ClaudeSettings {
    /** The settings file inside Claude Code's config directory. */
    public static final String FILE_NAME = "settings.json";
    /** The backup is the settings path plus this suffix. */
    static final String BACKUP_SUFFIX = ".backup";
    /** The ledger inside the data directory. */
    public static final String LEDGER_NAME = "claude-ledger.json";
    /** Claude Code's variable for its config directory. */
    static final String CONFIG_DIR_ENV = "CLAUDE_CONFIG_DIR";

    private static final String LOCK_NAME = "claude-ledger.lock";
    private static final String ENV = "env";
    private static final int ATTEMPTS = 5;
    private static final System.Logger LOG = System.getLogger(ClaudeSettings.class.getName());
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path target;
    private final Path dataDir;
    private final Path ledgerFile;
    private final Owner owner;

    /**
     * @param configDir Claude Code's config directory (see {@link #resolveDir}); the file is
     *                  {@code configDir/settings.json}
     * @param dataDir   Code Proxy's data directory, where the ledger lives
     */
    public ClaudeSettings(Path configDir, Path dataDir) {
        this(configDir, dataDir, Owner.UNKNOWN);
    }

    /**
     * @param owner who applies, as other instances will see it in the claim, and how to tell
     *              whether another data directory's Code Proxy is running
     */
    public ClaudeSettings(Path configDir, Path dataDir, Owner owner) {
        this.target = configDir.toAbsolutePath().resolve(FILE_NAME);
        this.dataDir = dataDir.toAbsolutePath();
        this.ledgerFile = this.dataDir.resolve(LEDGER_NAME);
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /**
     * Who applies. Several instances (different data directories) may share one Claude config
     * directory; the one that points {@code settings.json} at itself records this in the claim
     * ({@code settings.json.code-proxy}) so the others can name it and tell whether it still runs.
     *
     * @param pid       this process
     * @param url       this instance's URL, or null when no server runs ({@code claude apply})
     * @param isServing whether the Code Proxy of a data directory is running now (its data
     *                  directory lock is held)
     */
    public record Owner(long pid, String url, Predicate<Path> isServing) {
        /**
         * Without a way to tell, another data directory's instance counts as running: nothing
         * is taken over that might still be in use.
         */
        public static final Owner UNKNOWN = new Owner(ProcessHandle.current().pid(), null, dir -> true);
    }

    /** {@code settings.json.code-proxy} next to the settings file: who holds it, and the lock for changing it. */
    Path claimFile() {
        return claimFileOf(target);
    }

    private static Path claimFileOf(Path settingsPath) {
        return settingsPath.resolveSibling(FILE_NAME + Claim.SUFFIX);
    }

    /**
     * Claude Code's config directory: the flag if given, else {@code $CLAUDE_CONFIG_DIR}, else
     * {@code home/.claude}. Blank values count as not given.
     */
    public static Path resolveDir(String flagOrNull, Map<String, String> env, Path home) {
        if (flagOrNull != null && !flagOrNull.isBlank()) {
            return Path.of(flagOrNull.strip()).toAbsolutePath();
        }
        String e = env.get(CONFIG_DIR_ENV);
        if (e != null && !e.isBlank()) {
            return Path.of(e.strip()).toAbsolutePath();
        }
        return home.toAbsolutePath().resolve(".claude");
    }

    /** The home directory as Claude Code (Node's os.homedir) sees it: $HOME (%USERPROFILE% on Windows), else user.home. */
    public static Path userHome(Map<String, String> env) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
        String h = env.get(windows ? "USERPROFILE" : "HOME");
        return Path.of(h != null && !h.isBlank() ? h : System.getProperty("user.home"));
    }

    /** {@code configDir/settings.json} (possibly a symbolic link; writes go to its target). */
    Path settingsFile() {
        return target;
    }

    /** {@code settings.json.backup} next to the settings file. */
    Path backupFile() {
        return target.resolveSibling(FILE_NAME + BACKUP_SUFFIX);
    }

    /** {@code dataDir/claude-ledger.json}. */
    public Path ledgerFile() {
        return ledgerFile;
    }

    /** Whether a ledger exists, i.e. some settings file currently carries the proxy's keys. */
    public boolean applied() {
        return Files.exists(ledgerFile);
    }

    // ---------------------------------------------------------------- results

    /**
     * What {@link #apply} did.
     *
     * @param file      the settings path
     * @param created   the file did not exist and was created
     * @param written   keys whose value was written now
     * @param unchanged keys that already held the wanted value
     * @param reverted  keys of an earlier apply that are no longer wanted, set back to their old value
     * @param setAside  credentials set aside now ({@code env.ANTHROPIC_API_KEY}, {@code apiKeyHelper})
     * @param backup    the backup written now, or null (none needed, or one from this ledger exists)
     * @param changed   whether the settings file was written at all
     * @param abandoned the settings pointed at another Code Proxy that no longer runs: what it
     *                  left was restored first (its pid, URL and data directory), else null
     */
    public record ApplyResult(Path file, boolean created, List<String> written, List<String> unchanged,
                              List<String> reverted, List<String> setAside, Path backup, boolean changed,
                              String abandoned) {
    }

    /**
     * What {@link #restore} did.
     *
     * @param file       the settings path of the ledger (null if nothing was applied)
     * @param wasApplied false if there was no ledger, so nothing was done
     * @param reverted   keys set back to the value they had before (or removed if they had none)
     * @param keptUser   keys the user changed or removed while applied: left as they are
     * @param putBack    set-aside keys put back
     * @param notPutBack set-aside keys not put back: the user set them again (or the file is gone)
     * @param fileRemoved the proxy had created the file and nothing else was in it: deleted
     * @param fileMissing the file was gone, nothing could be reverted
     * @param dirCreated  the proxy had created the settings directory (removed again when empty)
     */
    public record RestoreResult(Path file, boolean wasApplied, List<String> reverted, List<String> keptUser,
                                List<String> putBack, List<String> notPutBack, boolean fileRemoved,
                                boolean fileMissing, boolean dirCreated) {
    }

    /** The state of one key the proxy wrote. */
    public enum KeyState {
        /** still holds the proxy's value */
        OURS,
        /** the user changed it since */
        CHANGED,
        /** the key (or the file) is gone */
        REMOVED,
        /** the file cannot be read */
        UNKNOWN
    }

    /**
     * @param key         the env key
     * @param state       whether it still holds the proxy's value
     * @param hadPrevious whether the key existed before the proxy wrote it
     */
    public record KeyStatus(String key, KeyState state, boolean hadPrevious) {
    }

    /**
     * @param applied    a ledger exists
     * @param file       the settings path (the ledger's when applied)
     * @param realFile   where writes go (the symlink target, if it is one)
     * @param fileExists whether the file exists
     * @param problem    why the file cannot be edited (malformed ...), null if it can
     * @param keys       the keys the proxy wrote, empty if not applied
     * @param setAside   credentials set aside while applied
     * @param backup     the backup made before the first change, or null
     * @param ledger     the ledger path
     */
    public record Status(boolean applied, Path file, Path realFile, boolean fileExists, String problem,
                         List<KeyStatus> keys, List<String> setAside, Path backup, Path ledger) {
    }

    // ---------------------------------------------------------------- operations

    /**
     * Makes the file's {@code env} hold {@code wanted} (keys of an earlier apply that are no longer
     * wanted are reverted) and sets conflicting credentials aside.
     *
     * @throws ClaudeSettingsException the file is malformed or not an object; nothing was written
     * @throws IllegalArgumentException a wanted key is blank, has a null value, or is one that is set aside
     * @throws UncheckedIOException     reading or writing failed (the message names the file)
     */
    public ApplyResult apply(LinkedHashMap<String, String> wanted) {
        return apply(wanted, new LinkedHashMap<>());
    }

    /**
     * As {@link #apply(LinkedHashMap)}, and sets top-level keys ({@code statusLine}) only where the
     * file has none: a key the user set stays theirs; one the proxy set earlier is updated, and
     * reverted once it is no longer wanted or on {@link #restore}, while it still holds the
     * proxy's value.
     */
    public ApplyResult apply(LinkedHashMap<String, String> wanted, LinkedHashMap<String, JsonValue> topIfAbsent) {
        Objects.requireNonNull(wanted, "wanted");
        Objects.requireNonNull(topIfAbsent, "topIfAbsent");
        wanted.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException("env keys must be non-blank with a value: " + k);
            }
            if (k.equals(ClaudeEnv.API_KEY)) {
                throw new IllegalArgumentException(k + " is set aside while applied; it cannot be written");
            }
        });
        LinkedHashMap<String, String> w = new LinkedHashMap<>(wanted);
        boolean dirExisted = Files.isDirectory(target.getParent());
        try (ClaimLock claim = ClaimLock.acquire(claimFile())) {
            Claim holder = claim.read();
            String abandoned = null;
            if (holder != null && !holder.isOf(dataDir)) {
                if (owner.isServing().test(holder.dataDir())) {
                    throw new HeldByAnotherProxy(target, holder);
                }
                restoreAbandoned(holder);
                abandoned = holder.describe();
            }
            claim.write(new Claim(dataDir, owner.pid(), owner.url()));
            try {
                ApplyResult r = locked(() -> applyLocked(w, new LinkedHashMap<>(topIfAbsent), dirExisted));
                return abandoned == null ? r : new ApplyResult(r.file(), r.created(), r.written(), r.unchanged(),
                        r.reverted(), r.setAside(), r.backup(), r.changed(), abandoned);
            } catch (RuntimeException e) {
                if (!Files.exists(ledgerFile)) {
                    claim.write(null); // nothing of ours is in the file: we hold nothing
                }
                throw e;
            }
        }
    }

    private ApplyResult applyLocked(LinkedHashMap<String, String> w, LinkedHashMap<String, JsonValue> top,
                                    boolean dirExisted) {
        Ledger base = readLedger();
        if (base != null && !base.target().equals(target)) {
            LOG.log(System.Logger.Level.INFO, "Claude Code settings moved from {0} to {1}; restoring the old one first",
                    base.target(), target);
            restoreLocked(base);
            base = null;
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                return applyOnce(base, w, top, dirExisted);
            } catch (FileOps.ChangedMeanwhile e) {
                // somebody (Claude Code itself?) wrote the file while we were editing: start over
                putLedgerBack(base);
            }
        }
        throw new UncheckedIOException(new IOException(target + " kept changing while Code Proxy was editing it; "
                + "nothing was changed, try again"));
    }

    /**
     * Takes back what the ledger records, then deletes the ledger. Without a ledger nothing happens
     * ({@code wasApplied == false}).
     *
     * @throws ClaudeSettingsException the file is malformed now; nothing was written, the ledger is kept
     */
    public RestoreResult restore() {
        if (!Files.exists(ledgerFile)) {
            return notApplied(); // without taking the claim lock, which would create the settings directory
        }
        RestoreResult r;
        try (ClaimLock claim = ClaimLock.acquire(claimFileOf(ledgerTarget()))) {
            r = locked(() -> {
                Ledger l = readLedger();
                return l == null ? notApplied() : restoreLocked(l);
            });
            releaseClaim(claim);
        }
        removeCreatedDir(r);
        return r;
    }

    /**
     * At startup: if a ledger survived (the proxy did not stop cleanly), restore from it so the next
     * {@link #apply} starts from the user's own values.
     *
     * @return what was restored, empty if there was no ledger
     */
    public Optional<RestoreResult> recoverIfNeeded() {
        if (!Files.exists(ledgerFile)) {
            return Optional.empty();
        }
        Optional<RestoreResult> r;
        try (ClaimLock claim = ClaimLock.acquire(claimFileOf(ledgerTarget()))) {
            r = locked(() -> {
                Ledger l = readLedger();
                if (l == null) {
                    return Optional.empty();
                }
                LOG.log(System.Logger.Level.WARNING, "Code Proxy did not stop cleanly; restoring Claude Code settings {0}",
                        l.target());
                return Optional.of(restoreLocked(l));
            });
            releaseClaim(claim);
        }
        r.ifPresent(this::removeCreatedDir);
        return r;
    }

    /**
     * The settings point at another Code Proxy (another data directory) that no longer runs — it
     * crashed, or was stopped while this one ran: restores what it left, so Claude Code does not
     * stay pointed at a dead proxy. Called when this instance starts and when it stops without
     * holding the settings itself. Nothing happens while that other one runs.
     *
     * @return the other one's description (pid, URL, data directory) when something was restored
     */
    public Optional<String> restoreAbandoned() {
        if (!Files.exists(claimFile())) {
            return Optional.empty();
        }
        try (ClaimLock claim = ClaimLock.acquire(claimFile())) {
            Claim holder = claim.read();
            if (holder == null || holder.isOf(dataDir) || owner.isServing().test(holder.dataDir())) {
                return Optional.empty();
            }
            restoreAbandoned(holder);
            claim.write(null);
            return Optional.of(holder.describe());
        }
    }

    /** Restores a dead holder's ledger for this settings file (its data directory's lock, not the claim). */
    private void restoreAbandoned(Claim holder) {
        if (!Files.isDirectory(holder.dataDir())) {
            return; // its data directory is gone, and its ledger with it: nothing to take back
        }
        ClaudeSettings other = new ClaudeSettings(target.getParent(), holder.dataDir(), owner);
        other.locked(() -> {
            Ledger l = other.readLedger();
            if (l != null && l.target().equals(target)) {
                LOG.log(System.Logger.Level.WARNING, "Claude Code settings {0} point at a Code Proxy that is no longer "
                        + "running ({1}); restoring what it changed", target, holder.describe());
                other.restoreLocked(l);
            }
            return null;
        });
    }

    /** After a restore of our own ledger: a claim naming us (or nobody) is cleared, and so deleted. */
    private void releaseClaim(ClaimLock claim) {
        Claim holder = claim.read();
        if (holder == null || holder.isOf(dataDir)) {
            claim.write(null);
        }
    }

    /** A settings directory the proxy created goes when nothing is left in it (the claim kept it so far). */
    private void removeCreatedDir(RestoreResult r) {
        if (r.file() != null && r.dirCreated() && (r.fileRemoved() || r.fileMissing())) {
            FileOps.deleteIfEmptyDir(FileOps.resolveForWrite(r.file()).getParent());
        }
    }

    /** The settings path the ledger records (read without a lock, only to find which claim to lock), else ours. */
    private Path ledgerTarget() {
        try {
            Ledger l = readLedger();
            return l == null ? target : l.target();
        } catch (RuntimeException e) {
            return target;
        }
    }

    /**
     * Another data directory's instance named in the claim as holding the settings (pid, URL,
     * data directory), whether it still runs or not; empty when nobody or this data directory
     * holds them. Reads without locking and never writes.
     */
    public Optional<String> heldByOther() {
        Claim c = Claim.parse(FileOps.readIfExists(claimFile()));
        return c == null || c.isOf(dataDir) ? Optional.empty()
                : Optional.of(c.describe() + (owner.isServing().test(c.dataDir()) ? "" : ", no longer running"));
    }

    /** The current state; never writes. A file that cannot be parsed is reported in {@code problem}. */
    public Status status() {
        Ledger l = readLedger();
        Path t = l != null ? l.target() : target;
        Path real = FileOps.resolveForWrite(t);
        byte[] bytes = Files.isRegularFile(real) ? FileOps.readIfExists(real) : null;
        String problem = null;
        LinkedHashMap<String, JsonValue> env = null;
        if (Files.exists(real) && !Files.isRegularFile(real)) {
            problem = t + ": not a regular file";
        } else if (bytes != null) {
            try {
                env = envOf(SettingsJson.parseObject(bytes, t), t);
            } catch (ClaudeSettingsException e) {
                problem = e.getMessage();
            }
        }
        List<KeyStatus> keys = new ArrayList<>();
        List<String> aside = new ArrayList<>();
        if (l != null) {
            for (Map.Entry<String, Ledger.Entry> e : l.keys().entrySet()) {
                JsonValue cur = env == null ? null : env.get(e.getKey());
                KeyState s = problem != null ? KeyState.UNKNOWN : e.getValue().isOurs(cur) ? KeyState.OURS
                        : cur == null ? KeyState.REMOVED : KeyState.CHANGED;
                keys.add(new KeyStatus(e.getKey(), s, e.getValue().previous() != null));
            }
            l.setAside().forEach(a -> aside.add(a.display()));
        }
        return new Status(l != null, t, real, bytes != null, problem, List.copyOf(keys), List.copyOf(aside),
                l == null ? null : l.backup(), ledgerFile);
    }

    // ---------------------------------------------------------------- apply

    private ApplyResult applyOnce(Ledger base, LinkedHashMap<String, String> wanted,
                                  LinkedHashMap<String, JsonValue> top, boolean dirExisted)
            throws FileOps.ChangedMeanwhile {
        Path real = FileOps.resolveForWrite(target);
        refuseNonRegular(real, target);
        byte[] orig = FileOps.readIfExists(real);
        boolean exists = orig != null;
        LinkedHashMap<String, JsonValue> root = exists ? SettingsJson.parseObject(orig, target) : new LinkedHashMap<>();
        String before = SettingsJson.print(root);
        LinkedHashMap<String, JsonValue> env = envOf(root, target);
        boolean hadEnv = env != null;
        if (env == null) {
            env = new LinkedHashMap<>();
        }
        boolean fileExisted = base != null ? base.fileExisted() : exists;
        // the claim file may have created the directory a moment ago: what counts is before that
        boolean dirCreated = base != null ? base.dirCreated() : !dirExisted || !Files.isDirectory(real.getParent());
        boolean envExisted = base != null ? base.envExisted() : hadEnv;

        // 1. credentials that would bypass our token
        List<Ledger.SetAside> aside = new ArrayList<>(base == null ? List.of() : base.setAside());
        List<String> newlyAside = new ArrayList<>();
        setAside(env, ENV, ClaudeEnv.API_KEY, aside, newlyAside);
        setAside(root, "", ClaudeEnv.API_KEY_HELPER, aside, newlyAside);

        // 2. keys of an earlier apply that are no longer wanted
        LinkedHashMap<String, Ledger.Entry> committed = new LinkedHashMap<>();
        LinkedHashMap<String, Ledger.Entry> pending = new LinkedHashMap<>();
        List<String> reverted = new ArrayList<>();
        if (base != null) {
            for (Map.Entry<String, Ledger.Entry> e : base.keys().entrySet()) {
                if (!wanted.containsKey(e.getKey())) {
                    if (e.getValue().isOurs(env.get(e.getKey()))) {
                        revert(env, e.getKey(), e.getValue());
                        reverted.add(e.getKey());
                    }
                    pending.put(e.getKey(), e.getValue());
                }
            }
        }

        // 3. the wanted keys
        List<String> written = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String k = e.getKey();
            String w = e.getValue();
            JsonValue cur = env.get(k);
            Ledger.Entry old = base == null ? null : base.keys().get(k);
            boolean ours = old != null && old.isOurs(cur);
            JsonValue previous = ours ? old.previous() : cur;
            String curString = cur instanceof JsonString s ? s.getString() : null;
            boolean same = w.equals(curString);
            committed.put(k, new Ledger.Entry(previous, w, null));
            pending.put(k, new Ledger.Entry(previous, w, ours && !same ? curString : null));
            if (same) {
                unchanged.add(k);
            } else {
                env.put(k, Json.createValue(w));
                written.add(k);
            }
        }
        if (hadEnv || !env.isEmpty()) {
            root.put(ENV, SettingsJson.object(env));
        }

        // 4. top-level keys, only where the user has none; ours while they hold what we wrote
        Map<String, JsonValue> baseTop = base == null ? Map.of() : base.top();
        LinkedHashMap<String, JsonValue> topDone = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : baseTop.entrySet()) {
            if (!top.containsKey(e.getKey()) && e.getValue().equals(root.get(e.getKey()))) {
                root.remove(e.getKey());
                reverted.add(e.getKey());
            }
        }
        for (Map.Entry<String, JsonValue> e : top.entrySet()) {
            JsonValue cur = root.get(e.getKey());
            if (cur != null && !cur.equals(baseTop.get(e.getKey()))) {
                continue; // the user's own
            }
            topDone.put(e.getKey(), e.getValue());
            if (e.getValue().equals(cur)) {
                unchanged.add(e.getKey());
            } else {
                root.put(e.getKey(), e.getValue());
                written.add(e.getKey());
            }
        }
        String after = SettingsJson.print(root);
        boolean change = exists ? !after.equals(before) : !root.isEmpty();

        Path backup = base == null ? null : base.backup();
        String backupSha = base == null ? null : base.backupSha256();
        Path newBackup = null;
        if (change && exists && backup == null) {
            backup = backupFile();
            FileOps.writeCopy(real, FileOps.resolveForWrite(backup), orig);
            backupSha = FileOps.sha256(orig);
            newBackup = backup;
        }
        Ledger done = new Ledger(target, real, fileExisted, dirCreated, envExisted, backup, backupSha, committed,
                List.copyOf(aside), topDone);
        // until the file is written, the ledger also owns what an earlier apply wrote at the top level
        LinkedHashMap<String, JsonValue> topPending = new LinkedHashMap<>(topDone);
        baseTop.forEach(topPending::putIfAbsent);
        if (change) {
            writeLedger(new Ledger(target, real, fileExisted, dirCreated, envExisted, backup, backupSha, pending,
                    List.copyOf(aside), topPending));
            if (!exists) {
                FileOps.createDirs(real.getParent());
            }
            FileOps.replace(real, after.getBytes(StandardCharsets.UTF_8), orig, FileOps.OWNER_ONLY);
        }
        writeLedger(done);
        if (change) {
            LOG.log(System.Logger.Level.INFO, "Claude Code settings {0}: wrote {1}{2}{3}", target, written,
                    reverted.isEmpty() ? "" : ", reverted " + reverted,
                    newlyAside.isEmpty() ? "" : ", set aside " + newlyAside);
        }
        return new ApplyResult(target, change && !exists, List.copyOf(written), List.copyOf(unchanged),
                List.copyOf(reverted), List.copyOf(newlyAside), newBackup, change, null);
    }

    private static void setAside(LinkedHashMap<String, JsonValue> map, String in, String key,
                                 List<Ledger.SetAside> aside, List<String> newlyAside) {
        if (!map.containsKey(key)) {
            return;
        }
        String prev = null;
        for (String k : map.keySet()) {
            if (k.equals(key)) {
                break;
            }
            prev = k;
        }
        Ledger.SetAside s = new Ledger.SetAside(in, key, prev, map.remove(key));
        aside.removeIf(a -> a.in().equals(in) && a.key().equals(key));
        aside.add(s);
        newlyAside.add(s.display());
    }

    private static void revert(LinkedHashMap<String, JsonValue> env, String key, Ledger.Entry e) {
        if (e.previous() == null) {
            env.remove(key);
        } else {
            env.put(key, e.previous());
        }
    }

    // ---------------------------------------------------------------- restore

    private RestoreResult restoreLocked(Ledger l) {
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                return restoreOnce(l);
            } catch (FileOps.ChangedMeanwhile e) {
                // written by somebody else meanwhile: read it again
            }
        }
        throw new UncheckedIOException(new IOException(l.target() + " kept changing while Code Proxy was restoring it; "
                + "nothing was changed, try again"));
    }

    private RestoreResult restoreOnce(Ledger l) throws FileOps.ChangedMeanwhile {
        Path t = l.target();
        Path real = FileOps.resolveForWrite(t);
        refuseNonRegular(real, t);
        byte[] orig = FileOps.readIfExists(real);
        if (orig == null) {
            List<String> lost = l.setAside().stream().map(Ledger.SetAside::display).toList();
            if (!lost.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "{0} is gone; set-aside {1} not put back (see {2})", t, lost,
                        l.backup() == null ? "the ledger" : l.backup());
            }
            if (l.dirCreated()) {
                FileOps.deleteIfEmptyDir(real.getParent());
            }
            FileOps.deleteQuietly(ledgerFile);
            return new RestoreResult(t, true, List.of(), List.copyOf(l.keys().keySet()), List.of(), lost, false, true,
                    l.dirCreated());
        }
        LinkedHashMap<String, JsonValue> root = SettingsJson.parseObject(orig, t);
        String before = SettingsJson.print(root);
        LinkedHashMap<String, JsonValue> env = envOf(root, t);

        List<String> reverted = new ArrayList<>();
        List<String> keptUser = new ArrayList<>();
        for (Map.Entry<String, Ledger.Entry> e : l.keys().entrySet()) {
            JsonValue cur = env == null ? null : env.get(e.getKey());
            if (e.getValue().isOurs(cur)) {
                revert(env, e.getKey(), e.getValue());
                reverted.add(e.getKey());
            } else {
                keptUser.add(e.getKey());
            }
        }
        for (Map.Entry<String, JsonValue> e : l.top().entrySet()) {
            if (e.getValue().equals(root.get(e.getKey()))) {
                root.remove(e.getKey());
                reverted.add(e.getKey());
            } else {
                keptUser.add(e.getKey());
            }
        }
        List<String> putBack = new ArrayList<>();
        List<String> notPutBack = new ArrayList<>();
        for (Ledger.SetAside s : l.setAside()) {
            boolean inEnv = s.in().equals(ENV);
            if (inEnv && env == null) {
                env = new LinkedHashMap<>();
            }
            LinkedHashMap<String, JsonValue> map = inEnv ? env : root;
            if (map.containsKey(s.key())) {
                notPutBack.add(s.display());
                continue;
            }
            LinkedHashMap<String, JsonValue> with = insertAfter(map, s.after(), s.key(), s.value());
            if (inEnv) {
                env = with;
            } else {
                root = with;
            }
            putBack.add(s.display());
        }
        if (env != null) {
            if (!l.envExisted() && env.isEmpty()) {
                root.remove(ENV);
            } else {
                root.put(ENV, SettingsJson.object(env));
            }
        }
        boolean removed = false;
        if (!l.fileExisted() && root.isEmpty()) {
            FileOps.delete(real, orig);
            removed = true;
            if (l.dirCreated()) {
                FileOps.deleteIfEmptyDir(real.getParent());
            }
        } else {
            String after = SettingsJson.print(root);
            if (!after.equals(before)) {
                FileOps.replace(real, restoredBytes(l, after), orig, FileOps.OWNER_ONLY);
            }
        }
        FileOps.deleteQuietly(ledgerFile);
        LOG.log(System.Logger.Level.INFO, "Claude Code settings {0}: restored {1}{2}{3}{4}", t, reverted,
                keptUser.isEmpty() ? "" : ", kept the user's " + keptUser,
                putBack.isEmpty() ? "" : ", put back " + putBack,
                removed ? ", removed the file the proxy had created" : "");
        return new RestoreResult(t, true, List.copyOf(reverted), List.copyOf(keptUser), List.copyOf(putBack),
                List.copyOf(notPutBack), removed, false, l.dirCreated());
    }

    /**
     * The bytes to write on restore: the backup itself when the restored content is exactly the
     * backup's (so a file comes back byte for byte, whatever its formatting), else the printed form.
     */
    private static byte[] restoredBytes(Ledger l, String printed) {
        if (l.backup() != null) {
            byte[] b = FileOps.readIfExists(FileOps.resolveForWrite(l.backup()));
            if (b != null && FileOps.sha256(b).equals(l.backupSha256())) {
                try {
                    if (SettingsJson.print(SettingsJson.parseObject(b, l.backup())).equals(printed)) {
                        return b;
                    }
                } catch (ClaudeSettingsException e) {
                    // cannot happen for a backup we parsed before; print instead
                }
            }
        }
        return printed.getBytes(StandardCharsets.UTF_8);
    }

    private static LinkedHashMap<String, JsonValue> insertAfter(LinkedHashMap<String, JsonValue> map, String after,
                                                                String key, JsonValue value) {
        LinkedHashMap<String, JsonValue> out = new LinkedHashMap<>();
        boolean placed = after == null;
        if (placed) {
            out.put(key, value);
        }
        for (Map.Entry<String, JsonValue> e : map.entrySet()) {
            out.put(e.getKey(), e.getValue());
            if (!placed && e.getKey().equals(after)) {
                out.put(key, value);
                placed = true;
            }
        }
        if (!placed) {
            out.put(key, value);
        }
        return out;
    }

    private static RestoreResult notApplied() {
        return new RestoreResult(null, false, List.of(), List.of(), List.of(), List.of(), false, false, false);
    }

    // ---------------------------------------------------------------- helpers

    private static LinkedHashMap<String, JsonValue> envOf(LinkedHashMap<String, JsonValue> root, Path file) {
        JsonValue v = root.get(ENV);
        if (v == null) {
            return null;
        }
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ClaudeSettingsException(file, file + ": \"env\" is " + SettingsJson.describe(v)
                    + ", expected an object; the file was left unchanged");
        }
        return new LinkedHashMap<>(v.asJsonObject());
    }

    private static void refuseNonRegular(Path real, Path shown) {
        if (Files.exists(real) && !Files.isRegularFile(real)) {
            throw new ClaudeSettingsException(shown, shown + ": not a regular file; the file was left unchanged");
        }
    }

    private Ledger readLedger() {
        byte[] b = FileOps.readIfExists(ledgerFile);
        return b == null ? null : Ledger.parse(b, ledgerFile);
    }

    private void writeLedger(Ledger l) {
        FileOps.ensurePrivateDir(dataDir);
        FileOps.writePrivate(ledgerFile, l.toBytes());
    }

    private void putLedgerBack(Ledger base) {
        if (base == null) {
            FileOps.deleteQuietly(ledgerFile);
        } else {
            writeLedger(base);
        }
    }

    /** Serialises operations on one ledger: in this process by a lock, across processes by a file lock. */
    private <T> T locked(Supplier<T> body) {
        FileOps.ensurePrivateDir(dataDir);
        ReentrantLock lock = LOCKS.computeIfAbsent(ledgerFile, k -> new ReentrantLock());
        lock.lock();
        try (FileChannel ch = FileChannel.open(dataDir.resolve(LOCK_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return body.get();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dataDir.resolve(LOCK_NAME) + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
