/** Test descriptor: the app module plus what the end-to-end tests need. */
open module dev.codeproxy.app {
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
    requires jdk.unsupported;
    requires java.net.http;
    requires java.sql;
    requires dev.codeproxy.testkit;
    requires org.junit.jupiter.api;
    requires org.junit.jupiter.params;
    // Playwright for Java (automatic module, named after its jar): the dashboard's browser tests
    requires playwright;

    exports dev.codeproxy.app;
}
