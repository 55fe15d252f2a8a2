package dev.codeproxy.app;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.ConsoleMessage;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.ColorScheme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Playwright for Java driving Debian's Chromium ({@code /usr/bin/chromium}; no browser is ever
 * downloaded: surefire sets {@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}). One browser per test
 * class; each test gets a {@link Tab}: a fresh context (no cookies, no storage) whose console
 * errors and uncaught page errors are collected so the test can fail on any it did not expect.
 */
final class BrowserSupport implements AutoCloseable {
    /** Debian's Chromium; {@code -Dcodeproxy.chromium=...} points elsewhere. */
    static final Path CHROMIUM = Paths.get(System.getProperty("codeproxy.chromium", "/usr/bin/chromium"));
    /** Headless in a container: no sandbox, no GPU, no /dev/shm, nothing that phones home. */
    static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync");
    /** Where the tests write their screenshots (the app module's target/). */
    static final Path SHOTS = Paths.get("target", "screenshots");

    private final Playwright playwright;
    private final Browser browser;

    private BrowserSupport(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    /** Starts Playwright's driver (a Node bundled in its jar) and Chromium; fails saying why when either cannot. */
    static BrowserSupport launch() {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("the browser tests need Chromium at " + CHROMIUM + ": install it (Debian: apt-get install -y chromium; "
                    + "./scripts/test does this) or pass -Dcodeproxy.chromium=/path/to/chromium");
        }
        Playwright pw;
        try {
            pw = Playwright.create();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Playwright's driver (the Node.js bundled in the driver-bundle jar) did not "
                    + "start: " + e.getMessage(), e);
        }
        try {
            Browser b = pw.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(ARGS));
            return new BrowserSupport(pw, b);
        } catch (RuntimeException e) {
            pw.close();
            throw new IllegalStateException("Chromium at " + CHROMIUM + " did not start: " + e.getMessage(), e);
        }
    }

    /** A fresh tab (its own context) at 1280x800 in the given colour scheme. */
    Tab tab(ColorScheme scheme) {
        return tab(scheme, 1280, 800);
    }

    Tab tab(ColorScheme scheme, int width, int height) {
        BrowserContext ctx = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(width, height)
                .setColorScheme(scheme)
                .setLocale("en-US")
                .setAcceptDownloads(true));
        return new Tab(ctx);
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }

    /** A page whose console errors are collected; {@link #allow} names the ones a test provokes on purpose. */
    static final class Tab implements AutoCloseable {
        final BrowserContext context;
        final Page page;
        private final List<String> errors = new CopyOnWriteArrayList<>();
        private final List<Pattern> allowed = new CopyOnWriteArrayList<>();

        private Tab(BrowserContext context) {
            this.context = context;
            this.page = context.newPage();
            page.onConsoleMessage(this::console);
            page.onPageError(e -> errors.add("uncaught: " + e));
        }

        private void console(ConsoleMessage m) {
            if (!m.type().equals("error") && !m.type().equals("warning")) {
                return;
            }
            String line = m.type() + ": " + m.text() + " (" + m.location() + ")";
            for (Pattern p : allowed) {
                if (p.matcher(line).find()) {
                    return;
                }
            }
            errors.add(line);
        }

        /**
         * Lets console lines matching {@code regex} pass (e.g. the browser's own "Failed to load
         * resource: ... 400" for a form the test submits with a bad value on purpose).
         */
        Tab allow(String regex) {
            allowed.add(Pattern.compile(regex));
            return this;
        }

        /** Allows the browser's line about an HTTP error status from an admin API path. */
        Tab allowHttpError(int status, String pathPart) {
            return allow("status of " + status + " .*" + Pattern.quote(pathPart));
        }

        List<String> errors() {
            return new ArrayList<>(errors);
        }

        void assertNoConsoleErrors() {
            assertTrue(errors.isEmpty(), "the browser console reported errors:\n  " + String.join("\n  ", errors));
        }

        /** A screenshot of the viewport under target/screenshots/NAME.png. */
        Path screenshot(String name) {
            Path file = SHOTS.resolve(name + ".png");
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            page.screenshot(new Page.ScreenshotOptions().setPath(file));
            return file;
        }

        @Override
        public void close() {
            context.close();
        }
    }
}
