/**
 * Storage: SQLite through Helidon DB Client (pool on HikariCP), versioned migrations, and the
 * repositories for endpoints and settings.
 */
module dev.codeproxy.store {
    requires transitive dev.codeproxy.core;
    requires transitive io.helidon.dbclient;
    requires io.helidon.dbclient.jdbc;
    requires com.zaxxer.hikari;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires java.logging;

    exports dev.codeproxy.store;
    // migrations are read as resources of this module
    opens dev.codeproxy.store.migrations;
}
