package dev.codeproxy.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A tiny raw-socket HTTP/1.1 client for the tests: full control and visibility of the wire. */
final class RawHttp implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void send(String s) throws IOException {
        send(s.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    static String post(String target, String body, String... extraHeaders) {
        StringBuilder sb = new StringBuilder("POST " + target + " HTTP/1.1\r\nhost: x\r\n");
        for (String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        sb.append("content-type: application/json\r\ncontent-length: ")
                .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(body);
        return sb.toString();
    }

    /** A response as read from the wire; for chunked bodies, the chunks as received. */
    record Response(int status, Map<String, String> headers, byte[] body, List<byte[]> chunks, boolean terminated) {
        String bodyString() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads status line and headers. */
    Response readHead() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("EOF before status line");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Response(status, headers, new byte[0], List.of(), false);
    }

    byte[] readExactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("EOF after " + b.length + " of " + n);
        }
        return b;
    }

    /** Reads one chunk; null for the terminating chunk. */
    byte[] readChunk() throws IOException {
        String size = readLine();
        if (size == null) {
            throw new IOException("EOF in chunk size");
        }
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
            readLine();
            return null;
        }
        byte[] data = readExactly(n);
        readLine();
        return data;
    }

    /** Reads a whole response (content-length or chunked). */
    Response readResponse() throws IOException {
        Response head = readHead();
        if ("chunked".equals(head.header("transfer-encoding"))) {
            List<byte[]> chunks = new ArrayList<>();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] c;
            while ((c = readChunk()) != null) {
                chunks.add(c);
                all.write(c);
            }
            return new Response(head.status(), head.headers(), all.toByteArray(), chunks, true);
        }
        String cl = head.header("content-length");
        byte[] body = cl == null ? in.readAllBytes() : readExactly(Integer.parseInt(cl));
        return new Response(head.status(), head.headers(), body, List.of(), true);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
