package dev.codeproxy.store;

import dev.codeproxy.core.endpoint.Endpoint;
import dev.codeproxy.testkit.PostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The store on a real PostgreSQL: migrations, repositories, and configuration changes heard by other instances. */
class SharedPostgresStoreTest {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    @Test
    void fourInstancesStartingAtOnceMigrateTheDatabaseOnce() throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(pg.newDatabase());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Database>> opened = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                Path d = dir.resolve("i" + i);
                opened.add(pool.submit(() -> {
                    go.await();
                    return Database.open(d, url);
                }));
            }
            go.countDown();
            List<Database> dbs = new ArrayList<>();
            for (Future<Database> f : opened) {
                dbs.add(f.get(120, TimeUnit.SECONDS));
            }
            Database db = dbs.getFirst();
            assertEquals(Migrations.latest(), db.schemaVersion());
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM schema_version")) {
                    rs.next();
                    assertEquals(1, rs.getLong(1));
                }
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = st.executeQuery(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                for (String t : List.of("endpoints", "settings", "requests", "request_attempts", "request_bodies",
                        "stats_hourly", "stats_daily", "price_overrides", "store_meta", "client_tokens",
                        "stats_route_hourly", "sessions", "session_models", "usage_hourly", "request_parts")) {
                    assertTrue(tables.contains(t), t + " in " + tables);
                }
            }
            for (Database d : dbs) {
                d.close();
            }
        }
    }

    @Test
    void repositoriesKeepTheirRulesOnPostgres() {
        DatabaseUrl url = DatabaseUrl.parse(pg.newDatabase());
        try (Database db = Database.open(dir, url)) {
            EndpointRepository endpoints = new EndpointRepository(db.client());
            endpoints.add(endpoint("Main"));
            // names are unique regardless of case, as on SQLite
            assertThrows(RuntimeException.class, () -> endpoints.add(endpoint("main")));
            assertEquals(List.of("Main"), endpoints.list().stream().map(Endpoint::name).toList());

            SettingsRepository settings = new SettingsRepository(db.client());
            settings.putAll(Map.of("retryCapMs", "1234"));
            assertEquals(1234, settings.load().retryCapMs());

            PriceRepository prices = new PriceRepository(db);
            long before = prices.version();
            prices.put(new dev.codeproxy.core.pricing.PriceOverride("my-model*",
                    dev.codeproxy.core.pricing.ModelPrice.of("1", "2", "3", "4", "5")));
            assertEquals(before + 1, prices.version());

            TokenRepository tokens = new TokenRepository(db);
            TokenRepository.Created t = tokens.create("alice");
            assertTrue(tokens.activeHashes().containsKey(TokenRepository.hash(t.token())));
            assertTrue(tokens.revoke(t.stored().id()));
            assertFalse(tokens.activeHashes().containsKey(TokenRepository.hash(t.token())));
        }
    }

    @Test
    void aChangeOnOneInstanceIsHeardByAnotherAlsoAfterItsListenerLostItsConnection() throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(pg.newDatabase());
        try (Database a = Database.open(dir.resolve("a"), url);
             Database b = Database.open(dir.resolve("b"), url);
             ConfigSnapshot seenByB = new ConfigSnapshot(b)) {
            AtomicInteger reloads = new AtomicInteger();
            seenByB.onChange(reloads::incrementAndGet);
            seenByB.watch(60_000); // a poll that slow would never be in time: only the notification is
            new SettingsRepository(a.client()).putAll(Map.of("retryCapMs", "2222"));
            await("B hears a setting changed through A", () -> seenByB.settings().retryCapMs() == 2222);
            new EndpointRepository(a.client()).add(endpoint("added-on-a"));
            await("B hears an endpoint added through A", () -> seenByB.endpoints().size() == 1);

            // the listening connection dies (a database restart, a network cut): it comes back, rereads
            // the configuration, and hears changes again
            try (Connection c = a.connection(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' "
                        + "AND pid <> pg_backend_pid()");
            }
            new SettingsRepository(a.client()).putAll(Map.of("retryCapMs", "3333"));
            await("B hears again after reconnecting", () -> seenByB.settings().retryCapMs() == 3333);
            assertTrue(reloads.get() >= 3, "reloads: " + reloads.get());
        }
    }

    private static Endpoint endpoint(String name) {
        return new Endpoint(0, name, "", true, 1, 1, "https://api.example.com", "sk-test", null, 600_000, null, false);
    }

    /** Waits (up to 15 s: a bound for a loaded machine, not a measure) until {@code done}. */
    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                fail("timed out: " + what);
            }
            Thread.sleep(5);
        }
    }
}
