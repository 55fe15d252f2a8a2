/**
 * Test kit for Code Proxy: a scriptable fake Anthropic upstream ({@link dev.codeproxy.testkit.FakeUpstream})
 * built on raw sockets, plus fixtures for Messages API streams and Claude Code request bodies.
 */
module dev.codeproxy.testkit {
    exports dev.codeproxy.testkit;
}
