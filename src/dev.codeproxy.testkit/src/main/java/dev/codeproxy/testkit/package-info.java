/**
 * Test kit: a scriptable fake Anthropic upstream on loopback (JSON, SSE with timing, failures,
 * held streams) and Claude Code-shaped request bodies. Used by the tests, the benchmark and the
 * image's self-test.
 */
package dev.codeproxy.testkit;
