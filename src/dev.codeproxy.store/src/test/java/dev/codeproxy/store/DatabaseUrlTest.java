package dev.codeproxy.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --database / CODE_PROXY_DATABASE_URL: the accepted form, and a password that never shows. */
class DatabaseUrlTest {
    @Test
    void theContractFormParsesAndShowsWithoutItsPassword() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://team:s3cr%40t%3Aw@db.example.com:5433/codeproxy?sslmode=require");
        assertEquals("team", u.user());
        assertEquals("s3cr@t:w", u.password());
        assertEquals("jdbc:postgresql://db.example.com:5433/codeproxy?sslmode=require", u.jdbcUrl());
        assertEquals("postgresql://team@db.example.com:5433/codeproxy", u.display());
        assertEquals(u.display(), u.toString());
        assertFalse(u.jdbcUrl().contains("s3cr"), "the password goes to the driver as a property, not in the URL");
        assertEquals("jdbc:postgresql://h:5432/d", DatabaseUrl.parse("postgres://u@h/d").jdbcUrl());
    }

    @Test
    void malformedUrlsNameTheProblemAndTheFormButNeverThePassword() {
        String[] bad = {
            "", "mysql://u:hunter2@h/d", "postgresql://u:hunter2@/d", "postgresql://u:hunter2@h:5432",
            "postgresql://u:hunter2@h:5432/", "postgresql://:hunter2@h/d", "postgresql://u:hun ter2@h/d",
            "postgresql://u:hunter2@h/d/e", "/var/lib/code-proxy/code-proxy.db"};
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse(text), text);
            assertTrue(e.getMessage().contains(DatabaseUrl.FORM), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }
}
