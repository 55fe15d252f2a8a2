package dev.codeproxy.store;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.core.settings.Settings;
import dev.codeproxy.store.log.LogQueries;
import dev.codeproxy.store.log.Rec;
import dev.codeproxy.store.log.RequestLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationsTest {
    static final List<String> V2_TABLES = List.of("requests", "request_attempts", "request_bodies", "stats_hourly",
            "stats_daily", "price_overrides", "store_meta");

    @TempDir
    Path dir;

    @Test
    void anEmptyDatabaseGetsTheLatestSchema() throws SQLException {
        try (Database db = Database.open(dir); Connection c = db.connection()) {
            assertEquals(Migrations.latest(), Migrations.current(c));
            assertTrue(Migrations.latest() >= 2);
            List<String> tables = tables(c);
            for (String t : V2_TABLES) {
                assertTrue(tables.contains(t), t + " in " + tables);
            }
            assertTrue(tables.contains("endpoints"));
            assertEquals(0, new PriceRepository(db).version());
        }
    }

    @Test
    void everyEarlierVersionMigratesAndKeepsItsData() throws SQLException {
        for (int from : Migrations.versions()) {
            if (from == Migrations.latest()) {
                continue;
            }
            Path d = dir.resolve("v" + from);
            DataDir.ensure(d);
            Path file = d.resolve(Database.FILE_NAME);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
                Migrations.run(c, from);
                assertEquals(from, Migrations.current(c));
                if (from >= 1) {
                    try (Statement st = c.createStatement()) {
                        st.execute("INSERT INTO endpoints(name, priority, base_url, api_key, created_at, updated_at) "
                                + "VALUES ('kept', 1, 'https://api.anthropic.com', 'sk-ant-kept', 1, 1)");
                        st.execute("INSERT INTO settings(key, value) VALUES ('port', '9100')");
                    }
                }
                if (from >= 2) {
                    // a body stored whole, as every version before 7 stored it
                    try (var p = c.prepareStatement("INSERT INTO requests(id, started_at, status, outcome) VALUES (42, 1, 200, 'success')");
                         var b = c.prepareStatement("INSERT INTO request_bodies(request_id, request_body, request_body_size, "
                                 + "response_body, response_body_size) VALUES (42, ?, ?, ?, ?)")) {
                        p.executeUpdate();
                        b.setBytes(1, deflate(OLD_REQUEST));
                        b.setInt(2, OLD_REQUEST.length);
                        b.setBytes(3, deflate(OLD_RESPONSE));
                        b.setInt(4, OLD_RESPONSE.length);
                        b.executeUpdate();
                    }
                }
            }
            try (Database db = Database.open(d)) {
                try (Connection c = db.connection()) {
                    assertEquals(Migrations.latest(), Migrations.current(c), "from version " + from);
                    assertTrue(tables(c).containsAll(V2_TABLES));
                }
                if (from >= 1) {
                    List<Endpoint> eps = new EndpointRepository(db.client()).list();
                    assertEquals(1, eps.size());
                    assertEquals("kept", eps.getFirst().name());
                    assertEquals("sk-ant-kept", eps.getFirst().apiKey());
                    assertEquals(9100, new SettingsRepository(db.client()).load().port());
                }
                if (from >= 2) {
                    var old = new LogQueries(db).detail(42).orElseThrow();
                    assertArrayEquals(OLD_REQUEST, old.requestBody(), "the old body is readable, from version " + from);
                    assertArrayEquals(OLD_RESPONSE, old.responseBody());
                }
                // and the new tables work
                try (RequestLog log = new RequestLog(db, () -> Settings.DEFAULTS, List::of, Clock.systemUTC())) {
                    log.offer(Rec.of(1).build());
                    log.flush();
                    assertEquals(1, log.written());
                }
            }
        }
    }

    static final byte[] OLD_REQUEST = ("{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"caf\u00e9 日本\"}],\"stream\":true}").getBytes(StandardCharsets.UTF_8);
    static final byte[] OLD_RESPONSE = "event: message_stop\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

    static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[raw.length + 64];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }

    @Test
    void newDatabasesReclaimSpaceIncrementallyAndOldOnesAreSwitchedOnce() throws SQLException {
        try (Database db = Database.open(dir.resolve("new")); Connection c = db.connection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA auto_vacuum")) {
            assertTrue(rs.next());
            assertEquals(2, rs.getInt(1), "incremental");
        }
        Path d = dir.resolve("old");
        DataDir.ensure(d);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + d.resolve(Database.FILE_NAME).toAbsolutePath());
             Statement st = c.createStatement()) {
            st.execute("PRAGMA auto_vacuum = NONE");
            Migrations.run(c, 4);
        }
        try (Database db = Database.open(d); Connection c = db.connection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA auto_vacuum")) {
            assertTrue(rs.next());
            assertEquals(2, rs.getInt(1), "switched by the migration to version 7");
        }
    }

    @Test
    void migratingTwiceChangesNothing() throws SQLException {
        try (Database db = Database.open(dir)) {
            new EndpointRepository(db.client()).add(new Endpoint(0, "one", "", true, 1, 1, "https://api.anthropic.com",
                    "sk-ant-one", null, Endpoint.DEFAULT_TIMEOUT_MS, null, false));
        }
        try (Database db = Database.open(dir); Connection c = db.connection()) {
            assertEquals(Migrations.latest(), Migrations.run(c), "already at the latest");
            assertEquals(1, new EndpointRepository(db.client()).list().size());
        }
    }

    static List<String> tables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
