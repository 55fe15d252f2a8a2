package dev.codeproxy.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
 */
final class ClientSockets {
    private static final Path[] TABLES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};
    private static final int ESTABLISHED = 0x01;
    private static final int CLOSE_WAIT = 0x08;
    static final boolean AVAILABLE = Files.isReadable(TABLES[0]);

    /** The client connection of one request: the proxy's local port and the client's port. */
    record Key(int localPort, int remotePort) {
    }

    private ClientSockets() {
    }

    /** The TCP state of every socket by (local port, remote port); empty when unknown. */
    static Map<Key, Integer> snapshot() {
        Map<Key, Integer> states = new HashMap<>();
        if (!AVAILABLE) {
            return states;
        }
        for (Path table : TABLES) {
            byte[] b;
            try {
                b = Files.readAllBytes(table);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            parse(new String(b, StandardCharsets.US_ASCII), states);
        }
        return states;
    }

    /** Parses the text of {@code /proc/net/tcp[6]} into {@code states}. */
    static void parse(String text, Map<Key, Integer> states) {
        int line = text.indexOf('\n');
        while (line >= 0 && line + 1 < text.length()) {
            int next = text.indexOf('\n', line + 1);
            String l = text.substring(line + 1, next < 0 ? text.length() : next).strip();
            line = next;
            // sl local_address rem_address st ...: "0: 0100007F:2328 0100007F:C350 01 ..."
            try {
                int a = l.indexOf(' ');
                int b = l.indexOf(' ', a + 1);
                int c = l.indexOf(' ', b + 1);
                int d = l.indexOf(' ', c + 1);
                if (a < 0 || b < 0 || c < 0 || d < 0) {
                    continue;
                }
                int local = port(l.substring(a + 1, b));
                int remote = port(l.substring(b + 1, c));
                int st = Integer.parseInt(l, c + 1, d, 16);
                states.put(new Key(local, remote), st);
            } catch (RuntimeException e) {
                // a line we do not understand
            }
        }
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1), 16);
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
