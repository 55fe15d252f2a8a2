package dev.codeproxy.core.sse;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseFramerTest {
    private record Ev(String name, String raw) {
    }

    private static List<Ev> frame(String stream, int chunk) {
        byte[] all = stream.getBytes(StandardCharsets.UTF_8);
        SseFramer f = new SseFramer();
        List<Ev> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += chunk) {
            f.feed(all, i, Math.min(chunk, all.length - i),
                    (b, off, len, name) -> out.add(new Ev(name, new String(b, off, len, StandardCharsets.UTF_8))));
        }
        return out;
    }

    @Test
    void splitsEventsExactlyWhateverTheChunking() {
        String s = "event: message_start\ndata: {\"a\":1}\n\nevent: ping\ndata: {}\n\ndata: no name\n\n";
        for (int chunk = 1; chunk <= s.length(); chunk++) {
            List<Ev> evs = frame(s, chunk);
            assertEquals(3, evs.size(), "chunk " + chunk);
            assertEquals(new Ev("message_start", "event: message_start\ndata: {\"a\":1}\n\n"), evs.get(0));
            assertEquals(new Ev("ping", "event: ping\ndata: {}\n\n"), evs.get(1));
            assertEquals(new Ev("message", "data: no name\n\n"), evs.get(2));
        }
    }

    @Test
    void theCallersArrayMayBeReusedAfterEachFeed() {
        // the relay reads every chunk into one array: the framer must keep its own copy of a tail
        String s = "event: content_block_delta\r\ndata: {\"d\":\"é\"}\r\n\r\nevent: custom_thing\rdata: x\r\r"
                + "event: message_stop\ndata: {}\n\n";
        byte[] all = s.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= all.length; chunk++) {
            SseFramer f = new SseFramer();
            byte[] scratch = new byte[chunk];
            List<Ev> out = new ArrayList<>();
            for (int i = 0; i < all.length; i += chunk) {
                int n = Math.min(chunk, all.length - i);
                System.arraycopy(all, i, scratch, 0, n);
                f.feed(scratch, 0, n, (b, off, len, name) -> out.add(new Ev(name, new String(b, off, len,
                        StandardCharsets.UTF_8))));
                Arrays.fill(scratch, (byte) 'X');
            }
            assertEquals(List.of(new Ev("content_block_delta", "event: content_block_delta\r\ndata: {\"d\":\"é\"}\r\n\r\n"),
                    new Ev("custom_thing", "event: custom_thing\rdata: x\r\r"),
                    new Ev("message_stop", "event: message_stop\ndata: {}\n\n")), out, "chunk " + chunk);
            assertEquals(0, f.pending(), "chunk " + chunk);
        }
    }

    @Test
    void acceptsCrlfLineEnds() {
        String s = "event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\n\r\n";
        for (int chunk = 1; chunk <= s.length(); chunk++) {
            List<Ev> evs = frame(s, chunk);
            assertEquals(List.of(new Ev("a", "event: a\r\ndata: 1\r\n\r\n"), new Ev("b", "event: b\r\ndata: 2\r\n\r\n")),
                    evs, "chunk " + chunk);
        }
    }

    @Test
    void keepsAnUnfinishedEventAsRemainder() {
        SseFramer f = new SseFramer();
        byte[] b = "event: a\ndata: 1\n\nevent: b\ndata:".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        f.feed(b, 0, b.length, (x, off, len, n) -> seen.write(x, off, len));
        assertEquals("event: a\ndata: 1\n\n", seen.toString(StandardCharsets.UTF_8));
        assertEquals("event: b\ndata:", new String(f.remainder(), StandardCharsets.UTF_8));
    }

    @Test
    void dataJoinsDataLines() {
        byte[] b = "event: x\ndata: {\"a\":\ndata: 1}\n\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("{\"a\":\n1}", SseFramer.data(b, 0, b.length));
    }

    @Test
    void theEventsOfOneFeedAreContiguousAndStillThereAtItsEnd() {
        // the relay writes the events of one read together, at endOfFeed: whatever the chunking,
        // they must form one run of one array, and that run must still hold them then
        String s = "event: message_start\ndata: {}\n\nevent: content_block_delta\r\ndata: {\"d\":1}\r\n\r\n"
                + "event: ping\rdata: {}\r\revent: message_stop\ndata: {}\n\n";
        byte[] all = s.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= all.length; chunk++) {
            SseFramer f = new SseFramer();
            StringBuilder relayed = new StringBuilder();
            int[] ends = {0};
            byte[] scratch = new byte[chunk];
            for (int i = 0; i < all.length; i += chunk) {
                int n = Math.min(chunk, all.length - i);
                System.arraycopy(all, i, scratch, 0, n);
                f.feed(scratch, 0, n, new SseFramer.Sink() {
                    byte[] run;
                    int from;
                    int len;
                    final StringBuilder seen = new StringBuilder();

                    @Override
                    public void event(byte[] b, int off, int l, String name) {
                        if (len > 0) {
                            assertTrue(b == run && off == from + len, "events of one feed are contiguous");
                        } else {
                            run = b;
                            from = off;
                        }
                        len += l;
                        seen.append(new String(b, off, l, StandardCharsets.UTF_8));
                    }

                    @Override
                    public void endOfFeed() {
                        ends[0]++;
                        String run = len == 0 ? "" : new String(this.run, from, len, StandardCharsets.UTF_8);
                        assertEquals(seen.toString(), run, "the run still holds its events at the feed's end");
                        relayed.append(run);
                    }
                });
                Arrays.fill(scratch, (byte) 'X');
            }
            assertEquals(s, relayed.toString(), "chunk " + chunk);
            assertEquals((all.length + chunk - 1) / chunk, ends[0], "one endOfFeed per feed, chunk " + chunk);
        }
    }
}
