/**
 * Test descriptor: the proxy module plus JUnit and the test kit's fake upstream, open for the tests.
 * The data plane: {@code /v1/**} forwarded to upstream endpoints. Talks to storage and the UI
 * only through {@link dev.codeproxy.core.event.ProxyEvent}s, so a slow disk or browser never
 * stalls a stream.
 */
open module dev.codeproxy.proxy {
    requires org.junit.jupiter.api;
    requires org.junit.jupiter.params;
    // the scriptable fake upstream (raw sockets on loopback) the relay and the attempt loop are driven against
    requires dev.codeproxy.testkit;
    requires transitive dev.codeproxy.core;
    requires transitive io.helidon.webserver;
    requires io.helidon.webclient;
    requires io.helidon.webclient.http1;
    requires io.helidon.http.encoding;
    requires java.logging;

    // the HttpService the app registers, and the small interfaces it is wired with
    exports dev.codeproxy.proxy;
}
