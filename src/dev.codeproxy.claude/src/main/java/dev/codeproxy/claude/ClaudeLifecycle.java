package dev.codeproxy.claude;

import dev.codeproxy.core.errors.Errors;
import dev.codeproxy.core.settings.ConfigSource;
import jakarta.json.JsonValue;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a running Code Proxy does to Claude Code's {@code settings.json} over its life, and the
 * notices it prints about it:
 * <ul>
 *   <li>{@link #start()}: restores what an earlier run that did not stop cleanly left behind, then,
 *       when the {@code claudeConfig} setting is on, points Claude Code at this proxy (the env keys,
 *       {@code statusLine} when opted in; keys that would bypass the proxy are set aside);</li>
 *   <li>{@link #moved()}: after the listener moved, Claude Code follows to the new address, if this
 *       proxy had pointed it here;</li>
 *   <li>{@link #stop()}: puts the file back byte for byte (keys the user changed meanwhile are
 *       kept), or, when this proxy never pointed it, takes back what a Code Proxy that is gone
 *       left;</li>
 *   <li>{@link #apply()} / {@link #restore()}: the same on request (the admin API).</li>
 * </ul>
 * A problem with the file (malformed JSON, not writable, held by another running proxy) becomes a
 * one-line notice and the file is left as it is; the proxy keeps running. Without a config
 * directory the integration is off and nothing is touched.
 */
public final class ClaudeLifecycle {
    /**
     * The running proxy as Claude Code's settings see it.
     *
     * @param config      the live settings and endpoints (what {@code env} gets: models, timeout)
     * @param url         the base URL clients use now; null while nothing listens yet
     * @param clientToken the token Claude Code sends ({@code ANTHROPIC_AUTH_TOKEN})
     * @param isServing   whether a data directory's Code Proxy runs now (a claim by one that does
     *                    not is abandoned)
     */
    public record Proxy(ConfigSource config, Supplier<String> url, String clientToken, Predicate<Path> isServing) {
        @Override
        public String toString() {
            return "ClaudeLifecycle.Proxy[" + url.get() + "]";
        }
    }

    private final Path configDir;
    private final Path dataDir;
    private final Proxy proxy;
    private final PrintStream notices;
    /** The settings this proxy pointed at itself and restores when it stops; null when it has not. */
    private volatile ClaudeSettings pointed;

    /**
     * @param configDir Claude Code's config directory; null: the integration is off
     * @param dataDir   the proxy's data directory (ledger, claim, ledger lock)
     * @param notices   where one-line notices go (standard error in the app)
     */
    public ClaudeLifecycle(Path configDir, Path dataDir, Proxy proxy, PrintStream notices) {
        this.configDir = configDir;
        this.dataDir = dataDir;
        this.proxy = proxy;
        this.notices = notices;
    }

    /** Whether the integration is on (a config directory was given). */
    public boolean enabled() {
        return configDir != null;
    }

    /** Whether this proxy points Claude Code at itself now (and so restores the file when it stops). */
    public boolean pointed() {
        return pointed != null;
    }

    /**
     * Points Claude Code at this proxy, after restoring what a crashed earlier run left behind.
     * Call once the listener runs (the file gets its URL). Problems are reported as notices.
     */
    public void start() {
        if (configDir == null) {
            return;
        }
        ClaudeSettings cs = settingsFile();
        LedgerLock.ownerOnly(dataDir);
        try {
            cs.recoverIfNeeded().ifPresent(r -> notice("restored " + r.file()
                    + " left changed by an earlier run that did not stop cleanly"));
            if (!proxy.config().settings().claudeConfig()) {
                return;
            }
            var wanted = wanted();
            var r = cs.apply(wanted, topLevel());
            pointed = cs;
            if (r.abandoned() != null) {
                notice(r.file() + " pointed at a Code Proxy that is no longer running (" + r.abandoned()
                        + "); restored what it had changed before pointing it here");
            }
            notice("Claude Code now uses this proxy (" + r.file() + ": env " + String.join(", ", wanted.keySet())
                    + (r.written().contains(ClaudeEnv.STATUS_LINE) || r.unchanged().contains(ClaudeEnv.STATUS_LINE)
                    ? ", statusLine" : "") + "); restored when the proxy stops");
            if (proxy.config().settings().claudeStatusLine() && ClaudeEnv.statusLineLauncher() == null) {
                notice("claudeStatusLine is on, but this runtime has no bin/" + ClaudeEnv.STATUS_LINE_LAUNCHER
                        + " (run the image): statusLine not set");
            }
            if (!r.setAside().isEmpty()) {
                notice("set aside while the proxy runs (they would bypass it): " + String.join(", ", r.setAside()));
            }
        } catch (RuntimeException e) {
            notice("left Claude Code's settings untouched: " + Errors.rootMessage(e));
        }
    }

    /** After the listener moved: Claude Code follows to the new URL, if this proxy had pointed it here. */
    public void moved() {
        if (pointed == null) {
            return;
        }
        // a fresh view: the claim it writes names the new URL
        ClaudeSettings cs = settingsFile();
        pointed = cs;
        try {
            cs.apply(wanted(), topLevel());
        } catch (RuntimeException e) {
            notice("could not point Claude Code at the new address: " + Errors.rootMessage(e));
        }
    }

    /**
     * Puts Claude Code's settings back if this proxy pointed them here. Otherwise, with the
     * integration on, settings left pointing at a Code Proxy that is gone are taken back. Problems
     * are reported as notices (with the command that restores by hand).
     */
    public void stop() {
        ClaudeSettings cs = pointed;
        pointed = null;
        if (cs == null && configDir != null && proxy.config().settings().claudeConfig()) {
            // not ours: but one left by an instance that is gone is taken back, not left pointing at it
            try {
                settingsFile().restoreAbandoned().ifPresent(who -> notice("restored Claude Code's settings left by "
                        + "a Code Proxy that is no longer running (" + who + ")"));
            } catch (RuntimeException e) {
                notice("could not check Claude Code's settings: " + Errors.rootMessage(e));
            }
        }
        if (cs != null) {
            try {
                cs.restore();
            } catch (RuntimeException e) {
                notice("could not restore Claude Code's settings: " + Errors.rootMessage(e)
                        + " (run: code-proxy claude restore)");
            }
        }
    }

    /**
     * Forgets that this proxy pointed Claude Code here, without touching the file: what an abrupt
     * end leaves behind (the next start, or another proxy, restores it from the ledger).
     */
    public void forget() {
        pointed = null;
    }

    /** Claude Code's settings as this proxy changes them; empty when the integration is off. */
    public Optional<ClaudeSettings> settings() {
        return configDir == null ? Optional.empty() : Optional.of(settingsFile());
    }

    /**
     * Points Claude Code at this proxy now; the file is restored when the proxy stops.
     *
     * @throws IllegalStateException when the integration is off
     * @throws RuntimeException      when the file cannot be changed (the message says why)
     */
    public ClaudeSettings.ApplyResult apply() {
        ClaudeSettings cs = settings().orElseThrow(ClaudeLifecycle::off);
        var r = cs.apply(wanted(), topLevel());
        pointed = cs;
        return r;
    }

    /**
     * Puts Claude Code's settings back now; the proxy no longer restores them when it stops.
     *
     * @throws IllegalStateException when the integration is off
     */
    public ClaudeSettings.RestoreResult restore() {
        ClaudeSettings cs = settings().orElseThrow(ClaudeLifecycle::off);
        var r = cs.restore();
        pointed = null;
        return r;
    }

    private static IllegalStateException off() {
        return new IllegalStateException("the Claude Code integration is off");
    }

    /**
     * The settings file as this proxy changes it: the claim it writes names this process and URL,
     * and another data directory counts as running while its proxy serves.
     */
    private ClaudeSettings settingsFile() {
        return new ClaudeSettings(configDir, dataDir, new ClaudeSettings.Owner(ProcessHandle.current().pid(),
                proxy.url().get(), proxy.isServing()));
    }

    private LinkedHashMap<String, String> wanted() {
        return ClaudeEnv.wanted(proxy.config().settings(), proxy.config().endpoints(), proxy.url().get(),
                proxy.clientToken());
    }

    /** Top-level keys: statusLine when opted in (see {@link ClaudeEnv#topLevel}). */
    private LinkedHashMap<String, JsonValue> topLevel() {
        return ClaudeEnv.topLevel(proxy.config().settings(), ClaudeEnv.statusLineLauncher(), dataDir);
    }

    private void notice(String text) {
        notices.println("code-proxy: " + text);
    }
}
