package dev.codeproxy.bench;

/** Where the client sends its requests: direct to the upstream, through the proxy, or through nginx. */
record Target(String name, int port) {
}
