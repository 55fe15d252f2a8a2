package dev.codeproxy.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes HTTP/1.1 messages: a head (start line and headers, as given, in order) and chunks of the
 * chunked transfer coding. The writing side of {@link HttpReader}, shared by the test kit's
 * {@link FakeUpstream} and the benchmark.
 */
public final class HttpWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private HttpWriter() {
    }

    /**
     * The bytes of a head: {@code startLine} ({@code POST /v1/messages HTTP/1.1} or {@code HTTP/1.1 200 OK}),
     * then each header, then the blank line.
     *
     * @param namesAndValues name, value, name, value, ...
     */
    public static byte[] head(String startLine, String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("headers come as name, value pairs; got " + namesAndValues.length
                    + " strings");
        }
        StringBuilder sb = new StringBuilder(64 + 32 * namesAndValues.length).append(startLine).append("\r\n");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            sb.append(namesAndValues[i]).append(": ").append(namesAndValues[i + 1]).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The bytes of a head whose headers are {name, value} pairs. */
    public static byte[] head(String startLine, List<String[]> headers) {
        String[] flat = new String[2 * headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            flat[2 * i] = headers.get(i)[0];
            flat[2 * i + 1] = headers.get(i)[1];
        }
        return head(startLine, flat);
    }

    /** A whole message, head and body in one array (to be sent in one write). */
    public static byte[] message(byte[] head, byte[] body) {
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** One chunk of {@code len} bytes (not the last chunk: {@code len} 0 writes nothing). */
    public static void chunk(OutputStream out, byte[] data, int len) throws IOException {
        if (len == 0) {
            return;
        }
        out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data, 0, len);
        out.write(CRLF);
    }

    /** The last chunk, with no trailers: the end of a chunked body. */
    public static void lastChunk(OutputStream out) throws IOException {
        out.write(LAST_CHUNK);
    }
}
