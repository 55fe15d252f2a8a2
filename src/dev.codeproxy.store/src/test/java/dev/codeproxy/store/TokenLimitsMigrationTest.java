package dev.codeproxy.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A token made before schema version 8 keeps working, with no limits, after the migration. */
class TokenLimitsMigrationTest {
    @TempDir
    Path dir;

    @Test
    void tokensFromVersion7HaveNoLimits() throws Exception {
        DataDir.ensure(dir);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement st = c.createStatement()) {
            Migrations.run(c, 7);
            st.execute("INSERT INTO client_tokens(name, token_hash, masked, created_at) VALUES ('old', 'h', 'cp-...', 1)");
        }
        try (Database db = Database.open(dir)) {
            var t = new TokenRepository(db).activeTokens().get("h");
            assertEquals("old", t.name());
            assertEquals(TokenLimits.NONE, t.limits());
            assertFalse(t.limits().enforced());
            assertEquals(0, new TokenMeter(db).spent(t.id(), 0));
        }
    }
}
