package dev.codeproxy.proxy;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ClientSocketsTest {
    private static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    private static Map<ClientSockets.Key, Integer> parse(String text, Set<ClientSockets.Key> wanted) {
        BitSet ports = new BitSet(65_536);
        wanted.forEach(k -> ports.set(k.localPort()));
        Map<ClientSockets.Key, Integer> out = new HashMap<>();
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        ClientSockets.parse(b, b.length, wanted, ports, out);
        return out;
    }

    @Test
    void keepsOnlyTheSocketsAskedAboutFromIpv4AndIpv6Lines() {
        ClientSockets.Key a = new ClientSockets.Key(0x2328, 0xC350); // 9000 <- 50000
        ClientSockets.Key b = new ClientSockets.Key(0x2328, 0xC351);
        String text = HEADER
                + "   0: 0100007F:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n"
                + "   1: 0100007F:2328 0100007F:C350 08 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1\n"
                + "   2: 0100007F:C350 0100007F:2328 FF 00000000:00000000 00:00000000 00000000     0        0 3\n"
                + "   3: 00000000000000000000000001000000:2328 00000000000000000000000001000000:C351 01 00000000:00000000 00:0 0\n"
                + "   4: 0100007F:1F90 0100007F:C350 01 00000000:00000000\n";
        Map<ClientSockets.Key, Integer> s = parse(text, Set.of(a, b));
        assertEquals(Map.of(a, 0x08, b, 0x01), s, "the proxy's side of each asked connection, nothing else");
        assertTrue(ClientSockets.gone(s, a, false), "CLOSE_WAIT: the client closed");
        assertFalse(ClientSockets.gone(s, b, true));
        assertTrue(ClientSockets.established(s, b));
        ClientSockets.Key c = new ClientSockets.Key(0x2328, 0xC352);
        assertTrue(ClientSockets.gone(s, c, true), "seen established before and no longer listed: reset");
        assertFalse(ClientSockets.gone(s, c, false), "never seen: not yet in the table, not gone");
    }

    @Test
    void skipsLinesItDoesNotUnderstandAndKeepsGoing() {
        ClientSockets.Key a = new ClientSockets.Key(0x2328, 0xC350);
        String text = HEADER
                + "garbage\n"
                + "   1: 0100007F:2328\n"                                     // cut after the local address
                + "   2: 0100007F:2328 0100007F:C350\n"                       // no state
                + "   3: 0100007F:2328 0100007F:C3 01\n"                      // short port
                + "   4: 0100007F:23G8 0100007F:C350 01\n"                    // not hex
                + "   5: 0100007F:2328 0100007F:C350 ZZ\n"                    // state not hex
                + "   6: 0100007F2328 0100007FC350 01\n"                      // no colons
                + "\n\n   7:    0100007F:2328    0100007F:C350    01   \n"     // blank lines, wide spacing
                + "   8: 0100007F:2328 0100007F:C350 01";                     // no newline at the end
        assertEquals(Map.of(a, 0x01), parse(text, Set.of(a)));
        assertEquals(Map.of(), parse("", Set.of(a)));
        assertEquals(Map.of(), parse(HEADER, Set.of(a)));
        assertEquals(Map.of(), parse("no header line at all", Set.of(a)));
    }

    @Test
    void aManyThousandLineTableKeepsOnlyWhatIsWanted() {
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < 40_000; i++) {
            sb.append(String.format("%5d: 0100007F:%04X 0100007F:%04X 01 00000000:00000000 00:00000000 00000000 0 0 %d%n",
                    i, i % 2 == 0 ? 0x2328 : 0x1F90, 1024 + i, i));
        }
        ClientSockets.Key wanted = new ClientSockets.Key(0x2328, 1024 + 30_000);
        assertEquals(Map.of(wanted, 0x01), parse(sb.toString(), Set.of(wanted)));
    }

    @Test
    void readsTheKernelsTableForARealConnection() throws Exception {
        assumeTrue(ClientSockets.AVAILABLE, "Linux /proc/net/tcp");
        ClientSockets sockets = new ClientSockets();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            ClientSockets.Key key = new ClientSockets.Key(accepted.getLocalPort(), accepted.getPort());
            Map<ClientSockets.Key, Integer> open = sockets.snapshot(Set.of(key));
            assertTrue(ClientSockets.established(open, key), "established: " + open);
            assertFalse(ClientSockets.gone(open, key, true));
            client.close();
            boolean gone = false;
            for (int i = 0; i < 100 && !gone; i++) {
                gone = ClientSockets.gone(sockets.snapshot(Set.of(key)), key, true);
                Thread.sleep(10);
            }
            assertTrue(gone, "the client closed: the server side is in CLOSE_WAIT");
        }
        assertEquals(Map.of(), sockets.snapshot(Set.of()), "nothing asked, nothing read");
    }
}
