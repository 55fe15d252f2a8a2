package dev.codeproxy.claude;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which Code Proxy holds a {@code settings.json} now: {@code settings.json.code-proxy} next to
 * it (mode 0600; no secrets: data directory, pid and URL). Two instances with different data
 * directories and one Claude config directory meet only here. The file exists only while an
 * instance holds the settings; {@link ClaimLock} locks it around every apply and restore.
 *
 * @param dataDir the holder's data directory (where its ledger is)
 * @param pid     the holder's process id when it applied (informational)
 * @param url     the holder's URL, or null (a {@code claude apply} without a running server)
 */
record Claim(Path dataDir, long pid, String url) {
    static final String SUFFIX = ".code-proxy";

    boolean isOf(Path dir) {
        Path a = dataDir.toAbsolutePath().normalize();
        Path b = dir.toAbsolutePath().normalize();
        if (a.equals(b)) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** For messages: {@code pid 1234, http://127.0.0.1:9000, data directory /x}. */
    String describe() {
        return "pid " + pid + (url == null ? "" : ", " + url) + ", data directory " + dataDir;
    }

    byte[] toBytes() {
        JsonObjectBuilder b = Json.createObjectBuilder().add("dataDir", dataDir.toString()).add("pid", pid);
        if (url == null) {
            b.addNull("url");
        } else {
            b.add("url", url);
        }
        return (SettingsJson.print((JsonValue) b.build()) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The claim in a file's bytes, or null when empty or not a claim (then nobody is taken to hold it). */
    static Claim parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try (var r = Json.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            JsonObject o = r.readObject();
            if (!(o.get("dataDir") instanceof JsonString d) || d.getString().isBlank()) {
                return null;
            }
            long pid = o.get("pid") instanceof JsonNumber n ? n.longValue() : -1;
            String url = o.get("url") instanceof JsonString u ? u.getString() : null;
            return new Claim(Path.of(d.getString()), pid, url);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
