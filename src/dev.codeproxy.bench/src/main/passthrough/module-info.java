/**
 * The framework's own cost, as a benchmark reference (never linked into the image): a Helidon SE
 * pass-through compiled by the benchmark against the image's own runtime and run with the image's
 * JVM options, so that the rows put Code Proxy beside what its framework costs alone.
 */
module dev.codeproxy.passthrough {
    requires io.helidon.webserver;
    requires io.helidon.webclient;
    requires io.helidon.webclient.http1;
}
