/**
 * Storage: SQLite (or a shared PostgreSQL) through Helidon DB Client (pool on HikariCP), versioned migrations, the
 * repositories for endpoints, settings and price overrides, the request-log writer and the
 * log and statistics queries.
 */
module dev.codeproxy.store {
    requires transitive dev.codeproxy.core;
    requires transitive io.helidon.dbclient;
    requires io.helidon.dbclient.jdbc;
    requires com.zaxxer.hikari;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    // the shared engine (--database postgresql://...): the driver, and its LISTEN/NOTIFY API
    requires org.postgresql.jdbc;
    requires java.logging;

    exports dev.codeproxy.store to dev.codeproxy.admin, dev.codeproxy.app;
    // the request log (writer the app wires as a ProxyListener) and its list/detail queries
    exports dev.codeproxy.store.log to dev.codeproxy.admin, dev.codeproxy.app;
    // dashboard statistics read from the aggregates
    exports dev.codeproxy.store.stats to dev.codeproxy.admin, dev.codeproxy.app;
    // sessions and usage reports (code-proxy usage, the Sessions page, the status line)
    exports dev.codeproxy.store.usage to dev.codeproxy.admin, dev.codeproxy.app;
    // migrations are read as resources of this module
    opens dev.codeproxy.store.migrations;
}
