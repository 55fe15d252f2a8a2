/**
 * Code Proxy's domain: endpoints, settings, routing policy, SSE scanning, the import/export
 * format and the events the data plane emits. java.base and JSON-P only, no Helidon, so every
 * other module (and the benchmark) can depend on it.
 */
module dev.codeproxy.core {
    requires transitive jakarta.json;

    // an endpoint, its auth style, model map, compatibility and validation rules
    exports dev.codeproxy.core.endpoint;
    // the settings record, its keys and modes
    exports dev.codeproxy.core.settings;
    // the request-body scan, model rewrite, JSON helpers and the Anthropic error envelope
    exports dev.codeproxy.core.wire
            to dev.codeproxy.store, dev.codeproxy.proxy, dev.codeproxy.admin, dev.codeproxy.app;
    // what a credential is, masking and token checks
    exports dev.codeproxy.core.secret to dev.codeproxy.store, dev.codeproxy.admin, dev.codeproxy.app;
    // the versioned import/export file format
    exports dev.codeproxy.core.config to dev.codeproxy.admin, dev.codeproxy.app;
    // how a request chooses its upstream candidates
    exports dev.codeproxy.core.routing
            to dev.codeproxy.store, dev.codeproxy.proxy, dev.codeproxy.admin, dev.codeproxy.app;
    // incremental SSE framing and usage scanning for the stream relay
    exports dev.codeproxy.core.sse to dev.codeproxy.proxy;
    // what the data plane tells the log and the dashboard
    exports dev.codeproxy.core.event
            to dev.codeproxy.store, dev.codeproxy.proxy, dev.codeproxy.admin, dev.codeproxy.app;
    // token usage read from responses
    exports dev.codeproxy.core.usage
            to dev.codeproxy.store, dev.codeproxy.proxy, dev.codeproxy.admin, dev.codeproxy.app;
    // bundled price table, overrides and request cost (the log writer and the admin API)
    exports dev.codeproxy.core.pricing to dev.codeproxy.store, dev.codeproxy.admin, dev.codeproxy.app;
    // routes by request kind: the rules, their parsing and the per-request match
    exports dev.codeproxy.core.routes to dev.codeproxy.proxy, dev.codeproxy.admin, dev.codeproxy.app;
    // Claude Code session and project keys of a request (the proxy's trace, the usage reports)
    exports dev.codeproxy.core.session to dev.codeproxy.store, dev.codeproxy.proxy;
    // a failure told in one line (the app's start and stop, the Claude Code integration's notices)
    exports dev.codeproxy.core.errors to dev.codeproxy.claude, dev.codeproxy.app;
}
