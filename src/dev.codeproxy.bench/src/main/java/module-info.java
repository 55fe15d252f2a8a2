/**
 * The Code Proxy benchmark: a program that prints numbers, not a test. Drives the fake upstream
 * of {@code dev.codeproxy.testkit}, the proxy image, nginx and wrk over 127.0.0.1 only, and
 * prints a Markdown table. Started by {@code scripts/bench}; never linked into the image.
 */
module dev.codeproxy.bench {
    requires dev.codeproxy.testkit;
    // the admin API, to turn the request log off between two throughput runs
    requires java.net.http;
}
