/**
 * The data plane: {@code /v1/**} forwarded to upstream endpoints. Talks to storage and the UI
 * only through {@link dev.codeproxy.core.event.ProxyEvent}s, so a slow disk or browser never
 * stalls a stream.
 */
module dev.codeproxy.proxy {
    requires transitive dev.codeproxy.core;
    requires transitive io.helidon.webserver;
    requires io.helidon.webclient;
    requires io.helidon.webclient.http1;
    requires io.helidon.http.encoding;
    requires java.logging;

    // the HttpService the app registers, and the small interfaces it is wired with
    exports dev.codeproxy.proxy to dev.codeproxy.admin, dev.codeproxy.app;
}
