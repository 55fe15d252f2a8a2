/**
 * The Anthropic Messages wire format as the proxy path sees it: the one-pass scan of a request
 * body (model, stream flag, session, kinds) and its model rewrite by splicing bytes, byte-level
 * JSON helpers, the shared JSON-P factories, and errors in the Anthropic envelope. No trees on the
 * request path; the proxy, the log and the admin API use it.
 */
package dev.codeproxy.core.wire;
