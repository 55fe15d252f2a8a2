package dev.codeproxy.admin.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionStoreTest {
    private final LoginCodesTest.MutableClock clock = new LoginCodesTest.MutableClock();
    private final SessionStore store = new SessionStore(clock);

    @Test
    void eachLoginIsItsOwnRandomSessionOfAtLeast128Bits() {
        String a = store.create("127.0.0.1", "ua");
        String b = store.create("127.0.0.1", "ua");
        assertNotEquals(a, b);
        assertTrue(a.length() >= 43, "256 bits, base64url: " + a);
        assertTrue(store.touch(a) && store.touch(b));
        assertEquals(2, store.list().size());
        assertFalse(store.list().stream().anyMatch(i -> a.contains(i.handle()) || i.handle().length() > 12),
                "the listed handle is not the cookie");
    }

    @Test
    void idleExpiryIsPushedBackByUseAndAbsoluteExpiryIsNot() {
        String id = store.create("r", "u");
        for (long t = 0; t < SessionStore.ABSOLUTE_MS - SessionStore.IDLE_MS; t += SessionStore.IDLE_MS / 2) {
            clock.advance(SessionStore.IDLE_MS / 2);
            assertTrue(store.touch(id), "used every 6 hours, alive at " + t);
        }
        clock.advance(SessionStore.IDLE_MS / 2);
        assertTrue(store.touch(id));
        clock.advance(SessionStore.ABSOLUTE_MS);
        assertFalse(store.touch(id), "7 days after login it ends whatever its use");

        String idle = store.create("r", "u");
        clock.advance(SessionStore.IDLE_MS);
        assertFalse(store.touch(idle), "12 hours idle ends it");
    }

    @Test
    void revokeOneByCookieOrHandleAndAll() {
        String a = store.create("r", "u");
        String b = store.create("r", "u");
        String c = store.create("r", "u");
        assertTrue(store.revoke(a));
        assertFalse(store.touch(a));
        assertTrue(store.revokeHandle(store.handleOf(b)));
        assertFalse(store.touch(b));
        assertTrue(store.touch(c));
        assertEquals(1, store.revokeAll());
        assertFalse(store.touch(c));
        assertFalse(store.revoke("nonsense"));
        assertFalse(store.touch("x".repeat(10_000)), "oversized cookies are not hashed");
    }

    @Test
    void hostileUserAgentsAreClippedAndCleaned() {
        store.create("r", "evil\r\nSet-Cookie: x=1" + "a".repeat(1000));
        var info = store.list().getFirst();
        assertFalse(info.userAgent().contains("\n") || info.userAgent().contains("\r"));
        assertTrue(info.userAgent().length() <= 200);
    }

    @Test
    void sessionsSurviveARestartThroughAFileOfHashesOnly(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve(SessionStore.FILE);
        SessionStore first = new SessionStore(clock, file);
        String kept = first.create("127.0.0.1", "Chromium/150");
        String ended = first.create("127.0.0.1", "curl/8");
        first.revoke(ended);
        String text = Files.readString(file);
        assertFalse(text.contains(kept) || text.contains(ended), "no session id is written: " + text);
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));

        SessionStore second = new SessionStore(clock, file);
        assertTrue(second.touch(kept), "the session outlives the process");
        assertFalse(second.touch(ended), "a revoked one does not come back");
        assertEquals("Chromium/150", second.list().getFirst().userAgent());

        clock.advance(SessionStore.IDLE_MS);
        assertFalse(new SessionStore(clock, file).touch(kept), "expiry holds across restarts");

        Files.writeString(file, "{not json");
        SessionStore corrupt = new SessionStore(clock, file);
        assertEquals(0, corrupt.list().size(), "an unreadable file is left aside: everyone logs in again");
        String fresh = corrupt.create("r", "u");
        assertTrue(new SessionStore(clock, file).touch(fresh), "and is replaced by a good one");
    }
}
