package dev.codeproxy.store;

import dev.codeproxy.testkit.PostgresServer;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;

/**
 * The client-token meter's tests on PostgreSQL: the same atomic counts and charges, through the
 * migration V8 as the dialect translates it, so several instances sharing one database share one
 * budget and one rate window.
 */
class PostgresTokenMeterTest extends TokenMeterTest {
    static PostgresServer pg;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.shared();
    }

    @Override
    Database open(Path dir) {
        return Database.open(dir, DatabaseUrl.parse(pg.newDatabase()));
    }
}
