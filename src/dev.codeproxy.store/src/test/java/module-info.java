/** Test descriptor: the store module plus JUnit. */
open module dev.codeproxy.store {
    requires transitive dev.codeproxy.core;
    requires transitive io.helidon.dbclient;
    requires io.helidon.dbclient.jdbc;
    requires com.zaxxer.hikari;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;
    requires java.logging;
    requires org.junit.jupiter.api;
    requires org.junit.jupiter.params;
    // RequestLogBench reports the log threads' CPU time
    requires java.management;
    // Conversation: Claude Code-shaped request bodies, turn by turn
    requires dev.codeproxy.testkit;

    exports dev.codeproxy.store;
    exports dev.codeproxy.store.log;
    exports dev.codeproxy.store.stats;
}
