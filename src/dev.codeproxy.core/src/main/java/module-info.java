/**
 * Code Proxy's domain: endpoints, settings, routing policy, SSE scanning, the import/export
 * format and the events the data plane emits. java.base and JSON-P only, no Helidon, so every
 * other module (and the benchmark) can depend on it.
 */
module dev.codeproxy.core {
    requires transitive jakarta.json;

    // records used by store, proxy, admin and app
    exports dev.codeproxy.core;
    // the versioned import/export file format
    exports dev.codeproxy.core.config;
    // how a request chooses its upstream candidates
    exports dev.codeproxy.core.routing;
    // incremental SSE framing and usage scanning for the stream relay
    exports dev.codeproxy.core.sse;
    // what the data plane tells the log and the dashboard
    exports dev.codeproxy.core.event;
    // token usage read from responses
    exports dev.codeproxy.core.usage;
    // bundled price table, overrides and request cost (the log writer and the admin API)
    exports dev.codeproxy.core.pricing;
    // routes by request kind: the rules, their parsing and the per-request match
    exports dev.codeproxy.core.routes;
    // Claude Code session and project keys of a request (the proxy's trace, the usage reports)
    exports dev.codeproxy.core.session;
}
