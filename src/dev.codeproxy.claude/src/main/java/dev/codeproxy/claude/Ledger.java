package dev.codeproxy.claude;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the proxy changed in one settings file, so that exactly that can be undone (also after a
 * crash). Stored as {@code claude-ledger.json} (mode 0600: it holds the values it replaced).
 *
 * @param target      the settings path as configured (may be a symbolic link)
 * @param file        the real file written when the ledger was made (informational)
 * @param fileExisted whether the settings file existed before the first change
 * @param dirCreated  whether the proxy created the settings directory
 * @param envExisted  whether the file had an {@code env} object before the first change
 * @param backup      the backup written before the first change, or null
 * @param backupSha256 SHA-256 of the backup's bytes, or null
 * @param keys        per {@code env} key: the value before, the value written
 * @param setAside    credentials removed while the proxy runs
 * @param top         top-level keys the proxy added where the file had none (e.g. {@code statusLine}),
 *                    with the value written: removed on restore while they still hold it
 */
record Ledger(Path target, Path file, boolean fileExisted, boolean dirCreated, boolean envExisted, Path backup,
              String backupSha256, LinkedHashMap<String, Entry> keys, List<SetAside> setAside,
              LinkedHashMap<String, JsonValue> top) {
    static final int FORMAT = 1;

    /**
     * @param previous  the value before (any JSON), null if the key was absent
     * @param written   the value the proxy wrote
     * @param replacing a value the proxy wrote earlier and is replacing right now, or null; set
     *                  only between the ledger write and the settings write, so that a crash in
     *                  between still recognises the older value as the proxy's
     */
    record Entry(JsonValue previous, String written, String replacing) {
        boolean isOurs(JsonValue current) {
            return current instanceof JsonString s
                    && (s.getString().equals(written) || s.getString().equals(replacing));
        }
    }

    /**
     * @param in    {@code "env"} for a key of the env object, {@code ""} for a top-level key
     * @param key   the key
     * @param after the key it followed (to put it back in place), null if it was first
     * @param value its value
     */
    record SetAside(String in, String key, String after, JsonValue value) {
        String display() {
            return in.isEmpty() ? key : in + "." + key;
        }
    }

    byte[] toBytes() {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("format", FORMAT)
                .add("target", target.toString())
                .add("file", file.toString())
                .add("fileExisted", fileExisted)
                .add("dirCreated", dirCreated)
                .add("envExisted", envExisted);
        if (backup == null) {
            b.addNull("backup").addNull("backupSha256");
        } else {
            b.add("backup", backup.toString()).add("backupSha256", backupSha256);
        }
        JsonObjectBuilder k = Json.createObjectBuilder();
        keys.forEach((name, e) -> {
            JsonObjectBuilder eb = Json.createObjectBuilder();
            if (e.previous() != null) {
                eb.add("previous", e.previous());
            }
            eb.add("written", e.written());
            if (e.replacing() != null) {
                eb.add("replacing", e.replacing());
            }
            k.add(name, eb);
        });
        b.add("keys", k);
        JsonArrayBuilder s = Json.createArrayBuilder();
        for (SetAside a : setAside) {
            JsonObjectBuilder ab = Json.createObjectBuilder().add("in", a.in()).add("key", a.key());
            if (a.after() == null) {
                ab.addNull("after");
            } else {
                ab.add("after", a.after());
            }
            s.add(ab.add("value", a.value()));
        }
        b.add("setAside", s);
        JsonObjectBuilder t = Json.createObjectBuilder();
        top.forEach(t::add);
        b.add("top", t);
        return SettingsJson.print((JsonValue) b.build()).getBytes(StandardCharsets.UTF_8);
    }

    static Ledger parse(byte[] bytes, Path ledgerFile) {
        LinkedHashMap<String, JsonValue> m = SettingsJson.parseObject(bytes, ledgerFile);
        try {
            JsonObject o = SettingsJson.object(m);
            if (o.getInt("format") != FORMAT) {
                throw new ClaudeSettingsException(ledgerFile, ledgerFile + ": ledger format " + o.getInt("format")
                        + " is not supported by this version");
            }
            LinkedHashMap<String, Entry> keys = new LinkedHashMap<>();
            for (Map.Entry<String, JsonValue> e : o.getJsonObject("keys").entrySet()) {
                JsonObject x = e.getValue().asJsonObject();
                keys.put(e.getKey(), new Entry(x.get("previous"), x.getString("written"),
                        x.containsKey("replacing") ? x.getString("replacing") : null));
            }
            List<SetAside> aside = new ArrayList<>();
            for (JsonValue v : o.getJsonArray("setAside")) {
                JsonObject x = v.asJsonObject();
                aside.add(new SetAside(x.getString("in"), x.getString("key"),
                        x.isNull("after") ? null : x.getString("after"),
                        Objects.requireNonNull(x.get("value"), "value")));
            }
            LinkedHashMap<String, JsonValue> top = new LinkedHashMap<>();
            if (o.containsKey("top")) {
                top.putAll(o.getJsonObject("top"));
            }
            boolean hasBackup = !o.isNull("backup");
            return new Ledger(Path.of(o.getString("target")), Path.of(o.getString("file")),
                    o.getBoolean("fileExisted"), o.getBoolean("dirCreated"), o.getBoolean("envExisted"),
                    hasBackup ? Path.of(o.getString("backup")) : null,
                    hasBackup ? o.getString("backupSha256") : null, keys, List.copyOf(aside), top);
        } catch (ClaudeSettingsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ClaudeSettingsException(ledgerFile, ledgerFile + ": not a Code Proxy ledger this version can read "
                    + "(" + e.getClass().getSimpleName() + "); move it away to start over");
        }
    }
}
