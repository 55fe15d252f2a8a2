/**
 * The composition root: command line, wiring, lifecycle. Nothing exported but the entry point;
 * picocli reflects on the command classes, so their package is opened to it.
 */
module dev.codeproxy.app {
    requires dev.codeproxy.core;
    requires dev.codeproxy.store;
    requires dev.codeproxy.proxy;
    requires dev.codeproxy.admin;
    requires dev.codeproxy.claude;
    requires info.picocli;
    requires io.helidon.webserver;
    requires io.helidon.webserver.observe;
    requires io.helidon.webserver.observe.health;
    requires io.helidon.health;
    requires java.logging;
    // code-proxy login asks the running server for a login link
    requires java.net.http;
    // doctor reads the database read-only with plain JDBC (nothing is created or migrated)
    requires java.sql;
    // selftest replays upstream failures against the test kit's in-process fake upstreams
    requires dev.codeproxy.testkit;
    // sun.misc.Signal: a second Ctrl-C stops at once
    requires jdk.unsupported;

    exports dev.codeproxy.app;
    opens dev.codeproxy.app to info.picocli;
}
