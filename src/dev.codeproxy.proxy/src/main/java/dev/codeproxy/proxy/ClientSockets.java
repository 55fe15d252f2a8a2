package dev.codeproxy.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Finds clients that went away while the proxy still waits for the upstream (Esc in Claude
 * Code), without touching their connection. Helidon's server socket offers no way to see the
 * client's FIN without reading, and a read would take the connection's next bytes. The kernel
 * knows, though: a server socket whose client closed is in {@code CLOSE_WAIT}, and one the
 * client reset is gone from the table. On Linux this reads {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6} (one read per scan for all waiting requests, done by the watchdog's
 * thread, only while some request has waited more than 200 ms before its commit point);
 * elsewhere it never reports a client gone, and the proxy notices at the commit point instead,
 * as before. A client that half-closes its side after sending the request (HTTP clients do not;
 * Claude Code, the SDKs and curl do not) would look gone as well.
 *
 * <p>The tables list every TCP socket of the machine's network namespace: with thousands of
 * streams open through a proxy on loopback they hold four lines per stream (megabytes of text).
 * So a scan reads them into one reused buffer and keeps only the sockets asked about, found by
 * their local port first; it builds no string and no entry for any other line, and it reads the
 * second table only when the first did not list them all. One instance per thread (the
 * watchdog's).
 */
final class ClientSockets {
    /** Java's sockets are dual-stack (IPv4 peers as {@code ::ffff:a.b.c.d}), so tcp6 comes first. */
    private static final Path[] TABLES = {Path.of("/proc/net/tcp6"), Path.of("/proc/net/tcp")};
    private static final int ESTABLISHED = 0x01;
    private static final int CLOSE_WAIT = 0x08;
    static final boolean AVAILABLE = Files.isReadable(TABLES[1]);

    /** The client connection of one request: the proxy's local port and the client's port. */
    record Key(int localPort, int remotePort) {
    }

    private byte[] buf = new byte[64 * 1024];

    /**
     * The TCP state of each socket of {@code wanted} that the tables list (a socket not listed is
     * absent from the map); empty when the tables cannot be read.
     */
    Map<Key, Integer> snapshot(Set<Key> wanted) {
        Map<Key, Integer> states = new HashMap<>();
        if (!AVAILABLE || wanted.isEmpty()) {
            return states;
        }
        BitSet localPorts = new BitSet(65_536);
        for (Key k : wanted) {
            localPorts.set(k.localPort());
        }
        for (Path table : TABLES) {
            int len;
            try {
                len = read(table);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            parse(buf, len, wanted, localPorts, states);
            if (states.size() == wanted.size()) {
                break; // all found: the other table (a walk of the kernel's whole hash table) is not read
            }
        }
        return states;
    }

    /** Reads the whole table into {@link #buf} (grown as needed; /proc reports no size). */
    private int read(Path table) throws IOException {
        try (InputStream in = Files.newInputStream(table)) {
            int len = 0;
            while (true) {
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    return len;
                }
                len += n;
            }
        }
    }

    /**
     * Parses {@code b[0, len)}, the text of {@code /proc/net/tcp[6]}, into {@code states}, keeping
     * the sockets of {@code wanted}. Lines that do not parse are skipped.
     */
    static void parse(byte[] b, int len, Set<Key> wanted, BitSet localPorts, Map<Key, Integer> states) {
        int i = lineEnd(b, 0, len) + 1; // the header line
        while (i < len) {
            int end = lineEnd(b, i, len);
            // "  sl  local_address rem_address   st ...": "   0: 0100007F:2328 0100007F:C350 01 ..."
            int local = nextField(b, i, end);
            int remote = local < 0 ? -1 : nextField(b, local, end);
            int state = remote < 0 ? -1 : nextField(b, remote, end);
            if (state >= 0) {
                int localPort = port(b, local, end);
                if (localPort >= 0 && localPorts.get(localPort)) {
                    int remotePort = port(b, remote, end);
                    int st = hex(b, state, Math.min(state + 2, end));
                    Key key = new Key(localPort, remotePort);
                    if (remotePort >= 0 && st >= 0 && wanted.contains(key)) {
                        states.put(key, st);
                    }
                }
            }
            i = end + 1;
        }
    }

    private static int lineEnd(byte[] b, int from, int len) {
        for (int i = from; i < len; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return len;
    }

    /** The start of the field after the one at or after {@code from}; -1 when none. */
    private static int nextField(byte[] b, int from, int end) {
        int i = from;
        while (i < end && b[i] == ' ') {
            i++;
        }
        while (i < end && b[i] != ' ') {
            i++;
        }
        while (i < end && b[i] == ' ') {
            i++;
        }
        return i < end ? i : -1;
    }

    /** The port of an {@code ADDRESS:PORT} field at {@code at} (hex); -1 when malformed. */
    private static int port(byte[] b, int at, int end) {
        int i = at;
        while (i < end && b[i] != ':' && b[i] != ' ') {
            i++;
        }
        if (i >= end || b[i] != ':') {
            return -1;
        }
        int stop = i + 1;
        while (stop < end && b[stop] != ' ') {
            stop++;
        }
        return stop - (i + 1) == 4 ? hex(b, i + 1, stop) : -1;
    }

    private static int hex(byte[] b, int from, int to) {
        if (from >= to) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(b[i], 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    /**
     * Whether the client of {@code key} is gone by this snapshot: its socket is in
     * {@code CLOSE_WAIT}, or it was seen established before and is no longer listed.
     */
    static boolean gone(Map<Key, Integer> states, Key key, boolean seenBefore) {
        Integer st = states.get(key);
        return st == null ? seenBefore : st == CLOSE_WAIT;
    }

    static boolean established(Map<Key, Integer> states, Key key) {
        Integer st = states.get(key);
        return st != null && st == ESTABLISHED;
    }
}
