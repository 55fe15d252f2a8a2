package dev.codeproxy.proxy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A body kept for the log: whole up to the cap, then the first {@code cap} bytes and "truncated". */
class CaptureTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBodyUnderTheCapIsKeptWhole() {
        Capture c = new Capture(100);
        c.write(bytes("event: ping\n"), 0, 12);
        c.write(bytes("data: {}\n\n"), 0, 10);
        assertEquals("event: ping\ndata: {}\n\n", new String(c.bytes(), StandardCharsets.UTF_8));
        assertFalse(c.truncated());
    }

    @Test
    void exactlyTheCapIsNotTruncated() {
        Capture c = new Capture(10);
        c.write(bytes("01234"), 0, 5);
        c.write(bytes("56789"), 0, 5);
        assertEquals("0123456789", new String(c.bytes(), StandardCharsets.US_ASCII));
        assertFalse(c.truncated(), "nothing was left out");
    }

    @Test
    void beyondTheCapTheFirstBytesAreKeptAndTheCaptureSaysSo() {
        Capture c = new Capture(8);
        c.write(bytes("012345"), 0, 6);
        c.write(bytes("6789ab"), 0, 6);
        c.write(bytes("cdef"), 0, 4);
        assertEquals("01234567", new String(c.bytes(), StandardCharsets.US_ASCII));
        assertTrue(c.truncated());
    }

    @Test
    void oneByteOverIsTruncatedToo() {
        Capture c = new Capture(4);
        c.write(bytes("abcd"), 0, 4);
        assertFalse(c.truncated());
        c.write(bytes("e"), 0, 1);
        assertTrue(c.truncated());
        assertEquals("abcd", new String(c.bytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void offsetsAndLengthsOfTheCallerAreHonoured() {
        Capture c = new Capture(100);
        byte[] buf = bytes("xxHELLOyy");
        c.write(buf, 2, 5);
        assertEquals("HELLO", new String(c.bytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void aZeroOrNegativeCapKeepsNothing() {
        for (long cap : new long[]{0, -1, Long.MIN_VALUE}) {
            Capture c = new Capture(cap);
            c.write(bytes("secret body"), 0, 11);
            assertEquals(0, c.bytes().length, "cap " + cap);
            assertTrue(c.truncated(), "cap " + cap);
        }
    }

    @Test
    void anEnormousCapIsClampedAndAllocatesNothingUpFront() {
        Capture c = new Capture(Long.MAX_VALUE);
        byte[] big = new byte[3 * 1024 * 1024];
        Arrays.fill(big, (byte) 'x');
        c.write(big, 0, big.length);
        assertEquals(big.length, c.bytes().length);
        assertFalse(c.truncated());
    }

    @Test
    void capOfAWholeBodyCopiesOnlyWhenItMustCut() {
        byte[] body = bytes("{\"model\":\"claude\"}");
        assertSame(body, Capture.cap(body, body.length), "fits: the same array, no copy");
        assertSame(body, Capture.cap(body, Long.MAX_VALUE));
        assertArrayEquals(bytes("{\"mod"), Capture.cap(body, 5));
        assertEquals(0, Capture.cap(body, 0).length);
    }
}
