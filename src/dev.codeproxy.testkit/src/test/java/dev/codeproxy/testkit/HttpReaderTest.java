package dev.codeproxy.testkit;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test kit's HTTP/1.1 reader and writer, byte by byte, on messages in memory. */
class HttpReaderTest {

    private static HttpReader reader(String wire, int bufferSize) {
        return new HttpReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), bufferSize);
    }

    /** An input stream that hands out one byte per read: every boundary falls mid-token once. */
    private static HttpReader trickle(byte[] wire, int bufferSize) {
        InputStream one = new InputStream() {
            int i;

            @Override
            public int read() {
                return i < wire.length ? wire[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i == wire.length) {
                    return -1;
                }
                b[off] = wire[i++];
                return 1;
            }
        };
        return new HttpReader(one, bufferSize);
    }

    @Test
    void keepAliveRequestsWithBothFramingsOneAfterTheOther() throws IOException {
        byte[] wire = ("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "\r\n" // a stray CRLF between requests
                + "POST /v1/messages HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nx-trailer: 1\r\n\r\n"
                + "GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        HttpReader in = trickle(wire, 64);
        List<String> headers = new ArrayList<>();
        assertEquals("POST /v1/messages HTTP/1.1", in.startLine());
        HttpReader.Framing f = in.requestHeaders((n, v) -> headers.add(n + "=" + v));
        assertEquals(List.of("Host=x", "Content-Length=5"), headers, "names as sent, values trimmed");
        assertEquals(5, f.contentLength());
        assertArrayEquals("hello".getBytes(StandardCharsets.ISO_8859_1), in.bodyBytes(f));

        assertEquals("POST /v1/messages HTTP/1.1", in.startLine());
        f = in.requestHeaders(null);
        assertTrue(f.chunked());
        assertArrayEquals("abcde".getBytes(StandardCharsets.ISO_8859_1), in.bodyBytes(f));

        assertEquals("GET /v1/models HTTP/1.1", in.startLine());
        f = in.requestHeaders(null);
        assertEquals(0, f.contentLength(), "a request without framing has no body");
        assertFalse(f.chunked());
        assertTrue(f.close());
        assertEquals(0, in.body(f, null));
        assertNull(in.startLine(), "a clean end between requests");
    }

    @Test
    void aResponseWithoutFramingEndsWithTheConnection() throws IOException {
        HttpReader in = reader("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it", 64);
        assertEquals(200, HttpReader.status(in.line()));
        HttpReader.Framing f = in.responseHeaders(null);
        assertEquals(-1, f.contentLength());
        assertArrayEquals("all of it".getBytes(StandardCharsets.ISO_8859_1), in.bodyBytes(f));
        assertTrue(in.eof());
    }

    @Test
    void aSinkThatStopsLeavesTheRestUnread() throws IOException {
        HttpReader in = reader("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                + "4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n", 64);
        in.line();
        HttpReader.Framing f = in.responseHeaders(null);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long n = in.body(f, (b, off, len) -> {
            seen.write(b, off, len);
            return false;
        });
        assertEquals(4, n);
        assertEquals("abcd", seen.toString(StandardCharsets.ISO_8859_1));
        assertEquals("", in.line(), "the rest is left as it was: the first chunk's CRLF");
        assertEquals("4", in.line(), "then the next chunk's size line");
    }

    @Test
    void badFramingIsMalformedAndSaysWhat() {
        assertEquals("bad content-length: 12x", assertThrows(HttpReader.Malformed.class, () ->
                reader("content-length: 12x\r\n\r\n", 64).requestHeaders(null)).getMessage());
        assertEquals("bad content-length: 4", assertThrows(HttpReader.Malformed.class, () -> reader(
                "content-length: 5\r\ncontent-length: 4\r\n\r\n", 64).requestHeaders(null))
                .getMessage(), "two different lengths");
        assertEquals("bad header line: no colon here", assertThrows(HttpReader.Malformed.class, () ->
                reader("no colon here\r\n\r\n", 64).requestHeaders(null)).getMessage());
        assertEquals("bad status line: HTTP/1.1 2x0 OK",
                assertThrows(HttpReader.Malformed.class, () -> HttpReader.status("HTTP/1.1 2x0 OK")).getMessage());
        assertTrue(assertThrows(HttpReader.Malformed.class, () -> reader("x".repeat(100) + "\r\n", 64).line())
                .getMessage().startsWith("line too long"));
        assertEquals("connection closed mid-line",
                assertThrows(HttpReader.Malformed.class, () -> reader("POST / HT", 64).line()).getMessage());
        HttpReader chunks = reader("zz\r\n", 64);
        HttpReader.Framing chunked = framing(reader("GET / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n", 64));
        assertEquals("bad chunk size: zz",
                assertThrows(HttpReader.Malformed.class, () -> chunks.body(chunked, null)).getMessage());
        HttpReader cut = reader("GET / HTTP/1.1\r\ncontent-length: 10\r\n\r\nabc", 64);
        HttpReader.Framing ten = framing(cut);
        assertEquals("connection closed after 3 of 10 body bytes",
                assertThrows(HttpReader.Malformed.class, () -> cut.bodyBytes(ten)).getMessage());
    }

    private static HttpReader.Framing framing(HttpReader in) {
        try {
            in.startLine();
            return in.requestHeaders(null);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theBufferGrowsToItsMaximumForBytesNobodyReads() throws IOException {
        byte[] wire = new byte[100];
        HttpReader in = new HttpReader(new ByteArrayInputStream(wire), 16, 64);
        while (!in.full()) {
            assertTrue(in.fill());
        }
        IOException e = assertThrows(IOException.class, in::fill);
        assertEquals("read buffer full (64 bytes unread)", e.getMessage());
    }

    @Test
    void theWriterWritesWhatTheReaderReads() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(HttpWriter.head("HTTP/1.1 200 OK", "content-type", "text/event-stream",
                "transfer-encoding", "chunked"));
        byte[] event = "event: ping\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);
        HttpWriter.chunk(out, event, event.length);
        HttpWriter.chunk(out, event, 0);
        HttpWriter.chunk(out, event, 5);
        HttpWriter.lastChunk(out);
        HttpReader in = new HttpReader(new ByteArrayInputStream(out.toByteArray()), 64);
        assertEquals(200, HttpReader.status(in.line()));
        HttpReader.Framing f = in.responseHeaders(null);
        assertTrue(f.chunked());
        assertEquals("event: ping\ndata: {}\n\nevent", new String(in.bodyBytes(f), StandardCharsets.UTF_8));
        assertNull(in.line());

        byte[] message = HttpWriter.message(HttpWriter.head("POST /x HTTP/1.1", "content-length", "2"),
                new byte[] {'o', 'k'});
        assertEquals("POST /x HTTP/1.1\r\ncontent-length: 2\r\n\r\nok", new String(message, StandardCharsets.ISO_8859_1));
        assertThrows(IllegalArgumentException.class, () -> HttpWriter.head("GET / HTTP/1.1", "lonely"));
    }
}
