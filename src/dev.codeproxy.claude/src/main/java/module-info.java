/**
 * Claude Code integration: points Claude Code's {@code settings.json} at the proxy and puts it
 * back exactly as it was, with a ledger that survives a crash. java.base and JSON-P only.
 */
module dev.codeproxy.claude {
    // Settings and Endpoint appear in ClaudeEnv's signature
    requires transitive dev.codeproxy.core;

    exports dev.codeproxy.claude to dev.codeproxy.admin, dev.codeproxy.app;
}
